// Package discovery is what this program needs of an EKS cluster it does
// not own: the checks that the cluster provides it, before the stack
// declares anything on it, and the kubeconfig that reaches it.
//
// A cluster comes either from the EKS and IAM look-ups (existingClusterName)
// or from a platform stack's outputs (existingClusterStack, see Outputs).
// Either way it must have an IAM OIDC provider that accepts STS tokens: IRSA
// rests on it, and this program never creates one on a cluster it does not
// own. The package imports no cloud SDK; its parent, existing, does the
// look-ups and declares the component.
package discovery

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/kubeconfig"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/stack/outputs"
)

// Cluster is an existing cluster, checked.
type Cluster struct {
	Name string
	// Kubeconfig reaches the cluster; it is secret.
	Kubeconfig      string
	OidcProviderArn string
	// OidcIssuerURL is the cluster's issuer, https:// included.
	OidcIssuerURL string
	// VpcID is the cluster's VPC; "" when a platform stack does not export it.
	VpcID string
	// Secret names the outputs (outputs.ClusterName, ...) that the platform
	// stack keeps secret: this stack must not show them either.
	Secret map[string]bool
}

// OidcProvider is an IAM OIDC provider as IAM's look-up reports it.
type OidcProvider struct {
	Arn string
	// URL is the issuer without its scheme, as IAM stores it.
	URL       string
	ClientIDs []string
}

// EKSCluster is what the EKS cluster look-up (DescribeCluster) reports.
type EKSCluster struct {
	Name   string
	Region string
	// Endpoint is the API server's URL, https:// included.
	Endpoint string
	// CertificateAuthorityData is the cluster's CA bundle, base64-encoded
	// PEM as EKS reports it.
	CertificateAuthorityData string
	// Issuer is the OIDC issuer URL, https:// included; EKS gives every
	// cluster one.
	Issuer string
	VpcID  string
}

// byNameKey and byStackKey are the configuration keys that name the cluster;
// every problem here is reported against one of them.
var (
	byNameKey  = config.FullName("existingClusterName")
	byStackKey = config.FullName("existingClusterStack")
)

// NoIssuer is the problem of a cluster whose look-up reports no OIDC issuer.
func NoIssuer(name string) config.Problems {
	return config.Problems{{Key: byNameKey, Value: name, Code: "cluster-without-issuer", Rule: "reports no OIDC issuer, and IRSA needs one: is it an EKS cluster on AWS (not on Outposts)?"}}
}

// NotFound is the problem of a cluster the EKS look-up did not find.
func NotFound(name, region string, lookupErr error) config.Problems {
	return config.Problems{{Key: byNameKey, Value: name, Code: "cluster-not-found", Rule: fmt.Sprintf(
		"no EKS cluster of that name can be read in %s (aws:region) with these credentials (the look-up said: %v)", region, lookupErr)}}
}

// notFound reports whether a look-up failed because what it looked for does
// not exist. The AWS provider says so with terraform-plugin-sdk's
// retry.NotFoundError ("couldn't find resource"), or passes IAM's
// NoSuchEntity on.
func notFound(err error) bool {
	return strings.Contains(err.Error(), "couldn't find resource") || strings.Contains(err.Error(), "NoSuchEntity")
}

// FromEKS checks a cluster found by name and its OIDC provider, found by
// its issuer (providerErr is the provider look-up's error, if it failed),
// and builds the kubeconfig that authenticates with `aws eks get-token`.
func FromEKS(c EKSCluster, provider OidcProvider, providerErr error) (Cluster, error) {
	switch {
	case providerErr != nil && notFound(providerErr):
		return Cluster{}, config.Problems{{Key: byNameKey, Value: c.Name, Code: "oidc-provider-missing", Rule: fmt.Sprintf(
			"has no IAM OIDC provider for its issuer %s in this account (the look-up said: %v). "+
				"IRSA needs one, and this stack never creates one on a cluster it does not own: "+
				"ask the cluster's owner to create it, e.g. `eksctl utils associate-iam-oidc-provider --cluster %s --region %s --approve`",
			c.Issuer, providerErr, c.Name, c.Region)}}
	case providerErr != nil:
		return Cluster{}, config.Problems{{Key: byNameKey, Value: c.Name, Code: "oidc-provider-unreadable", Rule: fmt.Sprintf(
			"the IAM OIDC provider for its issuer %s could not be looked up (the look-up said: %v): "+
				"the deploying identity needs iam:ListOpenIDConnectProviders and iam:GetOpenIDConnectProvider",
			c.Issuer, providerErr)}}
	}
	if problems := checkProvider(byNameKey, c.Name, c.Issuer, provider, false); problems != nil {
		return Cluster{}, problems
	}
	text, err := kubeconfig.Of(kubeconfig.Cluster{Name: c.Name, Region: c.Region, Endpoint: c.Endpoint, CertificateAuthorityData: c.CertificateAuthorityData})
	if err != nil {
		return Cluster{}, config.Problems{{Key: byNameKey, Value: c.Name, Code: "kubeconfig", Rule: err.Error()}}
	}
	return Cluster{
		Name:            c.Name,
		Kubeconfig:      text,
		OidcProviderArn: provider.Arn,
		OidcIssuerURL:   c.Issuer,
		VpcID:           c.VpcID,
	}, nil
}

// checkProvider checks that the provider is the issuer's and accepts the
// audience the pod identity webhook requests. hide masks the provider and
// the issuer in a problem, for a platform stack that keeps them secret.
func checkProvider(key, value, issuer string, provider OidcProvider, hide bool) config.Problems {
	arn, url, shownIssuer := provider.Arn, provider.URL, issuer
	if hide {
		arn, url, shownIssuer = config.SecretMask, config.SecretMask, config.SecretMask
	}
	switch {
	case trust.IssuerHost(provider.URL) != trust.IssuerHost(issuer):
		return config.Problems{{Key: key, Value: value, Code: "oidc-provider-of-another-issuer", Rule: fmt.Sprintf(
			"its IAM OIDC provider %s is for %s, not for the cluster's issuer %s", arn, url, shownIssuer)}}
	case !slices.Contains(provider.ClientIDs, trust.STSAudience):
		return config.Problems{{Key: key, Value: value, Code: "oidc-provider-audience", Rule: fmt.Sprintf(
			"its IAM OIDC provider %s does not list the client ID %s, so no ServiceAccount token can assume a role through it: "+
				"ask the cluster's owner to add it (`aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn %s --client-id %s`)",
			arn, trust.STSAudience, arn, trust.STSAudience)}}
	}
	return nil
}

// Output is one output of a platform stack, as a stack reference reads it.
type Output struct {
	Value  any
	Secret bool
}

// Outputs are a platform stack's outputs by name; a missing one is absent.
type Outputs map[string]Output

// oidcProviderArnPattern captures the account and the issuer host and path
// of an IAM OIDC provider ARN, in any partition.
var oidcProviderArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):oidc-provider/(.+)$`)

// FromStack checks the outputs of the platform stack named stack. needVpc
// says whether its vpcId is required (by the Load Balancer Controller).
func FromStack(stack string, read Outputs, needVpc bool) (Cluster, error) {
	var problems config.Problems
	add := func(code config.Code, rule string, args ...any) {
		problems = append(problems, config.Problem{Key: byStackKey, Value: stack, Code: code, Rule: fmt.Sprintf(rule, args...)})
	}
	// show is how an output appears in a problem: secrets never do.
	show := func(name, value string) string {
		if read[name].Secret {
			return config.SecretMask
		}
		return value
	}
	c := Cluster{Secret: map[string]bool{}}
	mistyped := map[string]bool{}
	text := func(name string) string {
		output, ok := read[name]
		if output.Secret {
			c.Secret[name] = true
		}
		switch v := output.Value.(type) {
		case string:
			return v
		case nil:
			if ok {
				mistyped[name] = true
				add("platform-output-empty", "its output %s is empty", name)
			}
			return ""
		default:
			add("platform-output-type", "its output %s is a %T, not a string", name, v)
			mistyped[name] = true
			return ""
		}
	}
	c.Name = text(outputs.ClusterName)
	c.OidcProviderArn = text(outputs.OidcProviderArn)
	c.OidcIssuerURL = text(outputs.OidcIssuer)
	c.VpcID = text(outputs.VpcID)
	if c.Name == "" && !mistyped[outputs.ClusterName] {
		add("platform-output-missing", "exports no %s: a platform stack must export %s", outputs.ClusterName, requiredOutputs)
	}
	if read[outputs.Kubeconfig].Secret {
		c.Secret[outputs.Kubeconfig] = true
	}
	switch kc := read[outputs.Kubeconfig].Value.(type) {
	case nil:
		add("platform-output-missing", "exports no %s: a platform stack must export %s", outputs.Kubeconfig, requiredOutputs)
	case string:
		if strings.TrimSpace(kc) == "" {
			add("platform-output-empty", "its output %s is empty", outputs.Kubeconfig)
		}
		c.Kubeconfig = kc
	case map[string]any:
		// pulumi-eks exports its kubeconfig as an object; the Kubernetes
		// provider takes it as JSON text.
		raw, err := json.Marshal(kc)
		if err != nil {
			add("platform-output-type", "its output %s does not marshal as JSON: %v", outputs.Kubeconfig, err)
		}
		c.Kubeconfig = string(raw)
	default:
		add("platform-output-type", "its output %s is a %T, neither kubeconfig text nor an object", outputs.Kubeconfig, kc)
	}
	switch m := oidcProviderArnPattern.FindStringSubmatch(c.OidcProviderArn); {
	case mistyped[outputs.OidcProviderArn]:
	case c.OidcProviderArn == "":
		add("oidc-provider-missing", "exports no %s. IRSA needs the cluster's IAM OIDC provider, and this stack never creates one on a cluster it does not own: "+
			"ask the platform team to create it (e.g. `eksctl utils associate-iam-oidc-provider --cluster <name> --approve`) and export its ARN as %s",
			outputs.OidcProviderArn, outputs.OidcProviderArn)
	case m == nil:
		add("platform-output-type", "its output %s %q is not an IAM OIDC provider ARN such as arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-2.amazonaws.com/id/EXAMPLE",
			outputs.OidcProviderArn, show(outputs.OidcProviderArn, c.OidcProviderArn))
	case c.OidcIssuerURL == "" && !mistyped[outputs.OidcIssuer]:
		c.OidcIssuerURL = "https://" + m[2]
		if c.Secret[outputs.OidcProviderArn] {
			c.Secret[outputs.OidcIssuer] = true
		}
	case trust.IssuerHost(c.OidcIssuerURL) != m[2] || !strings.HasPrefix(c.OidcIssuerURL, "https://"):
		add("platform-outputs-disagree", "its outputs disagree: %s %q is not the issuer of %s %q",
			outputs.OidcIssuer, show(outputs.OidcIssuer, c.OidcIssuerURL), outputs.OidcProviderArn, show(outputs.OidcProviderArn, c.OidcProviderArn))
	}
	if needVpc && c.VpcID == "" && !mistyped[outputs.VpcID] {
		add("platform-output-missing", "exports no %s, which the AWS Load Balancer Controller (loadBalancerController: true) needs", outputs.VpcID)
	}
	if problems != nil {
		return Cluster{}, problems
	}
	return c, nil
}

// Unreadable is the problem of a platform stack that cannot be read.
func Unreadable(stack string, err error) config.Problems {
	return config.Problems{{Key: byStackKey, Value: stack, Code: "platform-stack-unreadable", Rule: fmt.Sprintf(
		"cannot be read (%v): give it as organization/project/stack, and deploy with a Pulumi login that may read it", err)}}
}

var requiredOutputs = strings.Join(outputs.PlatformRequired, ", ")

// CheckStackProvider checks the OIDC provider a platform stack names: it
// must be in account, the one this stack deploys to (IAM trusts only a
// provider of the role's own account), and IAM's look-up by ARN must find it
// (providerErr is the look-up's error, if it failed).
func CheckStackProvider(stack, account string, c Cluster, provider OidcProvider, providerErr error) error {
	problem := func(code config.Code, rule string, args ...any) error {
		return config.Problems{{Key: byStackKey, Value: stack, Code: code, Rule: fmt.Sprintf(rule, args...)}}
	}
	arn := c.OidcProviderArn
	if c.Secret[outputs.OidcProviderArn] {
		arn = config.SecretMask
	}
	switch m := oidcProviderArnPattern.FindStringSubmatch(c.OidcProviderArn); {
	case m != nil && m[1] != account:
		return problem("oidc-provider-account", "its %s %s is in account %s, but this stack deploys to account %s: "+
			"the Milvus role must be in its OIDC provider's account, so deploy with credentials for account %s",
			outputs.OidcProviderArn, arn, m[1], account, m[1])
	case providerErr != nil && notFound(providerErr):
		return problem("oidc-provider-missing", "its %s %s does not exist (the look-up said: %v). "+
			"IRSA needs the cluster's IAM OIDC provider, and this stack never creates one on a cluster it does not own: "+
			"ask the platform team to create it again (e.g. `eksctl utils associate-iam-oidc-provider --cluster %s --approve`) and export its ARN",
			outputs.OidcProviderArn, arn, providerErr, c.Name)
	case providerErr != nil:
		return problem("oidc-provider-unreadable", "its %s %s could not be looked up (the look-up said: %v): the deploying identity needs iam:GetOpenIDConnectProvider",
			outputs.OidcProviderArn, arn, providerErr)
	}
	hide := c.Secret[outputs.OidcProviderArn] || c.Secret[outputs.OidcIssuer]
	if problems := checkProvider(byStackKey, stack, c.OidcIssuerURL, provider, hide); problems != nil {
		return problems
	}
	return nil
}

// Package existingcluster is what this program needs of an EKS cluster it
// does not own, and the checks that the cluster provides it, before the
// stack declares anything on it.
//
// A cluster comes either from the EKS and IAM look-ups (existingClusterName)
// or from a platform stack's outputs (existingClusterStack, see Outputs).
// Either way it must have an IAM OIDC provider that accepts STS tokens: IRSA
// rests on it, and this program never creates one on a cluster it does not
// own. The package imports no cloud SDK; infra/cluster does the look-ups.
package existingcluster

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
	"github.com/milvus-eks/milvus-eks/infra/kubeconfig"
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
}

// OidcProvider is an IAM OIDC provider as IAM's look-up reports it.
type OidcProvider struct {
	Arn string
	// URL is the issuer without its scheme, as IAM stores it.
	URL       string
	ClientIDs []string
}

// EKSCluster is what the EKS cluster look-up reports.
type EKSCluster struct {
	Name                     string
	Region                   string
	Endpoint                 string
	CertificateAuthorityData string
	// Issuer is the OIDC issuer URL, https:// included; EKS gives every
	// cluster one.
	Issuer string
	VpcID  string
}

// byNameKey and byStackKey are the configuration keys that name the cluster;
// every problem here is reported against one of them.
var (
	byNameKey  = config.Key("existingClusterName")
	byStackKey = config.Key("existingClusterStack")
)

// NoIssuer is the problem of a cluster whose look-up reports no OIDC issuer.
func NoIssuer(name string) config.Problems {
	return config.Problems{{Key: byNameKey, Value: name, Rule: "reports no OIDC issuer, and IRSA needs one: is it an EKS cluster on AWS (not on Outposts)?"}}
}

// NotFound is the problem of a cluster the EKS look-up did not find.
func NotFound(name, region string, lookupErr error) config.Problems {
	return config.Problems{{Key: byNameKey, Value: name, Rule: fmt.Sprintf(
		"no EKS cluster of that name can be read in %s (aws:region) with these credentials (the look-up said: %v)", region, lookupErr)}}
}

// FromEKS checks a cluster found by name and its OIDC provider, found by
// its issuer (providerErr is the provider look-up's error, if it failed),
// and builds the kubeconfig that authenticates with `aws eks get-token`.
func FromEKS(c EKSCluster, provider OidcProvider, providerErr error) (Cluster, error) {
	if providerErr != nil {
		return Cluster{}, config.Problems{{Key: byNameKey, Value: c.Name, Rule: fmt.Sprintf(
			"has no IAM OIDC provider for its issuer %s in this account (the look-up said: %v). "+
				"IRSA needs one, and this stack never creates one on a cluster it does not own: "+
				"ask the cluster's owner to create it, e.g. `eksctl utils associate-iam-oidc-provider --cluster %s --region %s --approve`",
			c.Issuer, providerErr, c.Name, c.Region)}}
	}
	if problems := checkProvider(byNameKey, c.Name, c.Issuer, provider); problems != nil {
		return Cluster{}, problems
	}
	text, err := kubeconfig.ForEKS(kubeconfig.EKSCluster{
		Name:                     c.Name,
		Region:                   c.Region,
		Endpoint:                 c.Endpoint,
		CertificateAuthorityData: c.CertificateAuthorityData,
	})
	if err != nil {
		return Cluster{}, config.Problems{{Key: byNameKey, Value: c.Name, Rule: err.Error()}}
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
// audience the pod identity webhook requests.
func checkProvider(key, value, issuer string, provider OidcProvider) config.Problems {
	switch {
	case provider.URL != iampolicy.IssuerHost(issuer):
		return config.Problems{{Key: key, Value: value, Rule: fmt.Sprintf(
			"its IAM OIDC provider %s is for %s, not for the cluster's issuer %s", provider.Arn, provider.URL, issuer)}}
	case !slices.Contains(provider.ClientIDs, iampolicy.STSAudience):
		return config.Problems{{Key: key, Value: value, Rule: fmt.Sprintf(
			"its IAM OIDC provider %s does not list the client ID %s, so no ServiceAccount token can assume a role through it: "+
				"ask the cluster's owner to add it (`aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn %s --client-id %s`)",
			provider.Arn, iampolicy.STSAudience, provider.Arn, iampolicy.STSAudience)}}
	}
	return nil
}

// The outputs a platform stack exports for the clusters it runs. They are
// the names this program's own stacks export, so a create-mode stack of this
// project can serve as another's platform stack.
const (
	ClusterNameOutput     = "clusterName"
	KubeconfigOutput      = "kubeconfig"
	OidcProviderArnOutput = "oidcProviderArn"
	// OidcIssuerOutput is optional: the provider's ARN names the issuer.
	OidcIssuerOutput = "oidcIssuer"
	// VpcIDOutput is needed only when this stack installs the AWS Load
	// Balancer Controller there.
	VpcIDOutput = "vpcId"
)

// Outputs are a platform stack's output values by name, as a stack
// reference reads them (secrets already unwrapped); a missing output is nil.
type Outputs map[string]any

// oidcProviderArnPattern captures the issuer host and path of an IAM OIDC
// provider ARN, in any partition.
var oidcProviderArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/(.+)$`)

// FromStack checks the outputs of the platform stack named stack. needVpc
// says whether its vpcId is required (by the Load Balancer Controller).
func FromStack(stack string, outputs Outputs, needVpc bool) (Cluster, error) {
	var problems config.Problems
	add := func(rule string, args ...any) {
		problems = append(problems, config.Problem{Key: byStackKey, Value: stack, Rule: fmt.Sprintf(rule, args...)})
	}
	mistyped := map[string]bool{}
	text := func(name string) string {
		switch v := outputs[name].(type) {
		case nil:
			return ""
		case string:
			return v
		default:
			add("its output %s is a %T, not a string", name, v)
			mistyped[name] = true
			return ""
		}
	}
	c := Cluster{
		Name:            text(ClusterNameOutput),
		OidcProviderArn: text(OidcProviderArnOutput),
		OidcIssuerURL:   text(OidcIssuerOutput),
		VpcID:           text(VpcIDOutput),
	}
	if c.Name == "" && !mistyped[ClusterNameOutput] {
		add("exports no %s: a platform stack must export %s", ClusterNameOutput, requiredOutputs)
	}
	switch kc := outputs[KubeconfigOutput].(type) {
	case nil:
		add("exports no %s: a platform stack must export %s", KubeconfigOutput, requiredOutputs)
	case string:
		c.Kubeconfig = kc
	default:
		// pulumi-eks exports its kubeconfig as an object; the Kubernetes
		// provider takes it as JSON text.
		raw, err := json.Marshal(kc)
		if err != nil {
			add("its output %s is neither text nor a JSON object: %v", KubeconfigOutput, err)
		}
		c.Kubeconfig = string(raw)
	}
	switch m := oidcProviderArnPattern.FindStringSubmatch(c.OidcProviderArn); {
	case mistyped[OidcProviderArnOutput]:
	case c.OidcProviderArn == "":
		add("exports no %s. IRSA needs the cluster's IAM OIDC provider, and this stack never creates one on a cluster it does not own: "+
			"ask the platform team to create it (e.g. `eksctl utils associate-iam-oidc-provider --cluster <name> --approve`) and export its ARN as %s",
			OidcProviderArnOutput, OidcProviderArnOutput)
	case m == nil:
		add("its output %s %q is not an IAM OIDC provider ARN such as arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-2.amazonaws.com/id/EXAMPLE", OidcProviderArnOutput, c.OidcProviderArn)
	case c.OidcIssuerURL == "":
		c.OidcIssuerURL = "https://" + m[1]
	case iampolicy.IssuerHost(c.OidcIssuerURL) != m[1] || !strings.HasPrefix(c.OidcIssuerURL, "https://"):
		add("its outputs disagree: %s %q is not https://%s, the issuer of %s", OidcIssuerOutput, c.OidcIssuerURL, m[1], OidcProviderArnOutput)
	}
	if needVpc && c.VpcID == "" && !mistyped[VpcIDOutput] {
		add("exports no %s, which the AWS Load Balancer Controller (loadBalancerController: true) needs", VpcIDOutput)
	}
	if problems != nil {
		return Cluster{}, problems
	}
	return c, nil
}

var requiredOutputs = strings.Join([]string{ClusterNameOutput, KubeconfigOutput, OidcProviderArnOutput}, ", ")

// CheckStackProvider checks the OIDC provider a platform stack names, as
// IAM's look-up by ARN in this stack's account reports it (providerErr is
// the look-up's error, if it failed).
func CheckStackProvider(stack string, c Cluster, provider OidcProvider, providerErr error) error {
	if providerErr != nil {
		return config.Problems{{Key: byStackKey, Value: stack, Rule: fmt.Sprintf(
			"its %s %s cannot be read with these credentials (the look-up said: %v): "+
				"an IRSA role must be in its OIDC provider's account, so deploy this stack into the cluster's account",
			OidcProviderArnOutput, c.OidcProviderArn, providerErr)}}
	}
	if problems := checkProvider(byStackKey, stack, c.OidcIssuerURL, provider); problems != nil {
		return problems
	}
	return nil
}

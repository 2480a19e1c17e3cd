// Package existing is the bring-your-own-cluster side of the stack: it finds
// an EKS cluster someone else runs, by name or from a platform stack's
// outputs, checks that IRSA can work on it (the rules are in discovery), and
// declares only the Kubernetes provider that reaches it.
package existing

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing/discovery"
	"github.com/milvus-eks/milvus-eks/infra/stack/outputs"
)

// TypeToken is the Existing component's type.
const TypeToken = "milvus-eks:cluster:Existing"

// PlatformStackName is the logical name of the stack reference to a
// platform stack.
const PlatformStackName = "platform"

// Source names the cluster: exactly one of Name and Stack is set.
type Source struct {
	// Name is an EKS cluster in Region, looked up by name.
	Name   string
	Region string
	// Stack is a platform stack ("org/project/stack") whose outputs describe
	// its cluster (outputs.PlatformRequired and PlatformOptional).
	Stack string
	// NeedVpc says whether the platform stack must export the cluster's VPC
	// (the AWS Load Balancer Controller needs it).
	NeedVpc bool
}

// Existing is an EKS cluster this stack deploys onto but does not manage:
// nothing of it is created, changed or deleted. The component holds only the
// Kubernetes provider that reaches it.
type Existing struct {
	pulumi.ResourceState

	Name            pulumi.StringOutput `pulumi:"clusterName"`
	Kubeconfig      pulumi.StringOutput `pulumi:"kubeconfig"`
	OidcProviderArn pulumi.StringOutput `pulumi:"oidcProviderArn"`
	OidcIssuerURL   pulumi.StringOutput `pulumi:"oidcIssuer"`
	// VpcID is the cluster's VPC, or "" when a platform stack does not say.
	VpcID string

	Provider *kubernetes.Provider
}

// Access is how the rest of the stack reaches this cluster. It has no Nodes:
// the cluster's owner keeps them running.
func (c *Existing) Access() cluster.Access {
	return cluster.Access{
		Name:            c.Name,
		Kubeconfig:      c.Kubeconfig,
		OidcProviderArn: c.OidcProviderArn,
		OidcIssuerURL:   c.OidcIssuerURL,
		Provider:        c.Provider,
	}
}

// Find looks up the cluster and checks that IRSA can work on it, before the
// stack declares anything: by name through the EKS and IAM look-ups, or from
// a platform stack's outputs (a stack reference, which Pulumi reads rather
// than creates). A cluster that cannot take Milvus is a config.Problems
// error.
func Find(ctx *pulumi.Context, source Source) (discovery.Cluster, error) {
	if source.Name != "" {
		return findByName(ctx, source.Name, source.Region)
	}
	return findByStack(ctx, source.Stack, source.NeedVpc)
}

func findByName(ctx *pulumi.Context, name, region string) (discovery.Cluster, error) {
	found, err := awseks.LookupCluster(ctx, &awseks.LookupClusterArgs{Name: name})
	if err != nil {
		return discovery.Cluster{}, discovery.NotFound(name, region, err)
	}
	c := discovery.EKSCluster{
		Name:     name,
		Region:   region,
		Endpoint: found.Endpoint,
		VpcID:    found.VpcConfig.VpcId,
	}
	if len(found.CertificateAuthorities) > 0 {
		c.CertificateAuthorityData = found.CertificateAuthorities[0].Data
	}
	if len(found.Identities) > 0 && len(found.Identities[0].Oidcs) > 0 {
		c.Issuer = found.Identities[0].Oidcs[0].Issuer
	}
	if c.Issuer == "" {
		return discovery.Cluster{}, discovery.NoIssuer(name)
	}
	provider, err := iam.LookupOpenIdConnectProvider(ctx, &iam.LookupOpenIdConnectProviderArgs{Url: &c.Issuer})
	return discovery.FromEKS(c, oidcProvider(provider), err)
}

func findByStack(ctx *pulumi.Context, stack string, needVpc bool) (discovery.Cluster, error) {
	ref, err := pulumi.NewStackReference(ctx, PlatformStackName, &pulumi.StackReferenceArgs{Name: pulumi.String(stack)})
	if err != nil {
		return discovery.Cluster{}, discovery.Unreadable(stack, err)
	}
	read := discovery.Outputs{}
	for _, name := range append(append([]string{}, outputs.PlatformRequired...), outputs.PlatformOptional...) {
		// Reading an output waits for the stack reference, which is read
		// in previews too; an output the stack lacks reads as nil.
		details, err := ref.GetOutputDetails(name)
		if err != nil {
			return discovery.Cluster{}, discovery.Unreadable(stack, err)
		}
		switch {
		case details.SecretValue != nil:
			read[name] = discovery.Output{Value: details.SecretValue, Secret: true}
		case details.Value != nil:
			read[name] = discovery.Output{Value: details.Value}
		}
	}
	c, err := discovery.FromStack(stack, read, needVpc)
	if err != nil {
		return c, err
	}
	// The platform names its provider; the Milvus role is created in this
	// stack's account and can trust only a provider of that account.
	caller, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return c, err
	}
	provider, err := iam.LookupOpenIdConnectProvider(ctx, &iam.LookupOpenIdConnectProviderArgs{Arn: &c.OidcProviderArn})
	return c, discovery.CheckStackProvider(stack, caller.AccountId, c, oidcProvider(provider), err)
}

func oidcProvider(p *iam.LookupOpenIdConnectProviderResult) discovery.OidcProvider {
	if p == nil {
		return discovery.OidcProvider{}
	}
	return discovery.OidcProvider{Arn: p.Arn, URL: p.Url, ClientIDs: p.ClientIdLists}
}

// New declares the component of a cluster Find found, and the Kubernetes
// provider that reaches it.
func New(ctx *pulumi.Context, name string, found discovery.Cluster, opts ...pulumi.ResourceOption) (*Existing, error) {
	c := &Existing{VpcID: found.VpcID}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	// A platform stack's secret outputs stay secret here.
	output := func(name, value string) pulumi.StringOutput {
		o := pulumi.String(value).ToStringOutput()
		if found.Secret[name] {
			o = pulumi.ToSecret(o).(pulumi.StringOutput)
		}
		return o
	}
	c.Name = output(outputs.ClusterName, found.Name)
	c.Kubeconfig = pulumi.ToSecret(pulumi.String(found.Kubeconfig)).(pulumi.StringOutput)
	c.OidcProviderArn = output(outputs.OidcProviderArn, found.OidcProviderArn)
	c.OidcIssuerURL = output(outputs.OidcIssuer, found.OidcIssuerURL)

	var err error
	c.Provider, err = kubernetes.NewProvider(ctx, name, &kubernetes.ProviderArgs{
		Kubeconfig: c.Kubeconfig,
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	return c, ctx.RegisterResourceOutputs(c, c.Access().Outputs())
}

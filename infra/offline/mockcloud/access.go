package mockcloud

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/config"
)

// Placeholders of the cluster ClusterAccess stands for.
const (
	ClusterName = "test-cluster"
	// ProviderName is the logical name of its Kubernetes provider.
	ProviderName = "test-cluster"
)

// ClusterAccess declares a Kubernetes provider and returns an Access to a
// placeholder cluster in the stack's region with it, so that a component
// that runs on a cluster (an add-on, Milvus) can be tested without one.
// nodes, when given, stands for the node group.
func ClusterAccess(ctx *pulumi.Context, nodes pulumi.Resource) (cluster.Access, error) {
	provider, err := kubernetes.NewProvider(ctx, ProviderName, &kubernetes.ProviderArgs{
		Kubeconfig: pulumi.ToSecret(pulumi.String("{}")).(pulumi.StringOutput),
	})
	if err != nil {
		return cluster.Access{}, err
	}
	region, _ := ctx.GetConfig(config.RegionKey)
	m := &mocks{region: region}
	return cluster.Access{
		Name:            pulumi.String(ClusterName).ToStringOutput(),
		Kubeconfig:      pulumi.ToSecret(pulumi.String("{}")).(pulumi.StringOutput),
		OidcProviderArn: pulumi.String(m.oidcProviderArn()).ToStringOutput(),
		OidcIssuerURL:   pulumi.String("https://" + m.issuerHost()).ToStringOutput(),
		Provider:        provider,
		Nodes:           nodes,
	}, nil
}

// OidcProviderArn and OidcIssuerHost are the placeholders of a cluster's
// IAM OIDC provider and issuer in region.
func OidcProviderArn(region string) string { return (&mocks{region: region}).oidcProviderArn() }
func OidcIssuerHost(region string) string  { return (&mocks{region: region}).issuerHost() }

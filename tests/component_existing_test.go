package tests

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing/discovery"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/kubeconfig"
	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// The existing-cluster component alone: a cluster found by name is the
// look-ups' cluster, and the component
// declares nothing of it but the Kubernetes provider that reaches it.
func TestExistingClusterComponentByName(t *testing.T) {
	var found discovery.Cluster
	s, err := mockcloud.RunPart("us-east-2", func(ctx *pulumi.Context) error {
		var err error
		found, err = existing.Find(ctx, existing.Source{Name: mockcloud.PlatformCluster, Region: "us-east-2"})
		if err != nil {
			return err
		}
		_, err = existing.New(ctx, "cluster", found)
		return err
	}, platformWorld...)
	require.NoError(t, err)

	kubeconfig, err := kubeconfig.Of(kubeconfig.Cluster{
		Name: mockcloud.PlatformCluster, Region: "us-east-2", Endpoint: mockcloud.PlatformEndpoint, CertificateAuthorityData: mockcloud.PlatformCA,
	})
	require.NoError(t, err)
	assert.Equal(t, discovery.Cluster{
		Name: mockcloud.PlatformCluster, Kubeconfig: kubeconfig, OidcProviderArn: mockcloud.PlatformProviderArn,
		OidcIssuerURL: "https://" + mockcloud.PlatformIssuerHost, VpcID: mockcloud.PlatformVpc,
	}, found)
	assert.Equal(t, map[string]int{existing.TypeToken: 1, "pulumi:providers:kubernetes": 1}, s.TypeCounts())
	provider := s.Of("pulumi:providers:kubernetes")[0]
	assert.Equal(t, s.Of(existing.TypeToken)[0].URN, provider.Parent)
	assert.Equal(t, kubeconfig, mockcloud.Plain(provider.Input("kubeconfig")))
	assert.True(t, provider.Input("kubeconfig").IsSecret())
}

// A cluster whose issuer has no IAM OIDC provider is refused before
// anything is declared.
func TestExistingClusterComponentWithoutOidcProvider(t *testing.T) {
	s, err := mockcloud.RunPart("us-east-2", func(ctx *pulumi.Context) error {
		found, err := existing.Find(ctx, existing.Source{Name: mockcloud.PlatformCluster, Region: "us-east-2"})
		if err != nil {
			return err
		}
		_, err = existing.New(ctx, "cluster", found)
		return err
	}, mockcloud.WithClusters([]discovery.EKSCluster{{
		Name: mockcloud.PlatformCluster, Endpoint: mockcloud.PlatformEndpoint, CertificateAuthorityData: mockcloud.PlatformCA, Issuer: "https://" + mockcloud.PlatformIssuerHost,
	}}, nil))
	var problems config.Problems
	require.ErrorAs(t, err, &problems)
	require.Len(t, problems, 1)
	assert.Equal(t, "milvus:existingClusterName", problems[0].Key)
	assert.Contains(t, problems[0].Rule, "has no IAM OIDC provider for its issuer https://"+mockcloud.PlatformIssuerHost)
	assert.Empty(t, s.Resources)
}

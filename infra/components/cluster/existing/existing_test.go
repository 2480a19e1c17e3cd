package existing_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing/discovery"
	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

const (
	issuerHost  = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	providerArn = "arn:aws:iam::" + mockcloud.AccountID + ":oidc-provider/" + issuerHost
)

var platform = discovery.EKSCluster{
	Name: "platform-prod", Region: "eu-west-1",
	Endpoint:                 "https://EXAMPLE0123.gr7.eu-west-1.eks.amazonaws.com",
	CertificateAuthorityData: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
	Issuer:                   "https://" + issuerHost,
	VpcID:                    "vpc-0123456789abcdef0",
}

// A cluster found by name is the look-ups' cluster, and the component
// declares nothing of it but the Kubernetes provider that reaches it.
func TestFoundByName(t *testing.T) {
	var found discovery.Cluster
	s, err := mockcloud.RunPart("eu-west-1", func(ctx *pulumi.Context) error {
		var err error
		found, err = existing.Find(ctx, existing.Source{Name: "platform-prod", Region: "eu-west-1"})
		if err != nil {
			return err
		}
		_, err = existing.New(ctx, "cluster", found)
		return err
	}, mockcloud.WithClusters([]discovery.EKSCluster{platform},
		[]discovery.OidcProvider{{Arn: providerArn, URL: issuerHost, ClientIDs: []string{"sts.amazonaws.com"}}}))
	require.NoError(t, err)

	kubeconfig, err := discovery.Kubeconfig(platform)
	require.NoError(t, err)
	assert.Equal(t, discovery.Cluster{
		Name: "platform-prod", Kubeconfig: kubeconfig, OidcProviderArn: providerArn,
		OidcIssuerURL: "https://" + issuerHost, VpcID: "vpc-0123456789abcdef0",
	}, found)
	assert.Equal(t, map[string]int{existing.TypeToken: 1, "pulumi:providers:kubernetes": 1}, s.TypeCounts())
	provider := s.Of("pulumi:providers:kubernetes")[0]
	assert.Equal(t, s.Of(existing.TypeToken)[0].URN, provider.Parent)
	assert.Equal(t, kubeconfig, mockcloud.Plain(provider.Input("kubeconfig")))
	assert.True(t, provider.Input("kubeconfig").IsSecret())
}

// A cluster whose issuer has no IAM OIDC provider is refused before
// anything is declared.
func TestRefusedWithoutOidcProvider(t *testing.T) {
	s, err := mockcloud.RunPart("eu-west-1", func(ctx *pulumi.Context) error {
		found, err := existing.Find(ctx, existing.Source{Name: "platform-prod", Region: "eu-west-1"})
		if err != nil {
			return err
		}
		_, err = existing.New(ctx, "cluster", found)
		return err
	}, mockcloud.WithClusters([]discovery.EKSCluster{platform}, nil))
	var problems config.Problems
	require.ErrorAs(t, err, &problems)
	require.Len(t, problems, 1)
	assert.Equal(t, "milvus:existingClusterName", problems[0].Key)
	assert.Contains(t, problems[0].Rule, "has no IAM OIDC provider for its issuer https://"+issuerHost)
	assert.Empty(t, s.Resources)
}

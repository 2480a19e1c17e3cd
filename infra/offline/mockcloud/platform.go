package mockcloud

import (
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing/discovery"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
)

// The platform team's side of an account in which a stack deploys onto an
// existing cluster (WithPlatform): two clusters, one without an OIDC
// provider, and platform stacks that export them, some wrongly. Its values
// differ from every create-mode placeholder, so a test that finds them
// proves they came from the look-ups.
const (
	PlatformCluster     = "platform-prod"
	PlatformIssuerHost  = "oidc.eks.us-east-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	PlatformProviderArn = "arn:aws:iam::" + AccountID + ":oidc-provider/" + PlatformIssuerHost
	PlatformEndpoint    = "https://EXAMPLE0123456789ABCDEF.gr7.us-east-2.eks.amazonaws.com"
	PlatformCA          = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==" // "-----BEGIN CERTIFICATE-----\n"
	PlatformVpc         = "vpc-0a1b2c3d4e5f60718"
	PlatformStack       = "acme/platform/prod"
	// PlatformKubeconfig is what the platform stack exports, as text.
	PlatformKubeconfig = `{"apiVersion":"v1","kind":"Config","clusters":[{"name":"platform-prod","cluster":{"server":"` + PlatformEndpoint + `"}}]}`
)

// noAudienceIssuerHost is the issuer of the cluster whose provider lists no
// STS audience.
const noAudienceIssuerHost = "oidc.eks.us-east-2.amazonaws.com/id/N0AUD1ENCE000000000000000000000000"

// WithPlatform is the platform team's account: its clusters by name, and
// its stacks by name.
func WithPlatform() []Option {
	return []Option{
		WithClusters([]discovery.EKSCluster{
			{
				Name: PlatformCluster, Endpoint: PlatformEndpoint, CertificateAuthorityData: PlatformCA,
				Issuer: "https://" + PlatformIssuerHost, VpcID: PlatformVpc,
			},
			// A cluster whose issuer has no IAM OIDC provider.
			{
				Name: "legacy", Endpoint: PlatformEndpoint, CertificateAuthorityData: PlatformCA,
				Issuer: "https://oidc.eks.us-east-2.amazonaws.com/id/0LDC1USTER0000000000000000000000", VpcID: PlatformVpc,
			},
			// A cluster that reports no issuer at all (EKS on Outposts).
			{Name: "outposts", Endpoint: PlatformEndpoint, CertificateAuthorityData: PlatformCA, VpcID: PlatformVpc},
			// A cluster whose provider lists no STS audience.
			{
				Name: "no-audience", Endpoint: PlatformEndpoint, CertificateAuthorityData: PlatformCA,
				Issuer: "https://" + noAudienceIssuerHost, VpcID: PlatformVpc,
			},
		}, []discovery.OidcProvider{
			{Arn: PlatformProviderArn, URL: PlatformIssuerHost, ClientIDs: []string{trust.STSAudience}},
			{Arn: "arn:aws:iam::" + AccountID + ":oidc-provider/" + noAudienceIssuerHost, URL: noAudienceIssuerHost, ClientIDs: []string{"kubernetes"}},
		}),
		WithStacks(map[string]map[string]any{
			PlatformStack: {
				"clusterName":     PlatformCluster,
				"kubeconfig":      Secret{Value: PlatformKubeconfig},
				"oidcProviderArn": PlatformProviderArn,
				"oidcIssuer":      "https://" + PlatformIssuerHost,
				"vpcId":           PlatformVpc,
			},
			"acme/platform/legacy": {
				"clusterName": "legacy",
				"kubeconfig":  Secret{Value: PlatformKubeconfig},
			},
			"acme/platform/no-vpc": {
				"clusterName":     PlatformCluster,
				"kubeconfig":      Secret{Value: PlatformKubeconfig},
				"oidcProviderArn": PlatformProviderArn,
			},
			// A provider in the platform's own account, which the Milvus
			// role in this account cannot trust.
			"acme/platform/other-account": {
				"clusterName":     PlatformCluster,
				"kubeconfig":      Secret{Value: PlatformKubeconfig},
				"oidcProviderArn": "arn:aws:iam::111122223333:oidc-provider/" + PlatformIssuerHost,
			},
			// A provider that was deleted since the platform stack's last
			// update.
			"acme/platform/deleted": {
				"clusterName":     PlatformCluster,
				"kubeconfig":      Secret{Value: PlatformKubeconfig},
				"oidcProviderArn": "arn:aws:iam::" + AccountID + ":oidc-provider/oidc.eks.us-east-2.amazonaws.com/id/DE1ETED0000000000000000000000000",
			},
			// Outputs a platform stack got wrong.
			"acme/platform/mistyped": {
				"clusterName":     42,
				"kubeconfig":      Secret{Value: PlatformKubeconfig},
				"oidcProviderArn": PlatformProviderArn,
			},
			"acme/platform/empty-kubeconfig": {
				"clusterName":     PlatformCluster,
				"kubeconfig":      " ",
				"oidcProviderArn": PlatformProviderArn,
			},
			"acme/platform/disagreeing": {
				"clusterName":     PlatformCluster,
				"kubeconfig":      Secret{Value: PlatformKubeconfig},
				"oidcProviderArn": PlatformProviderArn,
				"oidcIssuer":      "https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER",
			},
			// pulumi-eks' habits: the kubeconfig is an object, and this one
			// is not even secret; the provider ARN is.
			"acme/platform/eks": {
				"clusterName":     PlatformCluster,
				"kubeconfig":      map[string]any{"apiVersion": "v1", "kind": "Config"},
				"oidcProviderArn": Secret{Value: PlatformProviderArn},
			},
		}),
	}
}

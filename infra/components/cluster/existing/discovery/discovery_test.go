package discovery

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/kubeconfig"
	"github.com/milvus-eks/milvus-eks/infra/config"
)

const (
	issuerHost  = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	issuer      = "https://" + issuerHost
	providerArn = "arn:aws:iam::111122223333:oidc-provider/" + issuerHost
	caData      = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="
	stack       = "acme/platform/prod"
)

var (
	found = EKSCluster{
		Name:                     "platform-prod",
		Region:                   "eu-west-1",
		Endpoint:                 "https://EXAMPLE0123.gr7.eu-west-1.eks.amazonaws.com",
		CertificateAuthorityData: caData,
		Issuer:                   issuer,
		VpcID:                    "vpc-0123456789abcdef0",
	}
	provider = OidcProvider{Arn: providerArn, URL: issuerHost, ClientIDs: []string{"sts.amazonaws.com"}}
)

func TestFromEKS(t *testing.T) {
	got, err := FromEKS(found, provider, nil)
	require.NoError(t, err)
	want, err := kubeconfig.Of(kubeconfig.Cluster{Name: found.Name, Region: found.Region, Endpoint: found.Endpoint, CertificateAuthorityData: found.CertificateAuthorityData})
	require.NoError(t, err)
	assert.Equal(t, Cluster{
		Name:            "platform-prod",
		Kubeconfig:      want,
		OidcProviderArn: providerArn,
		OidcIssuerURL:   issuer,
		VpcID:           "vpc-0123456789abcdef0",
	}, got)
}

func TestFromEKSRefusesAClusterWithoutAUsableProvider(t *testing.T) {
	tests := []struct {
		name        string
		provider    OidcProvider
		providerErr error
		code        config.Code
	}{
		{name: "no provider", providerErr: errors.New("reading IAM OIDC Provider (" + issuer + "): couldn't find resource"), code: "oidc-provider-missing"},
		{name: "no STS client ID", provider: OidcProvider{Arn: providerArn, URL: issuerHost, ClientIDs: []string{"kubernetes"}}, code: "oidc-provider-audience"},
		{name: "another issuer's provider", code: "oidc-provider-of-another-issuer",
			provider: OidcProvider{Arn: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", URL: "token.actions.githubusercontent.com", ClientIDs: []string{"sts.amazonaws.com"}}},
		{name: "look-up refused", providerErr: errors.New("AccessDenied: not authorized to perform iam:ListOpenIDConnectProviders"), code: "oidc-provider-unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromEKS(found, tt.provider, tt.providerErr)
			assertCodes(t, err, "milvus:existingClusterName", "platform-prod", tt.code)
		})
	}
}

func TestNotFoundAndNoIssuer(t *testing.T) {
	assertCodes(t, NotFound("platform-prod", "eu-west-1", errors.New("couldn't find resource")), "milvus:existingClusterName", "platform-prod", "cluster-not-found")
	assertCodes(t, NoIssuer("platform-prod"), "milvus:existingClusterName", "platform-prod", "cluster-without-issuer")
}

// assertCodes checks that err lists exactly problems of these codes, each
// against key and value. Their words are in tests/testdata/problems.golden.
func assertCodes(t *testing.T, err error, key, value string, codes ...config.Code) {
	t.Helper()
	var problems config.Problems
	require.True(t, errors.As(err, &problems), "error %v is not Problems", err)
	var got []config.Code
	for _, p := range problems {
		assert.Equal(t, key, p.Key)
		assert.Equal(t, value, p.Value)
		assert.NotEmpty(t, p.Rule)
		got = append(got, p.Code)
	}
	assert.Equal(t, codes, got)
}

// outputs are what a platform stack of this very project exports, but for
// the kubeconfig, which pulumi-eks exports as an object; changes replace
// outputs, and a nil change removes one.
func platformOutputs(changes map[string]any) Outputs {
	o := Outputs{
		"clusterName":     {Value: "platform-prod"},
		"kubeconfig":      {Value: map[string]any{"apiVersion": "v1", "kind": "Config"}, Secret: true},
		"oidcProviderArn": {Value: providerArn},
		"oidcIssuer":      {Value: issuer},
		"vpcId":           {Value: "vpc-0123456789abcdef0"},
		"bucketName":      {Value: "not read"},
	}
	for k, v := range changes {
		switch v := v.(type) {
		case nil:
			delete(o, k)
		case Output:
			o[k] = v
		default:
			o[k] = Output{Value: v}
		}
	}
	return o
}

func TestFromStack(t *testing.T) {
	got, err := FromStack(stack, platformOutputs(nil), true)
	require.NoError(t, err)
	assert.Equal(t, Cluster{
		Name:            "platform-prod",
		Kubeconfig:      `{"apiVersion":"v1","kind":"Config"}`,
		OidcProviderArn: providerArn,
		OidcIssuerURL:   issuer,
		VpcID:           "vpc-0123456789abcdef0",
		Secret:          map[string]bool{"kubeconfig": true},
	}, got)

	// The issuer is optional: the provider's ARN names it. So is the VPC,
	// without the Load Balancer Controller. A kubeconfig may be text.
	got, err = FromStack(stack, platformOutputs(map[string]any{"oidcIssuer": nil, "vpcId": nil, "kubeconfig": "apiVersion: v1\n"}), false)
	require.NoError(t, err)
	assert.Equal(t, Cluster{Name: "platform-prod", Kubeconfig: "apiVersion: v1\n", OidcProviderArn: providerArn, OidcIssuerURL: issuer, Secret: map[string]bool{}}, got)

	// What the platform keeps secret stays secret here, the issuer read
	// from a secret ARN too.
	got, err = FromStack(stack, platformOutputs(map[string]any{"oidcIssuer": nil, "oidcProviderArn": Output{Value: providerArn, Secret: true}}), false)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"kubeconfig": true, "oidcProviderArn": true, "oidcIssuer": true}, got.Secret)
}

func TestFromStackRefusesIncompleteOutputs(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]any
		needVpc bool
		codes   []config.Code
	}{
		{name: "no OIDC provider", changes: map[string]any{"oidcProviderArn": nil, "oidcIssuer": nil}, codes: []config.Code{"oidc-provider-missing"}},
		{name: "nothing of the contract", changes: map[string]any{"clusterName": nil, "kubeconfig": nil}, codes: []config.Code{"platform-output-missing", "platform-output-missing"}},
		{name: "not a provider ARN", changes: map[string]any{"oidcProviderArn": "arn:aws:iam::111122223333:role/platform"}, codes: []config.Code{"platform-output-type"}},
		{name: "issuer and provider disagree", changes: map[string]any{"oidcIssuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER"}, codes: []config.Code{"platform-outputs-disagree"}},
		{name: "a number for a name", changes: map[string]any{"clusterName": 42.0}, codes: []config.Code{"platform-output-type"}},
		{name: "an empty kubeconfig", changes: map[string]any{"kubeconfig": " "}, codes: []config.Code{"platform-output-empty"}},
		{name: "a kubeconfig that is a list", changes: map[string]any{"kubeconfig": []any{"a"}}, codes: []config.Code{"platform-output-type"}},
		{name: "no VPC for the controller", changes: map[string]any{"vpcId": nil}, needVpc: true, codes: []config.Code{"platform-output-missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromStack(stack, platformOutputs(tt.changes), tt.needVpc)
			assertCodes(t, err, "milvus:existingClusterStack", stack, tt.codes...)
		})
	}
	// A secret output is not shown, even when it is wrong.
	_, err := FromStack(stack, platformOutputs(map[string]any{"oidcProviderArn": Output{Value: "arn:aws:iam::111122223333:role/platform", Secret: true}}), false)
	assertCodes(t, err, "milvus:existingClusterStack", stack, "platform-output-type")
	assert.NotContains(t, err.Error(), "role/platform")
	assert.Contains(t, err.Error(), config.SecretMask)
}

func TestCheckStackProvider(t *testing.T) {
	c, err := FromStack(stack, platformOutputs(nil), false)
	require.NoError(t, err)
	assert.NoError(t, CheckStackProvider(stack, "111122223333", c, provider, nil))

	tests := []struct {
		name        string
		account     string
		provider    OidcProvider
		providerErr error
		code        config.Code
	}{
		{name: "another account", account: "444455556666", code: "oidc-provider-account"},
		{name: "deleted", account: "111122223333", providerErr: errors.New("reading IAM OIDC Provider: couldn't find resource"), code: "oidc-provider-missing"},
		{name: "not allowed", account: "111122223333", providerErr: errors.New("AccessDenied: not authorized to perform iam:GetOpenIDConnectProvider"), code: "oidc-provider-unreadable"},
		{name: "no STS client ID", account: "111122223333", provider: OidcProvider{Arn: providerArn, URL: issuerHost}, code: "oidc-provider-audience"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckStackProvider(stack, tt.account, c, tt.provider, tt.providerErr)
			assertCodes(t, err, "milvus:existingClusterStack", stack, tt.code)
		})
	}
}

// A platform stack's secret provider stays out of the problems about it.
func TestCheckStackProviderHidesSecrets(t *testing.T) {
	c, err := FromStack(stack, platformOutputs(map[string]any{"oidcProviderArn": Output{Value: providerArn, Secret: true}}), false)
	require.NoError(t, err)
	assert.NoError(t, CheckStackProvider(stack, "111122223333", c, provider, nil), "the secret issuer is still compared")
	err = CheckStackProvider(stack, "111122223333", c, OidcProvider{Arn: providerArn, URL: issuerHost}, nil)
	assertCodes(t, err, "milvus:existingClusterStack", stack, "oidc-provider-audience")
	assert.NotContains(t, err.Error(), providerArn)
	err = CheckStackProvider(stack, "444455556666", c, provider, nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), issuerHost)
}

func TestUnreadable(t *testing.T) {
	assertCodes(t, Unreadable("acme/platform/prod", errors.New("unknown stack")), "milvus:existingClusterStack", "acme/platform/prod", "platform-stack-unreadable")
}

package discovery

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	want, err := Kubeconfig(found)
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
		rule        string
	}{
		{
			name:        "no provider",
			providerErr: errors.New("reading IAM OIDC Provider (" + issuer + "): couldn't find resource"),
			rule: "has no IAM OIDC provider for its issuer " + issuer + " in this account (the look-up said: reading IAM OIDC Provider (" + issuer + "): couldn't find resource). " +
				"IRSA needs one, and this stack never creates one on a cluster it does not own: " +
				"ask the cluster's owner to create it, e.g. `eksctl utils associate-iam-oidc-provider --cluster platform-prod --region eu-west-1 --approve`",
		},
		{
			name:     "no STS client ID",
			provider: OidcProvider{Arn: providerArn, URL: issuerHost, ClientIDs: []string{"kubernetes"}},
			rule: "its IAM OIDC provider " + providerArn + " does not list the client ID sts.amazonaws.com, so no ServiceAccount token can assume a role through it: " +
				"ask the cluster's owner to add it (`aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn " + providerArn + " --client-id sts.amazonaws.com`)",
		},
		{
			name:     "another issuer's provider",
			provider: OidcProvider{Arn: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", URL: "token.actions.githubusercontent.com", ClientIDs: []string{"sts.amazonaws.com"}},
			rule:     "its IAM OIDC provider arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com is for token.actions.githubusercontent.com, not for the cluster's issuer " + issuer,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromEKS(found, tt.provider, tt.providerErr)
			assert.Equal(t, config.Problems{{Key: "milvus:existingClusterName", Value: "platform-prod", Rule: tt.rule}}, err)
		})
	}
}

func TestNotFoundAndNoIssuer(t *testing.T) {
	assert.EqualError(t, NotFound("platform-prod", "eu-west-1", errors.New("couldn't find resource")), `invalid configuration (1 problem(s)):
  - milvus:existingClusterName "platform-prod": no EKS cluster of that name can be read in eu-west-1 (aws:region) with these credentials (the look-up said: couldn't find resource)`)
	assert.EqualError(t, NoIssuer("platform-prod"), `invalid configuration (1 problem(s)):
  - milvus:existingClusterName "platform-prod": reports no OIDC issuer, and IRSA needs one: is it an EKS cluster on AWS (not on Outposts)?`)
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
		rules   []string
	}{
		{
			name:    "no OIDC provider",
			changes: map[string]any{"oidcProviderArn": nil, "oidcIssuer": nil},
			rules: []string{"exports no oidcProviderArn. IRSA needs the cluster's IAM OIDC provider, and this stack never creates one on a cluster it does not own: " +
				"ask the platform team to create it (e.g. `eksctl utils associate-iam-oidc-provider --cluster <name> --approve`) and export its ARN as oidcProviderArn"},
		},
		{
			name:    "nothing of the contract",
			changes: map[string]any{"clusterName": nil, "kubeconfig": nil},
			rules: []string{
				"exports no clusterName: a platform stack must export clusterName, kubeconfig, oidcProviderArn",
				"exports no kubeconfig: a platform stack must export clusterName, kubeconfig, oidcProviderArn",
			},
		},
		{
			name:    "not a provider ARN",
			changes: map[string]any{"oidcProviderArn": "arn:aws:iam::111122223333:role/platform"},
			rules:   []string{`its output oidcProviderArn "arn:aws:iam::111122223333:role/platform" is not an IAM OIDC provider ARN such as arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-2.amazonaws.com/id/EXAMPLE`},
		},
		{
			name:    "issuer and provider disagree",
			changes: map[string]any{"oidcIssuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER"},
			rules:   []string{`its outputs disagree: oidcIssuer "https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER" is not the issuer of oidcProviderArn "` + providerArn + `"`},
		},
		{
			name:    "a number for a name",
			changes: map[string]any{"clusterName": 42.0},
			rules:   []string{"its output clusterName is a float64, not a string"},
		},
		{
			name:    "a secret ARN is not shown",
			changes: map[string]any{"oidcProviderArn": Output{Value: "arn:aws:iam::111122223333:role/platform", Secret: true}},
			rules:   []string{`its output oidcProviderArn "[secret]" is not an IAM OIDC provider ARN such as arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-2.amazonaws.com/id/EXAMPLE`},
		},
		{
			name:    "an empty kubeconfig",
			changes: map[string]any{"kubeconfig": " "},
			rules:   []string{"its output kubeconfig is empty"},
		},
		{
			name:    "a kubeconfig that is a list",
			changes: map[string]any{"kubeconfig": []any{"a"}},
			rules:   []string{"its output kubeconfig is a []interface {}, neither kubeconfig text nor an object"},
		},
		{
			name:    "no VPC for the controller",
			changes: map[string]any{"vpcId": nil},
			needVpc: true,
			rules:   []string{"exports no vpcId, which the AWS Load Balancer Controller (loadBalancerController: true) needs"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromStack(stack, platformOutputs(tt.changes), tt.needVpc)
			var want config.Problems
			for _, rule := range tt.rules {
				want = append(want, config.Problem{Key: "milvus:existingClusterStack", Value: stack, Rule: rule})
			}
			assert.Equal(t, want, err)
		})
	}
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
		rule        string
	}{
		{
			name: "another account", account: "444455556666",
			rule: "its oidcProviderArn " + providerArn + " is in account 111122223333, but this stack deploys to account 444455556666: " +
				"the Milvus role must be in its OIDC provider's account, so deploy with credentials for account 111122223333",
		},
		{
			name: "deleted", account: "111122223333", providerErr: errors.New("reading IAM OIDC Provider: couldn't find resource"),
			rule: "its oidcProviderArn " + providerArn + " does not exist (the look-up said: reading IAM OIDC Provider: couldn't find resource). " +
				"IRSA needs the cluster's IAM OIDC provider, and this stack never creates one on a cluster it does not own: " +
				"ask the platform team to create it again (e.g. `eksctl utils associate-iam-oidc-provider --cluster platform-prod --approve`) and export its ARN",
		},
		{
			name: "not allowed", account: "111122223333", providerErr: errors.New("AccessDenied: not authorized to perform iam:GetOpenIDConnectProvider"),
			rule: "its oidcProviderArn " + providerArn + " could not be looked up (the look-up said: AccessDenied: not authorized to perform iam:GetOpenIDConnectProvider): " +
				"the deploying identity needs iam:GetOpenIDConnectProvider",
		},
		{
			name: "no STS client ID", account: "111122223333", provider: OidcProvider{Arn: providerArn, URL: issuerHost},
			rule: "its IAM OIDC provider " + providerArn + " does not list the client ID sts.amazonaws.com, so no ServiceAccount token can assume a role through it: " +
				"ask the cluster's owner to add it (`aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn " + providerArn + " --client-id sts.amazonaws.com`)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckStackProvider(stack, tt.account, c, tt.provider, tt.providerErr)
			assert.Equal(t, config.Problems{{Key: "milvus:existingClusterStack", Value: stack, Rule: tt.rule}}, err)
		})
	}
}

// A platform stack's secret provider stays out of the problems about it.
func TestCheckStackProviderHidesSecrets(t *testing.T) {
	c, err := FromStack(stack, platformOutputs(map[string]any{"oidcProviderArn": Output{Value: providerArn, Secret: true}}), false)
	require.NoError(t, err)
	assert.NoError(t, CheckStackProvider(stack, "111122223333", c, provider, nil), "the secret issuer is still compared")
	err = CheckStackProvider(stack, "111122223333", c, OidcProvider{Arn: providerArn, URL: issuerHost}, nil)
	assert.Equal(t, config.Problems{{Key: "milvus:existingClusterStack", Value: stack, Rule: "its IAM OIDC provider [secret] does not list the client ID sts.amazonaws.com, " +
		"so no ServiceAccount token can assume a role through it: ask the cluster's owner to add it " +
		"(`aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn [secret] --client-id sts.amazonaws.com`)"}}, err)
	err = CheckStackProvider(stack, "444455556666", c, provider, nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), issuerHost)
}

// A look-up that fails for another reason than a missing provider does not
// send the user to create one.
func TestFromEKSLookUpRefused(t *testing.T) {
	_, err := FromEKS(found, OidcProvider{}, errors.New("AccessDenied: not authorized to perform iam:ListOpenIDConnectProviders"))
	assert.Equal(t, config.Problems{{Key: "milvus:existingClusterName", Value: "platform-prod", Rule: "the IAM OIDC provider for its issuer " + issuer +
		" could not be looked up (the look-up said: AccessDenied: not authorized to perform iam:ListOpenIDConnectProviders): " +
		"the deploying identity needs iam:ListOpenIDConnectProviders and iam:GetOpenIDConnectProvider"}}, err)
}

func TestUnreadable(t *testing.T) {
	assert.EqualError(t, Unreadable("acme/platform/prod", errors.New("unknown stack")), `invalid configuration (1 problem(s)):
  - milvus:existingClusterStack "acme/platform/prod": cannot be read (unknown stack): give it as organization/project/stack, and deploy with a Pulumi login that may read it`)
}

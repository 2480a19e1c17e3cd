package existingcluster

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/kubeconfig"
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
	want, err := kubeconfig.ForEKS(kubeconfig.EKSCluster{
		Name: "platform-prod", Region: "eu-west-1", Endpoint: found.Endpoint, CertificateAuthorityData: caData,
	})
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
			providerErr: errors.New("no matching IAM OIDC Provider found"),
			rule: "has no IAM OIDC provider for its issuer " + issuer + " in this account (the look-up said: no matching IAM OIDC Provider found). " +
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
// the kubeconfig, which pulumi-eks exports as an object.
func outputs(changes Outputs) Outputs {
	o := Outputs{
		"clusterName":     "platform-prod",
		"kubeconfig":      map[string]any{"apiVersion": "v1", "kind": "Config"},
		"oidcProviderArn": providerArn,
		"oidcIssuer":      issuer,
		"vpcId":           "vpc-0123456789abcdef0",
		"bucketName":      "not read",
	}
	for k, v := range changes {
		if v == nil {
			delete(o, k)
			continue
		}
		o[k] = v
	}
	return o
}

func TestFromStack(t *testing.T) {
	got, err := FromStack(stack, outputs(nil), true)
	require.NoError(t, err)
	assert.Equal(t, Cluster{
		Name:            "platform-prod",
		Kubeconfig:      `{"apiVersion":"v1","kind":"Config"}`,
		OidcProviderArn: providerArn,
		OidcIssuerURL:   issuer,
		VpcID:           "vpc-0123456789abcdef0",
	}, got)

	// The issuer is optional: the provider's ARN names it. So is the VPC,
	// without the Load Balancer Controller. A kubeconfig may be text.
	got, err = FromStack(stack, outputs(Outputs{"oidcIssuer": nil, "vpcId": nil, "kubeconfig": "apiVersion: v1\n"}), false)
	require.NoError(t, err)
	assert.Equal(t, Cluster{Name: "platform-prod", Kubeconfig: "apiVersion: v1\n", OidcProviderArn: providerArn, OidcIssuerURL: issuer}, got)
}

func TestFromStackRefusesIncompleteOutputs(t *testing.T) {
	tests := []struct {
		name    string
		changes Outputs
		needVpc bool
		rules   []string
	}{
		{
			name:    "no OIDC provider",
			changes: Outputs{"oidcProviderArn": nil, "oidcIssuer": nil},
			rules: []string{"exports no oidcProviderArn. IRSA needs the cluster's IAM OIDC provider, and this stack never creates one on a cluster it does not own: " +
				"ask the platform team to create it (e.g. `eksctl utils associate-iam-oidc-provider --cluster <name> --approve`) and export its ARN as oidcProviderArn"},
		},
		{
			name:    "nothing of the contract",
			changes: Outputs{"clusterName": nil, "kubeconfig": nil},
			rules: []string{
				"exports no clusterName: a platform stack must export clusterName, kubeconfig, oidcProviderArn",
				"exports no kubeconfig: a platform stack must export clusterName, kubeconfig, oidcProviderArn",
			},
		},
		{
			name:    "not a provider ARN",
			changes: Outputs{"oidcProviderArn": "arn:aws:iam::111122223333:role/platform"},
			rules:   []string{`its output oidcProviderArn "arn:aws:iam::111122223333:role/platform" is not an IAM OIDC provider ARN such as arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-2.amazonaws.com/id/EXAMPLE`},
		},
		{
			name:    "issuer and provider disagree",
			changes: Outputs{"oidcIssuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER"},
			rules:   []string{`its outputs disagree: oidcIssuer "https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER" is not https://` + issuerHost + `, the issuer of oidcProviderArn`},
		},
		{
			name:    "a number for a name",
			changes: Outputs{"clusterName": 42.0},
			rules:   []string{"its output clusterName is a float64, not a string"},
		},
		{
			name:    "no VPC for the controller",
			changes: Outputs{"vpcId": nil},
			needVpc: true,
			rules:   []string{"exports no vpcId, which the AWS Load Balancer Controller (loadBalancerController: true) needs"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromStack(stack, outputs(tt.changes), tt.needVpc)
			var want config.Problems
			for _, rule := range tt.rules {
				want = append(want, config.Problem{Key: "milvus:existingClusterStack", Value: stack, Rule: rule})
			}
			assert.Equal(t, want, err)
		})
	}
}

func TestCheckStackProvider(t *testing.T) {
	c, err := FromStack(stack, outputs(nil), false)
	require.NoError(t, err)
	assert.NoError(t, CheckStackProvider(stack, c, provider, nil))

	err = CheckStackProvider(stack, c, OidcProvider{}, errors.New("NoSuchEntity"))
	assert.Equal(t, config.Problems{{Key: "milvus:existingClusterStack", Value: stack, Rule: "its oidcProviderArn " + providerArn +
		" cannot be read with these credentials (the look-up said: NoSuchEntity): an IRSA role must be in its OIDC provider's account, so deploy this stack into the cluster's account"}}, err)

	err = CheckStackProvider(stack, c, OidcProvider{Arn: providerArn, URL: issuerHost}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not list the client ID sts.amazonaws.com")
}

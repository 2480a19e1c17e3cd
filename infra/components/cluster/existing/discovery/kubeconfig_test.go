package discovery

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/tools/clientcmd"
)

// "-----BEGIN CERTIFICATE-----\n" is enough of a CA for these tests: nothing
// here opens a connection.
const caData = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="

var platform = EKSCluster{
	Name:                     "platform-prod",
	Region:                   "eu-west-1",
	Endpoint:                 "https://EXAMPLE0123.gr7.eu-west-1.eks.amazonaws.com",
	CertificateAuthorityData: caData,
}

func TestForEKSIsExactly(t *testing.T) {
	got, err := ForEKS(platform)
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"kind": "Config",
		"apiVersion": "v1",
		"clusters": [{"name": "platform-prod", "cluster": {
			"server": "https://EXAMPLE0123.gr7.eu-west-1.eks.amazonaws.com",
			"certificate-authority-data": "`+caData+`"}}],
		"users": [{"name": "platform-prod", "user": {"exec": {
			"apiVersion": "client.authentication.k8s.io/v1beta1",
			"command": "aws",
			"args": ["eks", "get-token", "--cluster-name", "platform-prod", "--region", "eu-west-1", "--output", "json"],
			"env": null,
			"provideClusterInfo": false,
			"interactiveMode": "Never"}}}],
		"contexts": [{"name": "platform-prod", "context": {"cluster": "platform-prod", "user": "platform-prod"}}],
		"current-context": "platform-prod"
	}`, got)
}

// client-go, which the Kubernetes provider uses, reads it as a client
// configuration for the cluster with exec credentials.
func TestForEKSLoadsWithClientGo(t *testing.T) {
	text, err := ForEKS(platform)
	require.NoError(t, err)
	rest, err := clientcmd.RESTConfigFromKubeConfig([]byte(text))
	require.NoError(t, err)
	assert.Equal(t, platform.Endpoint, rest.Host)
	assert.Equal(t, "-----BEGIN CERTIFICATE-----\n", string(rest.TLSClientConfig.CAData))
	require.NotNil(t, rest.ExecProvider)
	assert.Equal(t, "aws", rest.ExecProvider.Command)
	assert.Equal(t, GetTokenArgs("platform-prod", "eu-west-1"), rest.ExecProvider.Args)
	assert.Empty(t, rest.BearerToken, "no credential is stored")
}

func TestForEKSRefusesAnIncompleteCluster(t *testing.T) {
	tests := []struct {
		name string
		edit func(*EKSCluster)
		want string
	}{
		{"no region", func(c *EKSCluster) { c.Region = "" }, `kubeconfig: cluster "platform-prod" in region "": both are required`},
		{"no endpoint", func(c *EKSCluster) { c.Endpoint = "" }, `kubeconfig: cluster "platform-prod" has no endpoint`},
		{"no CA", func(c *EKSCluster) { c.CertificateAuthorityData = "" }, `kubeconfig: cluster "platform-prod" has no certificate authority data in base64`},
		{"CA not base64", func(c *EKSCluster) { c.CertificateAuthorityData = "not base64!" }, `kubeconfig: cluster "platform-prod" has no certificate authority data in base64`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := platform
			tt.edit(&c)
			_, err := ForEKS(c)
			assert.EqualError(t, err, tt.want)
		})
	}
}

package discovery

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKubeconfigIsExactly(t *testing.T) {
	got, err := Kubeconfig(found)
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

func TestKubeconfigRefusesAnIncompleteCluster(t *testing.T) {
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
			c := found
			tt.edit(&c)
			_, err := Kubeconfig(c)
			assert.EqualError(t, err, tt.want)
		})
	}
}

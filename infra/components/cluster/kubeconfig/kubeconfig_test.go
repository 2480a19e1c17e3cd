package kubeconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// found is a cluster as EKS describes it.
var found = Cluster{
	Name: "platform-prod", Region: "eu-west-1",
	Endpoint:                 "https://EXAMPLE0123.gr7.eu-west-1.eks.amazonaws.com",
	CertificateAuthorityData: caData,
}

const caData = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="

func TestKubeconfigIsExactly(t *testing.T) {
	got, err := Of(found)
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
		edit func(*Cluster)
		want string
	}{
		{"no region", func(c *Cluster) { c.Region = "" }, `kubeconfig: cluster "platform-prod" in region "": both are required`},
		{"no endpoint", func(c *Cluster) { c.Endpoint = "" }, `kubeconfig: cluster "platform-prod" has no endpoint`},
		{"no CA", func(c *Cluster) { c.CertificateAuthorityData = "" }, `kubeconfig: cluster "platform-prod" has no certificate authority data in base64`},
		{"CA not base64", func(c *Cluster) { c.CertificateAuthorityData = "not base64!" }, `kubeconfig: cluster "platform-prod" has no certificate authority data in base64`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := found
			tt.edit(&c)
			_, err := Of(c)
			assert.EqualError(t, err, tt.want)
		})
	}
}

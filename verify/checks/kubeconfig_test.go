package checks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing/discovery"
)

var platform = discovery.EKSCluster{
	Name:     "platform-prod",
	Region:   "eu-west-1",
	Endpoint: "https://EXAMPLE0123.gr7.eu-west-1.eks.amazonaws.com",
	// "-----BEGIN CERTIFICATE-----\n" is enough of a CA: nothing here
	// opens a connection.
	CertificateAuthorityData: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
}

// The kubeconfig a stack hands out for a cluster it found by name (the
// kubeconfig output) is one that Connect's client-go reads, as a client
// configuration for the cluster with exec credentials and no stored token.
func TestConnectReadsTheKubeconfigOfAnExistingCluster(t *testing.T) {
	text, err := discovery.Kubeconfig(platform)
	require.NoError(t, err)
	rest, err := clientcmd.RESTConfigFromKubeConfig([]byte(text))
	require.NoError(t, err)
	assert.Equal(t, platform.Endpoint, rest.Host)
	assert.Equal(t, "-----BEGIN CERTIFICATE-----\n", string(rest.TLSClientConfig.CAData))
	require.NotNil(t, rest.ExecProvider)
	assert.Equal(t, "aws", rest.ExecProvider.Command)
	assert.Equal(t, discovery.GetTokenArgs("platform-prod", "eu-west-1"), rest.ExecProvider.Args)
	assert.Empty(t, rest.BearerToken, "no credential is stored")
}

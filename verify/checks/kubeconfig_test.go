package checks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/kubeconfig"
)

var platform = kubeconfig.Cluster{
	Name:     "platform-prod",
	Region:   "eu-west-1",
	Endpoint: "https://EXAMPLE0123.gr7.eu-west-1.eks.amazonaws.com",
	// "-----BEGIN CERTIFICATE-----\n" is enough of a CA: nothing here
	// opens a connection.
	CertificateAuthorityData: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
}

// The kubeconfig a stack hands out for its cluster (the
// kubeconfig output) is one that Connect's client-go reads, as a client
// configuration for the cluster with exec credentials and no stored token.
func TestConnectReadsTheKubeconfigOfAnExistingCluster(t *testing.T) {
	text, err := kubeconfig.Of(platform)
	require.NoError(t, err)
	rest, err := clientcmd.RESTConfigFromKubeConfig([]byte(text))
	require.NoError(t, err)
	assert.Equal(t, platform.Endpoint, rest.Host)
	assert.Equal(t, "-----BEGIN CERTIFICATE-----\n", string(rest.TLSClientConfig.CAData))
	require.NotNil(t, rest.ExecProvider)
	assert.Equal(t, "aws", rest.ExecProvider.Command)
	assert.Equal(t, kubeconfig.GetTokenArgs("platform-prod", "eu-west-1"), rest.ExecProvider.Args)
	assert.Empty(t, rest.BearerToken, "no credential is stored")
}

// Over TLS, the checks dial the load balancer itself and check its
// certificate against the name clients use; without TLS, the URI.
func TestMilvusIsDialedByTheNameTheCertificateCovers(t *testing.T) {
	tls := Outputs{MilvusEndpoint: "nlb.elb.us-east-2.amazonaws.com:19530", MilvusURI: "https://milvus.example.com:19530", MilvusDNSName: "milvus.example.com"}
	assert.Equal(t, "nlb.elb.us-east-2.amazonaws.com:19530", milvusAddress(tls))
	assert.Equal(t, "milvus.example.com", tlsServerName(tls))

	plain := Outputs{MilvusEndpoint: "nlb.elb.us-east-2.amazonaws.com:19530", MilvusURI: "http://milvus.example.com:19530", MilvusDNSName: "milvus.example.com"}
	assert.Equal(t, "http://milvus.example.com:19530", milvusAddress(plain))
	assert.Equal(t, "", tlsServerName(plain))

	old := Outputs{MilvusEndpoint: "nlb.elb.us-east-2.amazonaws.com:19530"}
	assert.Equal(t, "nlb.elb.us-east-2.amazonaws.com:19530", milvusAddress(old), "a stack from before milvusUri")
}

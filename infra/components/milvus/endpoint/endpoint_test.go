package endpoint

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAnnotations(t *testing.T) {
	plain := LoadBalancer{Name: "milvus-dev", Scheme: "internet-facing", SourceRanges: []string{"0.0.0.0/0"}}
	assert.Equal(t, map[string]string{
		"service.beta.kubernetes.io/aws-load-balancer-type":            "external",
		"service.beta.kubernetes.io/aws-load-balancer-name":            "milvus-dev",
		"service.beta.kubernetes.io/aws-load-balancer-scheme":          "internet-facing",
		"service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
	}, plain.Annotations())

	tls := plain
	tls.CertificateArn = "arn:aws:acm:us-east-2:111122223333:certificate/12345678-1234-1234-1234-123456789012"
	assert.Equal(t, map[string]string{
		"service.beta.kubernetes.io/aws-load-balancer-type":                   "external",
		"service.beta.kubernetes.io/aws-load-balancer-name":                   "milvus-dev",
		"service.beta.kubernetes.io/aws-load-balancer-scheme":                 "internet-facing",
		"service.beta.kubernetes.io/aws-load-balancer-nlb-target-type":        "ip",
		"service.beta.kubernetes.io/aws-load-balancer-ssl-cert":               tls.CertificateArn,
		"service.beta.kubernetes.io/aws-load-balancer-ssl-ports":              "19530",
		"service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
		"service.beta.kubernetes.io/aws-load-balancer-alpn-policy":            "HTTP2Preferred",
	}, tls.Annotations())
}

func TestURI(t *testing.T) {
	assert.Equal(t, "http://nlb.example:19530", LoadBalancer{}.URI("nlb.example"))
	assert.Equal(t, "https://nlb.example:19530", LoadBalancer{CertificateArn: "arn"}.URI("nlb.example"))
	assert.Equal(t, "", LoadBalancer{}.URI(""))
	// Clients name the host the certificate is for, not the NLB's.
	assert.Equal(t, "https://milvus.example.com:19530", LoadBalancer{CertificateArn: "arn", DNSName: "milvus.example.com"}.URI("nlb.example"))
	assert.Equal(t, "", LoadBalancer{DNSName: "milvus.example.com"}.URI(""), "no URI before the load balancer exists")
	assert.Equal(t, "nlb.example:19530", Address("nlb.example"))
	assert.Equal(t, "", Address(""))
}

package milvus

import (
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/stretchr/testify/assert"
)

func TestEndpoint(t *testing.T) {
	host := "milvus-0123.elb.us-east-2.amazonaws.com"
	ip := "203.0.113.7"
	empty := ""
	tests := []struct {
		name    string
		ingress []corev1.LoadBalancerIngress
		want    string
	}{
		{"no load balancer yet", nil, ""},
		{"host name", []corev1.LoadBalancerIngress{{Hostname: &host}}, host + ":19530"},
		{"address only", []corev1.LoadBalancerIngress{{Ip: &ip}}, ip + ":19530"},
		{"empty entry first", []corev1.LoadBalancerIngress{{Hostname: &empty}, {Hostname: &host}}, host + ":19530"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Endpoint(tt.ingress), tt.name)
	}
}

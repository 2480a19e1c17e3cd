// Package endpoint describes the Service of this project's own that puts
// Milvus' API, and nothing else, behind a Network Load Balancer.
//
// The chart's own Service also carries port 9091 (metrics, pprof and the
// WebUI, with no login) whenever metrics are on, the chart's default, so it
// stays ClusterIP: metrics remain reachable inside the cluster, and only
// this Service, with one port, reaches the load balancer.
package endpoint

import (
	"fmt"
	"strings"
)

// Port is Milvus' gRPC and REST port, on the proxies and on the load balancer.
const Port = 19530

// Service annotations read by the AWS Load Balancer Controller. "external"
// hands the Service to that controller (the in-tree one ignores it); target
// type "ip" registers pod IPs directly, which the VPC CNI makes routable.
const (
	AnnotationLoadBalancerType = "service.beta.kubernetes.io/aws-load-balancer-type"
	AnnotationLoadBalancerName = "service.beta.kubernetes.io/aws-load-balancer-name"
	AnnotationScheme           = "service.beta.kubernetes.io/aws-load-balancer-scheme"
	AnnotationNLBTargetType    = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"
	AnnotationSSLCert          = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert"
	AnnotationSSLPorts         = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports"
	AnnotationSSLPolicy        = "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy"
)

// TLSPolicy is the listener's negotiation policy: TLS 1.3, and 1.2 for
// clients that lack it, with forward-secret ciphers only (Elastic Load
// Balancing's "ELBSecurityPolicy-TLS13-1-2-2021-06", its recommended one).
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// LoadBalancer is the NLB the AWS Load Balancer Controller makes for the
// Service.
type LoadBalancer struct {
	Name   string
	Scheme string
	// SourceRanges are the CIDR blocks allowed to reach it.
	SourceRanges []string
	// CertificateArn, when set, makes the listener terminate TLS.
	CertificateArn string
}

// TLS reports whether clients reach Milvus over TLS.
func (lb LoadBalancer) TLS() bool { return lb.CertificateArn != "" }

// Annotations are the Service's, for the controller.
func (lb LoadBalancer) Annotations() map[string]string {
	a := map[string]string{
		AnnotationLoadBalancerType: "external",
		AnnotationLoadBalancerName: lb.Name,
		AnnotationScheme:           lb.Scheme,
		AnnotationNLBTargetType:    "ip",
	}
	if lb.TLS() {
		a[AnnotationSSLCert] = lb.CertificateArn
		a[AnnotationSSLPorts] = fmt.Sprint(Port)
		a[AnnotationSSLPolicy] = TLSPolicy
	}
	return a
}

// ProxySelector selects the chart's proxy pods of a release: the labels of
// its `milvus.matchLabels` helper and the proxy's component label.
func ProxySelector(releaseName string) map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":     "milvus",
		"app.kubernetes.io/instance": releaseName,
		"component":                  "proxy",
	}
}

// ServiceName names the Service after the release.
func ServiceName(releaseName string) string { return releaseName + "-endpoint" }

// URI is how a client names Milvus behind the load balancer at host:
// https:// when the load balancer speaks TLS.
func (lb LoadBalancer) URI(host string) string {
	if host == "" {
		return ""
	}
	scheme := "http"
	if lb.TLS() {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s:%d", scheme, host, Port)
}

// Address is "host:port", or "" without a host.
func Address(host string) string {
	if host = strings.TrimSpace(host); host == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", host, Port)
}

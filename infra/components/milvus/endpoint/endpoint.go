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

	"github.com/milvus-eks/milvus-eks/infra/facts"
)

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
	AnnotationALPNPolicy       = "service.beta.kubernetes.io/aws-load-balancer-alpn-policy"
)

// TLSPolicy is the listener's negotiation policy: TLS 1.3, and 1.2 for
// clients that lack it, with forward-secret ciphers only (Elastic Load
// Balancing's "ELBSecurityPolicy-TLS13-1-2-2021-06", its recommended one).
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// ALPNPolicy is what the TLS listener negotiates with ALPN. The NLB's
// default is none, and gRPC clients refuse a TLS connection without it
// (grpc-go from 1.67: "missing selected ALPN property"). HTTP/2 is preferred
// for gRPC, and HTTP/1.1 still offered: Milvus serves its RESTful API on the
// same port. The controller applies it to TLS listeners only (v3.5.0,
// pkg/service/model_build_listener.go).
const ALPNPolicy = "HTTP2Preferred"

// LoadBalancer is the NLB the AWS Load Balancer Controller makes for the
// Service.
type LoadBalancer struct {
	Name   string
	Scheme string
	// SourceRanges are the CIDR blocks allowed to reach it.
	SourceRanges []string
	// CertificateArn, when set, makes the listener terminate TLS.
	CertificateArn string
	// DNSName is the name clients reach Milvus by (the certificate's);
	// empty means the load balancer's own host name.
	DNSName string
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
		a[AnnotationSSLPorts] = fmt.Sprint(facts.MilvusPort)
		a[AnnotationSSLPolicy] = TLSPolicy
		a[AnnotationALPNPolicy] = ALPNPolicy
	}
	return a
}

// ServiceName names the Service after the release.
func ServiceName(releaseName string) string { return releaseName + "-endpoint" }

// URI is how a client names Milvus behind the load balancer at host: by
// the DNS name when there is one, https:// when the load balancer speaks
// TLS.
func (lb LoadBalancer) URI(host string) string {
	if host == "" {
		return ""
	}
	if lb.DNSName != "" {
		host = lb.DNSName
	}
	scheme := "http"
	if lb.TLS() {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s:%d", scheme, host, facts.MilvusPort)
}

// Address is "host:port", or "" without a host.
func Address(host string) string {
	if host = strings.TrimSpace(host); host == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", host, facts.MilvusPort)
}

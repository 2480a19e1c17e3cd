package config

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// milvus checks Milvus' side: its authentication, the certificate of its
// load balancer, and the workloads whose rules span keys.
func (v *validator) milvus(c Config, secret map[string]bool) {
	m := c.Milvus
	v.authentication(m.Authentication, m.LoadBalancer.Scheme, secret)
	lb := m.LoadBalancer
	if arn := certificateArnPattern.FindStringSubmatch(lb.CertificateArn); arn != nil && c.Region != "" && arn[1] != c.Region {
		v.add(FullName("loadBalancerCertificateArn"), lb.CertificateArn, broke("certificate-region", "the certificate must be in the load balancer's region, %s", c.Region))
	}
	// A certificate names the host clients ask for, and no certificate can
	// name the load balancer's own host (AWS owns elb.amazonaws.com).
	if lb.CertificateArn != "" && lb.DNSName == "" {
		v.add(FullName("milvusDnsName"), "", broke("dns-name-required",
			"is required with loadBalancerCertificateArn: clients check the certificate against the name they connect to, and no certificate can cover the load balancer's own host name; set the name the certificate is for"))
	}
	if lb.DNSZoneID != "" && lb.DNSName == "" {
		v.add(FullName("milvusDnsZoneId"), lb.DNSZoneID, broke("dns-zone-without-name", "needs milvusDnsName, the record to make in the zone"))
	}
	w := m.Workloads
	if w.MixCoordinator.Replicas > 1 && !w.MixCoordinator.ActiveStandby {
		v.add(FullName("mixCoordinator")+".activeStandby", "false", broke("standby-required",
			"must be true with %d replicas: the chart runs extra coordinators only as standbys", w.MixCoordinator.Replicas))
	}
	if m.MessageQueue == QueueWoodpecker && c.Bucket.RootPath == "" {
		v.add(FullName("bucketRootPath"), "", broke("woodpecker-root-path",
			"must not be empty with messageQueue woodpecker: Woodpecker writes its log under <bucketRootPath>/wp, which at the bucket's root would be keys starting with a slash"))
	}
	if m.SpreadAcrossZones && w.Etcd.Replicas < quorumReplicas {
		v.add(FullName("etcd")+".replicas", fmt.Sprint(w.Etcd.Replicas), broke("quorum-replicas",
			"must be at least %d with spreadAcrossZones: fewer replicas cannot keep a quorum when a zone is lost", quorumReplicas))
	}
}

// authentication checks that Milvus' endpoint has a root password worth the
// name, kept secret, or is not reachable from outside the VPC.
func (v *validator) authentication(a Authentication, scheme string, secret map[string]bool) {
	key := FullName("milvusRootPassword")
	switch {
	case !a.Enabled:
		if scheme != SchemeInternal {
			v.add(FullName("milvusAuthentication"), "false", broke("authentication-exposed", "may be off only behind an internal load balancer (loadBalancerScheme: internal)"))
		}
	case a.RootPassword == "" && !a.GenerateRootPassword:
		v.add(key, "", broke("root-password-missing",
			"is required while milvusAuthentication is on: set it with `pulumi config set --secret milvusRootPassword <password>`, or set milvusGenerateRootPassword to true"))
	case a.RootPassword == "":
	case !secret[key]:
		v.add(key, SecretMask, broke("root-password-plain",
			"must be set as a secret, with `pulumi config set --secret milvusRootPassword <password>`: a plain value is stored in clear text in the stack file"))
	case len(a.RootPassword) < minRootPasswordLength || len(a.RootPassword) > maxRootPasswordLength:
		v.add(key, SecretMask, broke("root-password-length", "must be %d to %d characters long", minRootPasswordLength, maxRootPasswordLength))
	}
}

// everyAddress is the CIDR block that admits every IPv4 address.
const everyAddress = "0.0.0.0/0"

// exposure checks what production may open to whom: Milvus' endpoint and
// the cluster's API. Authentication off behind an internet-facing load
// balancer is refused everywhere (authentication).
func (v *validator) exposure(c Config) {
	if !c.Production {
		return
	}
	const because = "in production (production: true)"
	lb := c.Milvus.LoadBalancer
	if lb.Scheme == SchemeInternetFacing {
		if lb.CertificateArn == "" {
			v.add(FullName("loadBalancerCertificateArn"), "", broke("production-certificate",
				"is required "+because+" with an internet-facing load balancer: the root password would cross the internet in clear text; name an ACM certificate, or set loadBalancerScheme to internal"))
		}
		if slices.Contains(lb.SourceRanges, everyAddress) {
			v.add(FullName("loadBalancerSourceRanges"), everyAddress, broke("production-open-endpoint",
				"must not admit every address "+because+" with an internet-facing load balancer: list the clients' CIDR blocks, or set loadBalancerScheme to internal"))
		}
	}
	if !c.CreatesCluster() {
		return // the cluster's API is its owner's
	}
	if slices.Contains(c.ControlPlane.PublicCidrs, everyAddress) {
		v.add(FullName("clusterEndpointPublicCidrs"), everyAddress, broke("production-open-api",
			"must not admit every address "+because+": list the CIDR blocks of the deployers and CI, or set it to [] to turn the public endpoint off"))
	}
	if !c.ControlPlane.Logs {
		v.add(FullName("controlPlaneLogs"), "false", broke("production-logs",
			"must be true "+because+": the audit log is the record of who did what to the cluster"))
	}
}

// Warnings are what a stack may do but should not, printed by the program:
// a non-production stack open to the internet; query nodes on spot in
// production.
func (c Config) Warnings() []string {
	var out []string
	if c.Production && c.UsesNodePools() && c.NodePools.Query.Spot {
		out = append(out, "the query pool may use spot capacity in production (nodePools.query.spot): a reclaimed query node drops the segments it holds until another loads them, and searches miss them meanwhile")
	}
	lb := c.Milvus.LoadBalancer
	if c.Production || lb.Scheme != SchemeInternetFacing {
		return out
	}
	if lb.CertificateArn == "" {
		out = append(out, "Milvus' internet-facing load balancer has no TLS (loadBalancerCertificateArn): the root password crosses the internet in clear text")
	}
	if slices.Contains(lb.SourceRanges, everyAddress) {
		out = append(out, "Milvus' internet-facing load balancer admits every address (loadBalancerSourceRanges 0.0.0.0/0)")
	}
	return out
}

// quorumReplicas is the fewest replicas of a quorum (etcd, ZooKeeper) that
// survive the loss of one zone when spread over three.
const quorumReplicas = 3

// The fields of a workload key, for its description.
const (
	workloadFields = "Fields: replicas, and each replica's cpuRequest, memoryRequest and ephemeralStorageRequest (required: no pod runs best-effort, and the scheduler counts the node disk it uses) and cpuLimit, memoryLimit and ephemeralStorageLimit (empty for none), as Kubernetes quantities; fields left out keep their defaults."
	// Pulsar's JVMs are sized from their memory request (milvusvalues).
	pulsarHeapAndDirect = " Its JVM gets a quarter of memoryRequest as heap and half as direct memory, so that it stays within the request."
	pulsarHeapOnly      = " Its JVM gets half of memoryRequest as heap, so that it stays within the request."
)

// workload is the rule of a workload's own fields.
func workload(w sizing.Workload) []violation {
	var out []violation
	if w.Replicas < 1 {
		out = append(out, violation{field: "replicas", value: fmt.Sprint(w.Replicas), finding: broke("too-small", "must be at least 1")})
	}
	for _, q := range []struct {
		field, value string
		required     bool
	}{
		{"cpuRequest", w.CPURequest, true},
		{"memoryRequest", w.MemoryRequest, true},
		{"ephemeralStorageRequest", w.EphemeralStorageRequest, true},
		{"cpuLimit", w.CPULimit, false},
		{"memoryLimit", w.MemoryLimit, false},
		{"ephemeralStorageLimit", w.EphemeralStorageLimit, false},
	} {
		switch {
		case q.value == "" && q.required:
			out = append(out, violation{field: q.field, finding: broke("request-required", "is required: a pod without requests runs best-effort, the first the kubelet evicts")})
		case q.value == "":
		case !quantity(q.value).ok():
			out = append(out, violation{field: q.field, value: q.value, finding: quantity(q.value)})
		case isZeroOrLess(q.value):
			out = append(out, violation{field: q.field, value: q.value, finding: broke("not-positive", "must be more than zero")})
		}
	}
	for _, pair := range []struct{ limit, request, limitField, requestField string }{
		{w.CPULimit, w.CPURequest, "cpuLimit", "cpuRequest"},
		{w.MemoryLimit, w.MemoryRequest, "memoryLimit", "memoryRequest"},
		{w.EphemeralStorageLimit, w.EphemeralStorageRequest, "ephemeralStorageLimit", "ephemeralStorageRequest"},
	} {
		if pair.limit == "" || pair.request == "" || !quantity(pair.limit).ok() || !quantity(pair.request).ok() {
			continue
		}
		if limit, request := resource.MustParse(pair.limit), resource.MustParse(pair.request); limit.Cmp(request) < 0 {
			out = append(out, violation{field: pair.limitField, value: pair.limit, finding: broke("limit-below-request", "must be at least %s (%s)", pair.requestField, pair.request)})
		}
	}
	return out
}

func isZeroOrLess(q string) bool {
	v := resource.MustParse(q)
	return v.Sign() <= 0
}

func etcdRules(e sizing.Etcd) []violation {
	out := workload(e.Workload)
	if e.Replicas >= 1 && e.Replicas%2 == 0 {
		out = append(out, violation{field: "replicas", value: fmt.Sprint(e.Replicas),
			finding: broke("etcd-even", "must be odd (1, 3, 5): an even number of etcd members tolerates no more failures than one fewer")})
	}
	out = append(out, atLeastGiB("volumeGiB", e.VolumeGiB)...)
	if e.StorageClass != "" && !dnsSubdomain(e.StorageClass).ok() {
		out = append(out, violation{field: "storageClass", value: e.StorageClass, finding: dnsSubdomain(e.StorageClass)})
	}
	return out
}

func atLeastGiB(field string, n int) []violation {
	if n < 1 {
		return []violation{{field: field, value: fmt.Sprint(n), finding: broke("too-small", "must be at least 1 (GiB)")}}
	}
	return nil
}

package scrapeconfig

import (
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/podpolicy"
	"github.com/milvus-eks/milvus-eks/infra/facts"
)

// CollectorPolicy lets the managed collector, whose addresses are the
// VPC's, read Milvus' metrics port and etcd's metrics-only listener, never
// its client port: Milvus' namespace denies everything else
// (podpolicy.NetworkPolicies). The VPC's addresses are the pods' too (the
// VPC CNI), so any pod of the cluster may read those two ports.
func CollectorPolicy(release, vpcCidr string) []podpolicy.NetworkPolicy {
	from := []podpolicy.Peer{{CIDR: vpcCidr}}
	return []podpolicy.NetworkPolicy{
		{Name: release + "-metrics-collector", PodSelector: podpolicy.Selector{MatchLabels: milvusvalues.MilvusPodLabels(release)},
			Types: []string{"Ingress"}, Ingress: []podpolicy.Rule{{Peers: from, Ports: podpolicy.TCP(facts.MilvusMetricsPort)}}},
		{Name: release + "-etcd-metrics-collector", PodSelector: podpolicy.Selector{MatchLabels: milvusvalues.EtcdPodLabels(release)},
			Types: []string{"Ingress"}, Ingress: []podpolicy.Rule{{Peers: from, Ports: podpolicy.TCP(milvusvalues.EtcdMetricsPort)}}},
	}
}

// MilvusTargets are the Milvus and etcd pods of a release: etcd's found by
// its declared client port, read at its metrics listener.
func MilvusTargets(namespace, release string) (milvus, etcd Target) {
	return Target{Namespace: namespace, Labels: milvusvalues.MilvusPodLabels(release), Port: facts.MilvusMetricsPort},
		Target{Namespace: namespace, Labels: milvusvalues.EtcdPodLabels(release), Port: podpolicy.EtcdClientPort, MetricsPort: milvusvalues.EtcdMetricsPort}
}

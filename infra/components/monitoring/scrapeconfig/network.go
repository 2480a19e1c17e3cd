package scrapeconfig

import (
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/podpolicy"
	"github.com/milvus-eks/milvus-eks/infra/facts"
)

// CollectorPolicy lets the managed collector, whose addresses are the
// VPC's, read Milvus' metrics port and etcd's client port, where etcd
// serves /metrics: Milvus' namespace denies everything else
// (podpolicy.NetworkPolicies).
func CollectorPolicy(release, vpcCidr string) []podpolicy.NetworkPolicy {
	from := []podpolicy.Peer{{CIDR: vpcCidr}}
	return []podpolicy.NetworkPolicy{
		{Name: release + "-metrics-collector", PodSelector: podpolicy.Selector{MatchLabels: milvusvalues.MilvusPodLabels(release)},
			Types: []string{"Ingress"}, Ingress: []podpolicy.Rule{{Peers: from, Ports: podpolicy.TCP(facts.MilvusMetricsPort)}}},
		{Name: release + "-etcd-metrics-collector", PodSelector: podpolicy.Selector{MatchLabels: milvusvalues.EtcdPodLabels(release)},
			Types: []string{"Ingress"}, Ingress: []podpolicy.Rule{{Peers: from, Ports: podpolicy.TCP(podpolicy.EtcdClientPort)}}},
	}
}

// MilvusTargets are the Milvus and etcd pods of a release.
func MilvusTargets(namespace, release string) (milvus, etcd Target) {
	return Target{Namespace: namespace, Labels: milvusvalues.MilvusPodLabels(release), Port: facts.MilvusMetricsPort},
		Target{Namespace: namespace, Labels: milvusvalues.EtcdPodLabels(release), Port: podpolicy.EtcdClientPort}
}

package podpolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

func TestBudgetsForReplicatedComponents(t *testing.T) {
	w := sizing.Workloads{
		MixCoordinator: sizing.Coordinator{Workload: sizing.Workload{Replicas: 2}},
		Proxy:          sizing.Workload{Replicas: 3},
		QueryNode:      sizing.Workload{Replicas: 1},
		DataNode:       sizing.Workload{Replicas: 2},
		StreamingNode:  sizing.Workload{Replicas: 1},
	}
	labels := func(component string) Selector {
		return Selector{MatchLabels: map[string]string{"app.kubernetes.io/name": "milvus", "app.kubernetes.io/instance": "vectors", "component": component}}
	}
	assert.Equal(t, []Budget{
		{Name: "vectors-mixcoord", Selector: labels("mixcoord"), MaxUnavailable: 1},
		{Name: "vectors-proxy", Selector: labels("proxy"), MaxUnavailable: 1},
		{Name: "vectors-datanode", Selector: labels("datanode"), MaxUnavailable: 1},
	}, Budgets("vectors", w, false))
	single := sizing.Workloads{
		MixCoordinator: sizing.Coordinator{Workload: sizing.Workload{Replicas: 1}},
		Proxy:          sizing.Workload{Replicas: 1}, QueryNode: sizing.Workload{Replicas: 1},
		DataNode: sizing.Workload{Replicas: 1}, StreamingNode: sizing.Workload{Replicas: 1},
	}
	assert.Empty(t, Budgets("vectors", single, false), "one replica each: no budget")
	// An autoscaler may run more proxies than their floor of one.
	assert.Equal(t, []Budget{{Name: "vectors-proxy", Selector: labels("proxy"), MaxUnavailable: 1}}, Budgets("vectors", single, true))
}

func TestNetworkPoliciesWithWoodpecker(t *testing.T) {
	milvus := &Selector{MatchLabels: map[string]string{"app.kubernetes.io/name": "milvus", "app.kubernetes.io/instance": "vectors"}}
	etcd := &Selector{MatchLabels: map[string]string{"app.kubernetes.io/name": "etcd", "app.kubernetes.io/instance": "vectors"}}
	milvusPorts := []Port{{"TCP", 19530}, {"TCP", 19529}, {"TCP", 53100}, {"TCP", 21123}, {"TCP", 21124}, {"TCP", 22222}, {"TCP", 9091}}
	assert.Equal(t, []NetworkPolicy{
		{Name: "vectors-default-deny", PodSelector: Selector{}, Types: []string{"Ingress", "Egress"}},
		{Name: "vectors-dns", PodSelector: Selector{}, Types: []string{"Egress"}, Egress: []Rule{{
			Peers: []Peer{{
				NamespaceSelector: &Selector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "kube-system"}},
				PodSelector:       &Selector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}},
			}},
			Ports: []Port{{"UDP", 53}, {"TCP", 53}},
		}}},
		{Name: "vectors-milvus", PodSelector: *milvus, Types: []string{"Ingress", "Egress"},
			Ingress: []Rule{{Peers: []Peer{{PodSelector: milvus}}, Ports: milvusPorts}},
			Egress: []Rule{
				{Peers: []Peer{{PodSelector: milvus}}, Ports: milvusPorts},
				{Peers: []Peer{{PodSelector: etcd}}, Ports: []Port{{"TCP", 2379}}},
				{Peers: []Peer{{CIDR: "0.0.0.0/0"}}, Ports: []Port{{"TCP", 443}}},
			}},
		{Name: "vectors-milvus-api", PodSelector: Selector{MatchLabels: map[string]string{"app.kubernetes.io/name": "milvus", "app.kubernetes.io/instance": "vectors", "component": "proxy"}},
			Types:   []string{"Ingress"},
			Ingress: []Rule{{Peers: []Peer{{CIDR: "0.0.0.0/0"}}, Ports: []Port{{"TCP", 19530}}}}},
		{Name: "vectors-etcd", PodSelector: *etcd, Types: []string{"Ingress", "Egress"},
			Ingress: []Rule{
				{Peers: []Peer{{PodSelector: milvus}}, Ports: []Port{{"TCP", 2379}}},
				{Peers: []Peer{{PodSelector: etcd}}, Ports: []Port{{"TCP", 2379}, {"TCP", 2380}}},
			},
			Egress: []Rule{{Peers: []Peer{{PodSelector: etcd}}, Ports: []Port{{"TCP", 2379}, {"TCP", 2380}}}}},
	}, NetworkPolicies("vectors", false))
}

func TestNetworkPoliciesWithPulsar(t *testing.T) {
	policies := NetworkPolicies("vectors", true)
	var names []string
	for _, p := range policies {
		names = append(names, p.Name)
	}
	assert.Equal(t, []string{"vectors-default-deny", "vectors-dns", "vectors-milvus", "vectors-milvus-api", "vectors-etcd", "vectors-pulsar", "vectors-pulsar-init"}, names)

	pulsar := &Selector{MatchLabels: map[string]string{"app": "pulsarv3", "release": "vectors"}}
	initJobs := &Selector{MatchExpressions: []Requirement{{Key: "batch.kubernetes.io/job-name", Operator: "In", Values: []string{"vectors-pulsarv3-pulsar-init", "vectors-pulsarv3-bookie-init"}}}}
	pulsarPorts := []Port{{"TCP", 2181}, {"TCP", 2888}, {"TCP", 3888}, {"TCP", 3181}, {"TCP", 6650}, {"TCP", 8080}, {"TCP", 8000}}
	milvus := &Selector{MatchLabels: map[string]string{"app.kubernetes.io/name": "milvus", "app.kubernetes.io/instance": "vectors"}}
	assert.Equal(t, Rule{Peers: []Peer{{PodSelector: pulsar}}, Ports: []Port{{"TCP", 6650}, {"TCP", 8080}}}, policies[2].Egress[3], "Milvus reaches Pulsar's clients' ports")
	assert.Equal(t, NetworkPolicy{Name: "vectors-pulsar", PodSelector: *pulsar, Types: []string{"Ingress", "Egress"},
		Ingress: []Rule{
			{Peers: []Peer{{PodSelector: pulsar}, {PodSelector: initJobs}}, Ports: pulsarPorts},
			{Peers: []Peer{{PodSelector: milvus}}, Ports: []Port{{"TCP", 6650}, {"TCP", 8080}}},
		},
		Egress: []Rule{{Peers: []Peer{{PodSelector: pulsar}}, Ports: pulsarPorts}}}, policies[5])
	assert.Equal(t, NetworkPolicy{Name: "vectors-pulsar-init", PodSelector: *initJobs, Types: []string{"Egress"},
		Egress: []Rule{{Peers: []Peer{{PodSelector: pulsar}}, Ports: pulsarPorts}}}, policies[6])
}

package podpolicy

import (
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
	"github.com/milvus-eks/milvus-eks/infra/facts"
)

// NetworkPolicy says what traffic the selected pods may take and send, in
// Milvus' namespace. The VPC CNI's network policy agent enforces them
// (cluster: the add-on's enableNetworkPolicy); kubelet probes from a pod's
// own node are always let through by the agent.
type NetworkPolicy struct {
	Name        string
	PodSelector Selector
	// Types are Ingress and Egress, as the policy isolates them.
	Types   []string
	Ingress []Rule
	Egress  []Rule
}

// Rule allows traffic from (ingress) or to (egress) the peers, on the
// ports; no ports means every port.
type Rule struct {
	Peers []Peer
	Ports []Port
}

// Peer is pods (in this namespace, or in the namespaces NamespaceSelector
// selects), or addresses.
type Peer struct {
	PodSelector       *Selector
	NamespaceSelector *Selector
	CIDR              string
}

// Port is a TCP or UDP port.
type Port struct {
	Protocol string
	Port     int
}

// The ports of the release's pods, as chart 5.0.19 configures them
// (templates/config.tpl from values.yaml; the subcharts' containerPorts).
// The workload tests (tests/workloads) hold them against the rendered
// charts: every port a pod declares or its configuration names is here.
var (
	// MilvusPorts: the proxy's API and its internal port, the
	// mixCoordinator's (it serves every coordinator on rootCoord's port in
	// 2.6), the query, data and streaming nodes' gRPC ports, and the
	// metrics and health port every component serves.
	MilvusPorts = []int{facts.MilvusPort, 19529, 53100, 21123, 21124, 22222, facts.MilvusMetricsPort}
	// EtcdClientPort and EtcdPeerPort are Bitnami etcd's.
	EtcdClientPort, EtcdPeerPort = 2379, 2380
	// PulsarPorts: ZooKeeper's client, quorum and election ports, the
	// bookies', the brokers' and proxies' binary and HTTP ports, and the
	// HTTP port of ZooKeeper, the bookies and auto-recovery.
	PulsarPorts = []int{2181, 2888, 3888, 3181, 6650, 8080, 8000}
	// PulsarClientPorts are what Milvus reaches Pulsar on: the binary
	// protocol and the admin HTTP port.
	PulsarClientPorts = []int{6650, 8080}
)

// HTTPS is where Milvus reaches AWS: S3 (through the VPC's gateway
// endpoint, at S3's public addresses) and STS, for its role.
const HTTPS = 443

// Anywhere is every IPv4 address.
const Anywhere = "0.0.0.0/0"

// PulsarInitJobs are the names of the Pulsar chart's initialisation Jobs
// (pulsar.fullname is the release's name and the subchart's alias); their
// pods carry none of the chart's labels, only the Job's name.
func PulsarInitJobs(release string) []string {
	prefix := release + "-" + milvusvalues.PulsarApp
	return []string{prefix + "-pulsar-init", prefix + "-bookie-init"}
}

// JobNameLabel is the label Kubernetes gives a Job's pods.
const JobNameLabel = "batch.kubernetes.io/job-name"

// NetworkPolicies are the policies of Milvus' namespace: everything denied,
// then what the release needs allowed, pod group by pod group.
func NetworkPolicies(release string, pulsar bool) []NetworkPolicy {
	milvus := &Selector{MatchLabels: milvusvalues.MilvusPodLabels(release)}
	proxies := &Selector{MatchLabels: milvusvalues.ComponentProxy.PodLabels(release)}
	etcd := &Selector{MatchLabels: milvusvalues.EtcdPodLabels(release)}
	pulsarPods := &Selector{MatchLabels: milvusvalues.PulsarPodLabels(release)}
	both := []string{"Ingress", "Egress"}

	milvusEgress := []Rule{
		{Peers: []Peer{{PodSelector: milvus}}, Ports: TCP(MilvusPorts...)},
		{Peers: []Peer{{PodSelector: etcd}}, Ports: TCP(EtcdClientPort)},
		{Peers: []Peer{{CIDR: Anywhere}}, Ports: TCP(HTTPS)},
	}
	if pulsar {
		milvusEgress = append(milvusEgress, Rule{Peers: []Peer{{PodSelector: pulsarPods}}, Ports: TCP(PulsarClientPorts...)})
	}
	policies := []NetworkPolicy{
		// Nothing in or out, but what a policy below allows.
		{Name: release + "-default-deny", PodSelector: All, Types: both},
		// Every pod resolves names through the cluster's DNS.
		{Name: release + "-dns", PodSelector: All, Types: []string{"Egress"}, Egress: []Rule{{
			Peers: []Peer{{
				NamespaceSelector: &Selector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "kube-system"}},
				PodSelector:       &Selector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}},
			}},
			Ports: []Port{{"UDP", 53}, {"TCP", 53}},
		}}},
		// Milvus' components talk among themselves, to etcd, and to AWS.
		{Name: release + "-milvus", PodSelector: *milvus, Types: both,
			Ingress: []Rule{{Peers: []Peer{{PodSelector: milvus}}, Ports: TCP(MilvusPorts...)}},
			Egress:  milvusEgress},
		// The proxies serve Milvus' API to whatever the load balancer
		// forwards (from its own addresses, for IP targets without client
		// address preservation); the load balancer's source ranges and
		// security group decide who that is.
		{Name: release + "-milvus-api", PodSelector: *proxies, Types: []string{"Ingress"},
			Ingress: []Rule{{Peers: []Peer{{CIDR: Anywhere}}, Ports: TCP(facts.MilvusPort)}}},
		// etcd serves Milvus, and its members one another.
		{Name: release + "-etcd", PodSelector: *etcd, Types: both,
			Ingress: []Rule{
				{Peers: []Peer{{PodSelector: milvus}}, Ports: TCP(EtcdClientPort)},
				{Peers: []Peer{{PodSelector: etcd}}, Ports: TCP(EtcdClientPort, EtcdPeerPort)},
			},
			Egress: []Rule{{Peers: []Peer{{PodSelector: etcd}}, Ports: TCP(EtcdClientPort, EtcdPeerPort)}}},
	}
	if !pulsar {
		return policies
	}
	initJobs := &Selector{MatchExpressions: []Requirement{{Key: JobNameLabel, Operator: "In", Values: PulsarInitJobs(release)}}}
	return append(policies,
		// Pulsar's components talk among themselves, and serve Milvus and
		// the chart's initialisation Jobs.
		NetworkPolicy{Name: release + "-pulsar", PodSelector: *pulsarPods, Types: both,
			Ingress: []Rule{
				{Peers: []Peer{{PodSelector: pulsarPods}, {PodSelector: initJobs}}, Ports: TCP(PulsarPorts...)},
				{Peers: []Peer{{PodSelector: milvus}}, Ports: TCP(PulsarClientPorts...)},
			},
			Egress: []Rule{{Peers: []Peer{{PodSelector: pulsarPods}}, Ports: TCP(PulsarPorts...)}}},
		NetworkPolicy{Name: release + "-pulsar-init", PodSelector: *initJobs, Types: []string{"Egress"},
			Egress: []Rule{{Peers: []Peer{{PodSelector: pulsarPods}}, Ports: TCP(PulsarPorts...)}}},
	)
}

// TCP are the ports, over TCP.
func TCP(ports ...int) []Port {
	out := make([]Port, len(ports))
	for i, p := range ports {
		out[i] = Port{"TCP", p}
	}
	return out
}

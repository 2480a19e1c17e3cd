package config

import (
	"fmt"

	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Pods are the pods the stack runs, as the configuration sizes them: Milvus'
// components and etcd, Pulsar's components when it is the queue, the
// backup job's one pod when backups run (it must find room when it
// starts), kube-state-metrics with monitoring, and on a cluster the stack
// creates, the add-ons' pods at the node group's minimum size (with
// monitoring, the CloudWatch agent and Fluent Bit on every node). The chart's one-off Jobs (Pulsar's initialization) are left out:
// they finish before Milvus starts.
func (c Config) Pods() []sizing.Pod {
	w := c.Milvus.Workloads
	pods := []sizing.Pod{
		sizing.PodOf("mixCoordinator", "mixCoordinator", w.MixCoordinator.Workload),
		sizing.PodOf("proxy", "proxy", w.Proxy),
		sizing.PodOf("queryNode", "queryNode", w.QueryNode),
		sizing.PodOf("dataNode", "dataNode", w.DataNode),
		sizing.PodOf("streamingNode", "streamingNode", w.StreamingNode),
		sizing.PodOf("etcd", "etcd", w.Etcd.Workload, sizing.Volume{Name: "data", GiB: w.Etcd.VolumeGiB}),
	}
	if c.Milvus.MessageQueue == QueuePulsar {
		p := w.Pulsar
		pods = append(pods,
			sizing.PodOf("pulsar zookeeper", "pulsarZookeeper", p.Zookeeper.Workload, sizing.Volume{Name: "data", GiB: p.Zookeeper.VolumeGiB}),
			sizing.PodOf("pulsar bookie", "pulsarBookie", p.Bookie.Workload,
				sizing.Volume{Name: "journal", GiB: p.Bookie.JournalGiB}, sizing.Volume{Name: "ledgers", GiB: p.Bookie.LedgersGiB}),
			sizing.PodOf("pulsar broker", "pulsarBroker", p.Broker),
			sizing.PodOf("pulsar proxy", "pulsarProxy", p.Proxy),
			sizing.PodOf("pulsar recovery", "pulsarRecovery", p.Recovery),
		)
	}
	if c.Backup.Enabled {
		pods = append(pods, sizing.PodOf("milvus-backup (CronJob)", "backup", sizing.BackupJob))
	}
	if c.Monitoring.Enabled {
		pods = append(pods, sizing.PodOf("kube-state-metrics", "monitoring", sizing.KubeStateMetrics))
	}
	if c.CreatesCluster() {
		addOns := sizing.AddOns{
			EbsCsiDriver:           c.Addons.EbsCsiDriver.Enabled,
			LoadBalancerController: c.Addons.LoadBalancerController.Enabled,
			ContainerLogs:          c.Monitoring.Enabled,
		}
		pods = append(pods, addOns.Pods(c.NodeGroup.MinSize)...)
	}
	return pods
}

// NodeGroupCapacity is what the node group offers at its minimum size; ok
// is false on an existing cluster, whose nodes are its owner's, and when an
// instance type is unknown.
func (c Config) NodeGroupCapacity() (sizing.Capacity, bool) {
	if !c.CreatesCluster() {
		return sizing.Capacity{}, false
	}
	capacity, _, err := sizing.CapacityOf(sizing.NodeGroup{InstanceTypes: c.NodeGroup.InstanceTypes, MinSize: c.NodeGroup.MinSize, DiskGiB: c.NodeGroup.DiskSizeGiB})
	return capacity, err == nil
}

// capacity checks, before anything is declared, that the node group at its
// minimum size holds every pod the stack runs, and that the workloads whose
// anti-affinity is hard find a node per replica.
func (v *validator) capacity(c Config) {
	g := c.NodeGroup
	if len(g.InstanceTypes) == 0 {
		return // the key's own rule reports it
	}
	for _, t := range g.InstanceTypes {
		if !instanceTypePattern.MatchString(t) {
			return // the key's own rule reports it
		}
	}
	disk := g.DiskSizeGiB
	if disk < minDiskSizeGiB {
		disk = 0 // the key's own rule reports it; the disk is not checked
	}
	capacity, unknown, err := sizing.CapacityOf(sizing.NodeGroup{InstanceTypes: g.InstanceTypes, MinSize: g.MinSize, DiskGiB: disk})
	if err != nil {
		v.add(FullName("nodeInstanceTypes"), unknown, broke("unknown-instance-type", err.Error()))
		return
	}
	if g.MinSize < 1 {
		return // the key's own rule reports it
	}
	for _, shortfall := range sizing.Shortfalls(c.Pods(), capacity) {
		v.add(FullName("nodeMinSize"), fmt.Sprint(g.MinSize), broke(Code("capacity-"+shortfall.Resource), shortfall.Text))
	}
	if !c.Milvus.SpreadAcrossZones {
		return
	}
	for _, p := range c.hardAntiAffinity() {
		if p.replicas > g.MinSize {
			v.add(FullName("nodeMinSize"), fmt.Sprint(g.MinSize), broke("node-per-replica",
				"must be at least %s.replicas (%d) with spreadAcrossZones: each replica needs a node of its own", p.key, p.replicas))
		}
	}
}

// hardAntiAffinity lists the workloads that spreadAcrossZones places one
// replica per node, by key.
func (c Config) hardAntiAffinity() []keyReplicas {
	w := c.Milvus.Workloads
	out := []keyReplicas{{"etcd", w.Etcd.Replicas}}
	if c.Milvus.MessageQueue == QueuePulsar {
		out = append(out,
			keyReplicas{"pulsarZookeeper", w.Pulsar.Zookeeper.Replicas},
			keyReplicas{"pulsarBookie", w.Pulsar.Bookie.Replicas},
			keyReplicas{"pulsarBroker", w.Pulsar.Broker.Replicas},
			keyReplicas{"pulsarProxy", w.Pulsar.Proxy.Replicas})
	}
	return out
}

type keyReplicas struct {
	key      string
	replicas int
}

package config

import (
	"fmt"
	"slices"

	"github.com/milvus-eks/milvus-eks/infra/facts"

	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Pods are the pods the stack runs, as the configuration sizes them: Milvus'
// components and etcd, Pulsar's components when it is the queue, the
// backup job's one pod when backups run (it must find room when it
// starts), kube-state-metrics with monitoring, and on a cluster the stack
// creates, the add-ons' pods at the node group's minimum size (with
// monitoring, the CloudWatch agent and Fluent Bit on every node; with node
// pools, Karpenter; with the proxies' autoscaler, metrics-server). The
// chart's one-off Jobs (Pulsar's initialization) are left out: they finish
// before Milvus starts. With node pools each pod names its pool.
func (c Config) Pods() []sizing.Pod {
	pods := c.workloadPods(false)
	if c.CreatesCluster() {
		for _, p := range c.addOns().Pods(c.NodeGroup.MinSize) {
			pods = append(pods, c.inPool(p, PoolSystem))
		}
	}
	return pods
}

// PoolSystem is the node group's pool when Karpenter runs the others.
const PoolSystem = facts.PoolSystem

// PoolPods are the pods a NodePool runs; atMost counts the proxies at
// their autoscaler's maximum.
func (c Config) PoolPods(pool string, atMost bool) []sizing.Pod {
	var out []sizing.Pod
	for _, p := range c.workloadPods(atMost) {
		if p.Pool == pool {
			out = append(out, p)
		}
	}
	return out
}

// PoolImages are the images a NodePool's pods run: Milvus' and etcd's from
// the chart, the backup job's, and Pulsar's (of which the project has no
// platform record) with Pulsar as the queue.
func (c Config) PoolImages(pool string) []string {
	images := facts.MilvusChartImages[c.Milvus.ChartVersion]
	if pool == PoolQuery {
		return images[:1]
	}
	if c.Backup.Enabled {
		images = append(slices.Clone(images), c.Backup.Image)
	}
	if c.Milvus.MessageQueue == QueuePulsar {
		images = append(slices.Clone(images), "the Pulsar chart's images (pulsarv3)")
	}
	return images
}

// workloadPods are the stack's own pods, Milvus' and the ones the stack
// adds beside it; atMost counts the proxies at their autoscaler's maximum.
func (c Config) workloadPods(atMost bool) []sizing.Pod {
	w := c.Milvus.Workloads
	proxy := w.Proxy
	if atMost && c.ProxyAutoscaling.Enabled {
		proxy.Replicas = c.ProxyAutoscaling.MaxReplicas
	}
	pods := []sizing.Pod{
		sizing.PodOf("mixCoordinator", "mixCoordinator", w.MixCoordinator.Workload),
		sizing.PodOf("proxy", "proxy", proxy),
		c.inPool(sizing.PodOf("queryNode", "queryNode", w.QueryNode), PoolQuery),
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
	for i := range pods {
		if pods[i].Pool == "" {
			pods[i] = c.inPool(pods[i], PoolCore)
		}
	}
	if c.Monitoring.Enabled {
		pods = append(pods, c.inPool(sizing.PodOf("kube-state-metrics", "monitoring", sizing.KubeStateMetrics), PoolSystem))
	}
	return pods
}

// inPool places pods in a pool when Karpenter runs the pools.
func (c Config) inPool(p sizing.Pod, pool string) sizing.Pod {
	if c.UsesNodePools() {
		p.Pool = pool
	}
	return p
}

// UsesNodePools reports whether Karpenter runs Milvus' nodes.
func (c Config) UsesNodePools() bool { return c.CreatesCluster() && c.NodePools.Enabled }

// addOns are the add-ons a created cluster runs.
func (c Config) addOns() sizing.AddOns {
	return sizing.AddOns{
		EbsCsiDriver:           c.Addons.EbsCsiDriver.Enabled,
		LoadBalancerController: c.Addons.LoadBalancerController.Enabled,
		ContainerLogs:          c.Monitoring.Enabled,
		Karpenter:              c.UsesNodePools(),
		MetricsServer:          c.ProxyAutoscaling.Enabled,
	}
}

// NodeGroupPods are the pods the node group must hold at its minimum size:
// all of them, or with node pools only the system pool's.
func (c Config) NodeGroupPods() []sizing.Pod {
	pods := c.Pods()
	if !c.UsesNodePools() {
		return pods
	}
	var system []sizing.Pod
	for _, p := range pods {
		if p.Pool == PoolSystem {
			system = append(system, p)
		}
	}
	return system
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
	for _, shortfall := range sizing.Shortfalls(c.NodeGroupPods(), capacity) {
		v.add(FullName("nodeMinSize"), fmt.Sprint(g.MinSize), broke(Code("capacity-"+shortfall.Resource), shortfall.Text))
	}
	if c.UsesNodePools() {
		// Karpenter's two replicas keep off its own nodes, a node each.
		if g.MinSize < sizing.Karpenter.Replicas {
			v.add(FullName("nodeMinSize"), fmt.Sprint(g.MinSize), broke("system-pool-size",
				"must be at least %d with nodePools: the node group is the system pool, and Karpenter's %d replicas each need a node of it (they never run on nodes Karpenter starts)", sizing.Karpenter.Replicas, sizing.Karpenter.Replicas))
		}
		return // the pools start a node for each replica that needs one
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

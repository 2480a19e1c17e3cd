package sizing

import (
	"fmt"
	"sort"
)

// Pool is one of Karpenter's NodePools as sizing sees it: the instance
// types it may start and the ceiling on what its nodes add up to.
type Pool struct {
	Name     string
	Families []string
	// CPULimit (vCPUs) and MemoryLimitGiB bound the sum of its nodes'
	// capacity, as a NodePool's spec.limits does.
	CPULimit, MemoryLimitGiB int
	// DiskGiB is each node's root volume, whose share above the kubelet's
	// eviction threshold holds the pods' ephemeral storage; 0 leaves the
	// disk unchecked.
	DiskGiB int
}

// Types are the pool's instance types, smallest first within each family.
func (p Pool) Types() []Node {
	var out []Node
	for _, t := range TypesOf(p.Families) {
		if n, err := NodeOf(t); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// Largest is the pool's type with the most memory (the most vCPUs among
// equals): where a pod too large for it fits nowhere in the pool.
func (p Pool) Largest() Node {
	var best Node
	for _, n := range p.Types() {
		if n.MemoryGiB > best.MemoryGiB || n.MemoryGiB == best.MemoryGiB && n.VCPU > best.VCPU {
			best = n
		}
	}
	return best
}

// Packing is the pods of a pool placed onto nodes of one type.
type Packing struct {
	Node  Node
	Nodes int
}

// VCPU and MemoryGiB are the capacity the packing's nodes add up to, as a
// NodePool's limits count it.
func (k Packing) VCPU() int      { return k.Nodes * k.Node.VCPU }
func (k Packing) MemoryGiB() int { return k.Nodes * k.Node.MemoryGiB }

func (k Packing) String() string { return fmt.Sprintf("%d × %s", k.Nodes, k.Node.InstanceType) }

// Pack places every replica of pods onto nodes of one type with root
// volumes of diskGiB (0: disk unchecked), largest first, each on the first
// node with room (first-fit decreasing, as a scheduler filling nodes
// would); every node first holds perNode, the DaemonSets' pods. ok is
// false when some pod fits no node of the type.
func Pack(pods []Pod, n Node, perNode []Pod, diskGiB int) (Packing, bool) {
	type room struct{ cpu, memory, disk int64 }
	empty := room{n.AllocatableMilliCPU, n.AllocatableMemoryBytes, int64(diskGiB) * gib * (100 - nodefsEvictionPercent) / 100}
	if diskGiB == 0 {
		empty.disk = 1 << 62
	}
	slots := n.MaxPods
	for _, d := range perNode {
		empty.cpu -= d.MilliCPU
		empty.memory -= d.MemoryBytes
		empty.disk -= d.EphemeralBytes
		slots--
	}
	var replicas []Pod
	for _, p := range pods {
		for range p.Replicas {
			replicas = append(replicas, p)
		}
	}
	sort.SliceStable(replicas, func(i, j int) bool {
		return replicas[i].MemoryBytes > replicas[j].MemoryBytes ||
			replicas[i].MemoryBytes == replicas[j].MemoryBytes && replicas[i].MilliCPU > replicas[j].MilliCPU
	})
	var nodes []room
	var podsOn []int
	for _, p := range replicas {
		if p.MilliCPU > empty.cpu || p.MemoryBytes > empty.memory || p.EphemeralBytes > empty.disk || slots < 1 {
			return Packing{Node: n}, false
		}
		placed := false
		for i := range nodes {
			if p.MilliCPU <= nodes[i].cpu && p.MemoryBytes <= nodes[i].memory && p.EphemeralBytes <= nodes[i].disk && podsOn[i] < slots {
				nodes[i].cpu -= p.MilliCPU
				nodes[i].memory -= p.MemoryBytes
				nodes[i].disk -= p.EphemeralBytes
				podsOn[i]++
				placed = true
				break
			}
		}
		if !placed {
			nodes = append(nodes, room{empty.cpu - p.MilliCPU, empty.memory - p.MemoryBytes, empty.disk - p.EphemeralBytes})
			podsOn = append(podsOn, 1)
		}
	}
	return Packing{Node: n, Nodes: len(nodes)}, true
}

// Tightest is the packing, over the pool's types, whose nodes add up to the
// least capacity (vCPUs, then memory): the least of its limits the pods
// could take. minNodes is the fewest nodes the pods' spread needs (a
// replica per zone, or per node). ok is false when no type holds every
// pod.
func (p Pool) Tightest(pods []Pod, perNode []Pod, minNodes int) (Packing, bool) {
	var best Packing
	found := false
	for _, n := range p.Types() {
		k, ok := Pack(pods, n, perNode, p.DiskGiB)
		if !ok {
			continue
		}
		k.Nodes = max(k.Nodes, minNodes)
		if !found || k.VCPU() < best.VCPU() || k.VCPU() == best.VCPU() && k.MemoryGiB() < best.MemoryGiB() {
			best, found = k, true
		}
	}
	return best, found
}

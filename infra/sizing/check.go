package sizing

import (
	"fmt"
	"sort"
	"strings"
)

// NodeGroup is the nodes a stack creates, at their fewest.
type NodeGroup struct {
	// InstanceTypes are the types the node group may launch; the check
	// counts each node as the smallest of them.
	InstanceTypes []string
	MinSize       int
	// DiskGiB is each node's root volume, where pods' ephemeral storage is.
	DiskGiB int
}

// Capacity is what a node group offers at its minimum size.
type Capacity struct {
	// Node is the smallest of the instance types.
	Node  Node
	Nodes int
	// DiskGiB is each node's root volume.
	DiskGiB int
}

// MilliCPU and MemoryBytes are the node group's allocatable total.
func (c Capacity) MilliCPU() int64    { return int64(c.Nodes) * c.Node.AllocatableMilliCPU }
func (c Capacity) MemoryBytes() int64 { return int64(c.Nodes) * c.Node.AllocatableMemoryBytes }

// EphemeralBytes is the node group's allocatable ephemeral storage: each
// root volume less the kubelet's default hard eviction threshold for the
// node's file system (nodefs.available 10%, the kubelet's documented
// default). The container images share the volume, which the scheduler
// does not count, so a stack that only just fits may still find less.
func (c Capacity) EphemeralBytes() int64 {
	return int64(c.Nodes) * (int64(c.DiskGiB) * gib * (100 - nodefsEvictionPercent) / 100)
}

const nodefsEvictionPercent = 10

// PodSlots is the pods the node group can address.
func (c Capacity) PodSlots() int { return c.Nodes * c.Node.MaxPods }

// String reads "2 × m6i.2xlarge".
func (c Capacity) String() string { return fmt.Sprintf("%d × %s", c.Nodes, c.Node.InstanceType) }

// CapacityOf is the node group's capacity, or the first instance type the
// program does not know, with the error of NodeOf.
func CapacityOf(g NodeGroup) (Capacity, string, error) {
	var smallest Node
	for i, t := range g.InstanceTypes {
		n, err := NodeOf(t)
		if err != nil {
			return Capacity{}, t, err
		}
		if Arch(FamilyOf(t)) != AMD64 {
			return Capacity{}, t, fmt.Errorf("is a Graviton (arm64) type: the node group runs Amazon Linux 2023's x86_64 image; arm64 nodes come from nodePools")
		}
		if i == 0 || n.AllocatableMilliCPU < smallest.AllocatableMilliCPU ||
			n.AllocatableMilliCPU == smallest.AllocatableMilliCPU && n.AllocatableMemoryBytes < smallest.AllocatableMemoryBytes {
			smallest = n
		}
	}
	return Capacity{Node: smallest, Nodes: g.MinSize, DiskGiB: g.DiskGiB}, "", nil
}

// Shortfall is one resource the pods need more of than the nodes offer.
type Shortfall struct {
	// Resource is "cpu", "memory", "ephemeral-storage" or "pods"
	// (addresses).
	Resource string
	// Text says so with the figures and the keys to change.
	Text string
}

// Shortfalls lists what the pods need that the capacity lacks: CPU, memory,
// ephemeral storage (unless the disk is unknown, DiskGiB 0) or pod
// addresses. The largest requests of the stack's own workloads are
// named first. No shortfall gives none.
func Shortfalls(pods []Pod, c Capacity) []Shortfall {
	total := Sum(pods)
	var out []Shortfall
	if total.MilliCPU > c.MilliCPU() {
		out = append(out, Shortfall{"cpu", fmt.Sprintf("the pods request %s vCPU, %s offer %s vCPU: raise nodeMinSize, choose a larger nodeInstanceTypes%s",
			VCPU(total.MilliCPU), c, VCPU(c.MilliCPU()), orLower(largest(pods, "cpuRequest", func(p Pod) int64 { return p.MilliCPU }, VCPU, "vCPU")))})
	}
	if total.MemoryBytes > c.MemoryBytes() {
		out = append(out, Shortfall{"memory", fmt.Sprintf("the pods request %s GiB of memory, %s offer %s GiB: raise nodeMinSize, choose a larger nodeInstanceTypes%s",
			GiB(total.MemoryBytes), c, GiB(c.MemoryBytes()), orLower(largest(pods, "memoryRequest", func(p Pod) int64 { return p.MemoryBytes }, GiB, "GiB")))})
	}
	if c.DiskGiB > 0 && total.EphemeralBytes > c.EphemeralBytes() {
		out = append(out, Shortfall{"ephemeral-storage", fmt.Sprintf("the pods request %s GiB of ephemeral storage, %s offer %s GiB on their %d GiB root volumes: raise nodeDiskSizeGiB or nodeMinSize%s",
			GiB(total.EphemeralBytes), c, GiB(c.EphemeralBytes()), c.DiskGiB, orLower(largest(pods, "ephemeralStorageRequest", func(p Pod) int64 { return p.EphemeralBytes }, GiB, "GiB")))})
	}
	if total.Pods > c.PodSlots() {
		out = append(out, Shortfall{"pods", fmt.Sprintf("the stack runs %d pods, %s address at most %d: raise nodeMinSize or choose a larger nodeInstanceTypes",
			total.Pods, c, c.PodSlots())})
	}
	return out
}

// orLower is the advice to lower the named requests, when some are the
// configuration's (the system pool's pods are the add-ons').
func orLower(names string) string {
	if names == "" {
		return ""
	}
	return ", or lower " + names
}

// largest names the three configured workloads that ask most of one
// resource, with their share ("queryNode.cpuRequest (3 × 4 = 12 vCPU)").
func largest(pods []Pod, field string, of func(Pod) int64, format func(int64) string, unit string) string {
	var own []Pod
	for _, p := range pods {
		if p.Key != "" && of(p) > 0 {
			own = append(own, p)
		}
	}
	sort.SliceStable(own, func(i, j int) bool { return int64(own[i].Replicas)*of(own[i]) > int64(own[j].Replicas)*of(own[j]) })
	if len(own) > 3 {
		own = own[:3]
	}
	names := make([]string, len(own))
	for i, p := range own {
		names[i] = fmt.Sprintf("%s.%s (%d × %s = %s %s)", p.Key, field, p.Replicas, format(of(p)), format(int64(p.Replicas)*of(p)), unit)
	}
	return strings.Join(names, ", ")
}

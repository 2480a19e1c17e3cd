// Package inventory says what a stack runs, in numbers: its pods with their
// requests, their volumes, and what the node group offers against them. The
// offline plan carries it, and the README's "What runs" tables are
// generated from it for the shipped stacks.
package inventory

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/nodepools"
	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Inventory is what one stack runs.
type Inventory struct {
	MessageQueue string `json:"messageQueue"`
	Pods         []Pod  `json:"pods"`
	// Requested sums the pods' requests and their volumes.
	Requested Totals `json:"requested"`
	// NodeGroup is absent on an existing cluster, whose nodes are its
	// owner's. With Karpenter it is the system pool.
	NodeGroup *NodeGroup `json:"nodeGroup,omitempty"`
	// Pools are Karpenter's NodePools, when it runs them.
	Pools []Pool `json:"pools,omitempty"`
}

// Pool is one of Karpenter's NodePools: what it may start, its ceiling,
// and what its nodes hold.
type Pool struct {
	Role     string   `json:"role"`
	NodePool string   `json:"nodePool"`
	Arch     string   `json:"arch"`
	Families []string `json:"families"`
	Spot     bool     `json:"spot"`
	// CPULimit (vCPUs) and MemoryLimitGiB bound its nodes' capacity.
	CPULimit       int `json:"cpuLimit"`
	MemoryLimitGiB int `json:"memoryLimitGiB"`
	// DiskGiB is each node's root volume.
	DiskGiB int `json:"diskGiB"`
	// PerNodeMilliCPU, PerNodeMemoryBytes and PerNodeEphemeralBytes are
	// the DaemonSets' requests on each of its nodes.
	PerNodeMilliCPU       int64 `json:"perNodeMilliCpu"`
	PerNodeMemoryBytes    int64 `json:"perNodeMemoryBytes"`
	PerNodeEphemeralBytes int64 `json:"perNodeEphemeralBytes"`
	// MinNodes is the fewest nodes the pods' zone spread needs.
	MinNodes int `json:"minNodes"`
	// Packed and AtMost are the tightest packing of its pods at their
	// replicas and at their most (the proxies at their autoscaler's
	// maximum): "2 × r7i.xlarge".
	Packed string `json:"packed"`
	AtMost string `json:"atMost"`
}

// Pod is a group of identical pods.
type Pod struct {
	Name     string `json:"name"`
	Replicas int    `json:"replicas"`
	// CPU and Memory are one pod's requests, as Kubernetes quantities.
	CPU    string `json:"cpu"`
	Memory string `json:"memory"`
	// EphemeralStorage is one pod's request of its node's disk.
	EphemeralStorage string `json:"ephemeralStorage"`
	// Volumes are one pod's claims, "data 10 GiB".
	Volumes []string `json:"volumes,omitempty"`
	// AddOn marks the cluster's own software, not Milvus'.
	AddOn bool `json:"addOn,omitempty"`
	// Pool is where the pods run with Karpenter: "system" (the node
	// group), "query" or "core".
	Pool string `json:"pool,omitempty"`
}

// Totals are requests and claims summed over pods.
type Totals struct {
	Pods      int    `json:"pods"`
	VCPU      string `json:"vcpu"`
	MemoryGiB string `json:"memoryGiB"`
	// EphemeralStorageGiB sums the pods' requests of their nodes' disks.
	EphemeralStorageGiB string `json:"ephemeralStorageGiB"`
	Volumes             int    `json:"volumes"`
	VolumeGiB           int    `json:"volumeGiB"`
}

// NodeGroup is what the node group offers at its minimum size.
type NodeGroup struct {
	Nodes        int    `json:"nodes"`
	InstanceType string `json:"instanceType"`
	VCPU         string `json:"allocatableVcpu"`
	MemoryGiB    string `json:"allocatableMemoryGiB"`
	// EphemeralStorageGiB is what the root volumes offer pods.
	EphemeralStorageGiB string `json:"allocatableEphemeralStorageGiB"`
	PodSlots            int    `json:"podSlots"`
}

// Of is the inventory of a loaded configuration.
func Of(cfg config.Config) Inventory {
	pods := cfg.Pods()
	inv := Inventory{MessageQueue: cfg.Milvus.MessageQueue}
	for _, p := range pods {
		var volumes []string
		for _, v := range p.Volumes {
			volumes = append(volumes, fmt.Sprintf("%s %d GiB", v.Name, v.GiB))
		}
		inv.Pods = append(inv.Pods, Pod{Name: p.Name, Replicas: p.Replicas,
			CPU:              resource.NewMilliQuantity(p.MilliCPU, resource.DecimalSI).String(),
			Memory:           resource.NewQuantity(p.MemoryBytes, resource.BinarySI).String(),
			EphemeralStorage: resource.NewQuantity(p.EphemeralBytes, resource.BinarySI).String(),
			Volumes:          volumes, AddOn: p.Key == "", Pool: p.Pool})
	}
	t := sizing.Sum(pods)
	inv.Requested = Totals{Pods: t.Pods, VCPU: sizing.VCPU(t.MilliCPU), MemoryGiB: sizing.GiB(t.MemoryBytes), EphemeralStorageGiB: sizing.GiB(t.EphemeralBytes),
		Volumes: t.Volumes, VolumeGiB: t.VolumeGiB}
	if c, ok := cfg.NodeGroupCapacity(); ok {
		inv.NodeGroup = &NodeGroup{Nodes: c.Nodes, InstanceType: c.Node.InstanceType,
			VCPU: sizing.VCPU(c.MilliCPU()), MemoryGiB: sizing.GiB(c.MemoryBytes()), EphemeralStorageGiB: sizing.GiB(c.EphemeralBytes()), PodSlots: c.PodSlots()}
	}
	if cfg.UsesNodePools() {
		inv.Pools = poolsOf(cfg)
	}
	return inv
}

// poolsOf are the configured NodePools with their packings.
func poolsOf(cfg config.Config) []Pool {
	perNode := sizing.Sum(cfg.PerNode())
	var out []Pool
	for _, role := range []string{config.PoolQuery, config.PoolCore} {
		p := cfg.NodePools.Pools()[role]
		pool := cfg.SizingPool(role)
		now, most := cfg.PoolPods(role, false), cfg.PoolPods(role, true)
		out = append(out, Pool{Role: role, NodePool: nodepools.Name(role), Arch: p.Arch, Families: p.Families, Spot: p.Spot,
			CPULimit: p.CPULimit, MemoryLimitGiB: p.MemoryLimitGiB, DiskGiB: cfg.NodeGroup.DiskSizeGiB,
			PerNodeMilliCPU: perNode.MilliCPU, PerNodeMemoryBytes: perNode.MemoryBytes, PerNodeEphemeralBytes: perNode.EphemeralBytes,
			MinNodes: cfg.SpreadNodes(now),
			Packed:   packing(pool, now, cfg), AtMost: packing(pool, most, cfg)})
	}
	return out
}

func packing(pool sizing.Pool, pods []sizing.Pod, cfg config.Config) string {
	k, ok := pool.Tightest(pods, cfg.PerNode(), cfg.SpreadNodes(pods))
	if !ok {
		return "no allowed type holds every pod"
	}
	return k.String()
}

// Markdown is the inventory as a table, with the totals and the node
// group's offer below it.
func (inv Inventory) Markdown() string {
	var b strings.Builder
	pools := len(inv.Pools) > 0
	if pools {
		b.WriteString("| Pods | Pool | Replicas | CPU request each | Memory request each | Ephemeral storage request each | Volumes each |\n| --- | --- | ---: | ---: | ---: | ---: | --- |\n")
	} else {
		b.WriteString("| Pods | Replicas | CPU request each | Memory request each | Ephemeral storage request each | Volumes each |\n| --- | ---: | ---: | ---: | ---: | --- |\n")
	}
	for _, p := range inv.Pods {
		name := p.Name
		if p.AddOn {
			name += " (add-on)"
		}
		volumes := strings.Join(p.Volumes, ", ")
		if volumes == "" {
			volumes = "none"
		}
		if pools {
			name += " | " + p.Pool
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s |\n", name, p.Replicas, p.CPU, p.Memory, p.EphemeralStorage, volumes)
	}
	fmt.Fprintf(&b, "\n%s\n", inv.Summary())
	if pools {
		b.WriteString("\n| Karpenter pool | Instances | Limits | Nodes for the pods | At their most replicas |\n| --- | --- | --- | --- | --- |\n")
		for _, p := range inv.Pools {
			capacity := "on-demand"
			if p.Spot {
				capacity = "spot or on-demand"
			}
			fmt.Fprintf(&b, "| %s | %s (%s), %s | %d vCPU, %d GiB | %s | %s |\n",
				p.NodePool, strings.Join(p.Families, ", "), p.Arch, capacity, p.CPULimit, p.MemoryLimitGiB, p.Packed, p.AtMost)
		}
		b.WriteString("\nEach pool node also runs the DaemonSets of every node; \"Nodes for the pods\" is the tightest packing of the pool's pods, with the zone spread, onto one of its types. Karpenter picks the types itself, within the limits.\n")
	}
	return b.String()
}

// Summary is the totals in a sentence.
func (inv Inventory) Summary() string {
	r := inv.Requested
	s := fmt.Sprintf("Requested: %d pods, %s vCPU, %s GiB of memory, %s GiB of ephemeral storage; %d GiB in %d volume claims.",
		r.Pods, r.VCPU, r.MemoryGiB, r.EphemeralStorageGiB, r.VolumeGiB, r.Volumes)
	if g := inv.NodeGroup; g != nil && len(inv.Pools) > 0 {
		return s + fmt.Sprintf(" The node group is the system pool: allocatable at its minimum, %d × %s: %s vCPU, %s GiB of memory, %s GiB of ephemeral storage, %d pod addresses, for the system pods; Milvus runs in Karpenter's pools below.",
			g.Nodes, g.InstanceType, g.VCPU, g.MemoryGiB, g.EphemeralStorageGiB, g.PodSlots)
	}
	if g := inv.NodeGroup; g != nil {
		return s + fmt.Sprintf(" Allocatable at the node group's minimum, %d × %s: %s vCPU, %s GiB of memory, %s GiB of ephemeral storage, %d pod addresses.",
			g.Nodes, g.InstanceType, g.VCPU, g.MemoryGiB, g.EphemeralStorageGiB, g.PodSlots)
	}
	return s + " They run on the existing cluster's nodes, which this stack does not size."
}

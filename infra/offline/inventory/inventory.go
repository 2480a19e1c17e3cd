// Package inventory says what a stack runs, in numbers: its pods with their
// requests, their volumes, and what the node group offers against them. The
// offline plan carries it, and the README's "What runs" tables are
// generated from it for the shipped stacks.
package inventory

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

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
	// owner's.
	NodeGroup *NodeGroup `json:"nodeGroup,omitempty"`
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
			Volumes:          volumes, AddOn: p.Key == ""})
	}
	t := sizing.Sum(pods)
	inv.Requested = Totals{Pods: t.Pods, VCPU: sizing.VCPU(t.MilliCPU), MemoryGiB: sizing.GiB(t.MemoryBytes), EphemeralStorageGiB: sizing.GiB(t.EphemeralBytes),
		Volumes: t.Volumes, VolumeGiB: t.VolumeGiB}
	if c, ok := cfg.NodeGroupCapacity(); ok {
		inv.NodeGroup = &NodeGroup{Nodes: c.Nodes, InstanceType: c.Node.InstanceType,
			VCPU: sizing.VCPU(c.MilliCPU()), MemoryGiB: sizing.GiB(c.MemoryBytes()), EphemeralStorageGiB: sizing.GiB(c.EphemeralBytes()), PodSlots: c.PodSlots()}
	}
	return inv
}

// Markdown is the inventory as a table, with the totals and the node
// group's offer below it.
func (inv Inventory) Markdown() string {
	var b strings.Builder
	b.WriteString("| Pods | Replicas | CPU request each | Memory request each | Ephemeral storage request each | Volumes each |\n| --- | ---: | ---: | ---: | ---: | --- |\n")
	for _, p := range inv.Pods {
		name := p.Name
		if p.AddOn {
			name += " (add-on)"
		}
		volumes := strings.Join(p.Volumes, ", ")
		if volumes == "" {
			volumes = "none"
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s |\n", name, p.Replicas, p.CPU, p.Memory, p.EphemeralStorage, volumes)
	}
	fmt.Fprintf(&b, "\n%s\n", inv.Summary())
	return b.String()
}

// Summary is the totals in a sentence.
func (inv Inventory) Summary() string {
	r := inv.Requested
	s := fmt.Sprintf("Requested: %d pods, %s vCPU, %s GiB of memory, %s GiB of ephemeral storage; %d GiB in %d volume claims.",
		r.Pods, r.VCPU, r.MemoryGiB, r.EphemeralStorageGiB, r.VolumeGiB, r.Volumes)
	if g := inv.NodeGroup; g != nil {
		return s + fmt.Sprintf(" Allocatable at the node group's minimum, %d × %s: %s vCPU, %s GiB of memory, %s GiB of ephemeral storage, %d pod addresses.",
			g.Nodes, g.InstanceType, g.VCPU, g.MemoryGiB, g.EphemeralStorageGiB, g.PodSlots)
	}
	return s + " They run on the existing cluster's nodes, which this stack does not size."
}

package cost

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/milvus-eks/milvus-eks/infra/offline/inventory"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Pool is one of Karpenter's NodePools as the plan's inventory describes
// it, with the pods it runs at their configured replicas.
type Pool struct {
	inventory.Pool
	Pods []sizing.Pod
}

// Range is what a pool's nodes may cost a month: Low, the pods' requests
// packed onto the cheapest of the pool's types; High, the pool filled to
// its limits with its dearest type. Both at on-demand list prices.
type Range struct {
	Item      string
	Low, High Line
}

// poolsOf reads the pools, and their pods, from a plan's inventory.
func poolsOf(runs *inventory.Inventory) ([]Pool, error) {
	if runs == nil {
		return nil, nil
	}
	var out []Pool
	for _, p := range runs.Pools {
		pool := Pool{Pool: p}
		for _, pod := range runs.Pods {
			if pod.Pool != p.Role {
				continue
			}
			cpu, err := resource.ParseQuantity(pod.CPU)
			if err != nil {
				return nil, fmt.Errorf("pool %s: pod %s: cpu %q: %w", p.NodePool, pod.Name, pod.CPU, err)
			}
			memory, err := resource.ParseQuantity(pod.Memory)
			if err != nil {
				return nil, fmt.Errorf("pool %s: pod %s: memory %q: %w", p.NodePool, pod.Name, pod.Memory, err)
			}
			ephemeral, err := resource.ParseQuantity(pod.EphemeralStorage)
			if err != nil {
				return nil, fmt.Errorf("pool %s: pod %s: ephemeral storage %q: %w", p.NodePool, pod.Name, pod.EphemeralStorage, err)
			}
			pool.Pods = append(pool.Pods, sizing.Pod{Name: pod.Name, Replicas: pod.Replicas, MilliCPU: cpu.MilliValue(), MemoryBytes: memory.Value(), EphemeralBytes: ephemeral.Value()})
		}
		out = append(out, pool)
	}
	return out, nil
}

// poolRange prices a pool's range; an error when no allowed type has a
// price (the Graviton families have none in the table).
func poolRange(p Pool, r RegionPrices, region string, gp3 float64) (Range, error) {
	perNode := []sizing.Pod{{Name: "DaemonSets", Replicas: 1, MilliCPU: p.PerNodeMilliCPU, MemoryBytes: p.PerNodeMemoryBytes, EphemeralBytes: p.PerNodeEphemeralBytes}}
	nodeLine := func(what string, n sizing.Node, nodes int, price float64) Line {
		monthly := float64(nodes)*price*HoursPerMonth + float64(nodes*p.DiskGiB)*gp3
		return Line{Item: what, Quantity: float64(nodes), Unit: "instance", UnitPrice: price, PriceUnit: "hour", Monthly: round(monthly),
			Detail: fmt.Sprintf("%d × %s, with %d GiB gp3 root volumes", nodes, n.InstanceType, p.DiskGiB)}
	}
	pool := sizing.Pool{Name: p.Role, Families: p.Families, CPULimit: p.CPULimit, MemoryLimitGiB: p.MemoryLimitGiB, DiskGiB: p.DiskGiB}
	var low, high Line
	priced, packed := false, false
	for _, n := range pool.Types() {
		price, err := r.Instance(region, n.InstanceType)
		if err != nil {
			continue
		}
		if k, ok := sizing.Pack(p.Pods, n, perNode, p.DiskGiB); ok {
			nodes := max(k.Nodes, p.MinNodes)
			if l := nodeLine("least: the pods' requests packed", n, nodes, price); !packed || l.Monthly < low.Monthly {
				low, packed = l, true
			}
		}
		// The limits bound the nodes' sum: as many of this type as fit.
		filled := min(p.CPULimit/n.VCPU, p.MemoryLimitGiB/n.MemoryGiB)
		if l := nodeLine("most: filled to its limits", n, filled, price); !priced || l.Monthly > high.Monthly {
			high = l
		}
		priced = true
	}
	if !priced {
		return Range{}, fmt.Errorf("pool %s: the price table has no price for its families %v in %s", p.NodePool, p.Families, region)
	}
	return Range{Item: "EC2 nodes of Karpenter's pool " + p.NodePool, Low: low, High: high}, nil
}

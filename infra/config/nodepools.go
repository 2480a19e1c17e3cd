package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/facts"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// NodePools is the nodePools key: Karpenter, installed on a cluster the
// stack creates, and the two NodePools it starts Milvus' nodes in. The
// managed node group becomes the system pool (Karpenter, CoreDNS, the
// add-ons' controllers). On an existing cluster the key only steers:
// QuerySelector and CoreSelector are the node labels of its owner's nodes
// for each role.
type NodePools struct {
	Enabled bool `json:"enabled"`
	// ImageVersion pins the Amazon Linux 2023 EKS image release of the
	// pools' nodes ("v20260625", the alias al2023@v20260625): "latest"
	// would replace every node at each AMI release.
	ImageVersion string `json:"imageVersion"`
	// Query holds the query nodes; Core everything else Milvus runs.
	Query Pool `json:"query"`
	Core  Pool `json:"core"`
	// QuerySelector and CoreSelector steer the query nodes, and the rest,
	// to an existing cluster's nodes with these labels.
	QuerySelector map[string]string `json:"querySelector"`
	CoreSelector  map[string]string `json:"coreSelector"`
}

// Pool is one NodePool: the instance families it may start, on which
// architecture and capacity type, and the ceiling on its nodes' sum.
type Pool struct {
	// Arch is sizing.AMD64 or sizing.ARM64 (Graviton); every family must
	// be of it, and every image the pool runs must have a build for it.
	Arch     string   `json:"arch"`
	Families []string `json:"families"`
	// Spot lets the pool start spot instances beside on-demand ones.
	Spot bool `json:"spot"`
	// CPULimit (vCPUs) and MemoryLimitGiB bound the capacity of the pool's
	// nodes together: the cost ceiling.
	CPULimit       int `json:"cpuLimit"`
	MemoryLimitGiB int `json:"memoryLimitGiB"`
}

// DefaultNodePools is off; when on, x86 memory-optimized nodes for the
// query nodes and general-purpose ones for the rest, on-demand, each pool
// up to 32 vCPUs.
var DefaultNodePools = NodePools{
	ImageVersion:  "v20260625",
	Query:         Pool{Arch: sizing.AMD64, Families: []string{"r7i", "r6i"}, CPULimit: 32, MemoryLimitGiB: 256},
	Core:          Pool{Arch: sizing.AMD64, Families: []string{"m7i", "m6i"}, CPULimit: 32, MemoryLimitGiB: 128},
	QuerySelector: map[string]string{},
	CoreSelector:  map[string]string{},
}

// imageVersionPattern is an AL2023 EKS image release, as Karpenter's alias
// takes it (al2023@v20240807 in its v1.14 docs).
var imageVersionPattern = regexp.MustCompile(`^v20\d{6}$`)

// The NodePools' roles, as their fields call them (facts).
const (
	PoolQuery = facts.PoolQuery
	PoolCore  = facts.PoolCore
)

// Pools are the two pools by name.
func (n NodePools) Pools() map[string]Pool {
	return map[string]Pool{PoolQuery: n.Query, PoolCore: n.Core}
}

// nodePoolRules are the rules of the nodePools key's own value.
func nodePoolRules(n NodePools) []violation {
	var out []violation
	if !imageVersionPattern.MatchString(n.ImageVersion) {
		out = append(out, violation{field: "imageVersion", value: n.ImageVersion, finding: broke("pool-image-version",
			`must be an Amazon Linux 2023 EKS image release such as "v20260625" (aws ssm get-parameter --name /aws/service/eks/optimized-ami/<version>/amazon-linux-2023/x86_64/standard/recommended/image_name names the newest): "latest" would replace every node at each release`)})
	}
	for _, name := range []string{PoolQuery, PoolCore} {
		out = append(out, n.Pools()[name].violations(name)...)
	}
	return out
}

// violations are the rules of one pool's own fields, named under prefix.
func (p Pool) violations(prefix string) []violation {
	if p.Arch != sizing.AMD64 && p.Arch != sizing.ARM64 {
		return []violation{{field: prefix + ".arch", value: p.Arch, finding: broke("pool-arch", "must be %q or %q (Graviton)", sizing.AMD64, sizing.ARM64)}}
	}
	var out []violation
	if len(p.Families) == 0 {
		out = append(out, violation{field: prefix + ".families", value: "[]", finding: broke("pool-family", "needs at least one instance family")})
	}
	for _, family := range p.Families {
		if !sizing.KnownFamily(family) || sizing.Arch(family) != p.Arch {
			out = append(out, violation{field: prefix + ".families", value: family, finding: broke("pool-family",
				"must be an instance family of arch %s whose capacity this program knows: %s", p.Arch, strings.Join(sizing.Families(p.Arch), ", "))})
		}
	}
	if p.CPULimit < 1 || p.MemoryLimitGiB < 1 {
		out = append(out, violation{field: prefix + ".cpuLimit", value: fmt.Sprintf("%d vCPU, %d GiB", p.CPULimit, p.MemoryLimitGiB), finding: broke("pool-limit",
			"cpuLimit and memoryLimitGiB must be at least 1: they are the most the pool's nodes may add up to")})
	}
	return out
}

// nodePools checks what relates the pools to the rest of the configuration:
// only a created cluster gets Karpenter; every image a pool runs has a
// build for its architecture; production keeps etcd off spot; each pool's
// limits hold its workloads at their most replicas, and its largest type
// each single pod.
func (v *validator) nodePools(c Config) {
	n := c.NodePools
	key := func(field string) string { return FullName("nodePools") + "." + field }
	if !c.CreatesCluster() {
		if n.Enabled {
			v.add(key("enabled"), "true", broke("pool-needs-created-cluster",
				"installs Karpenter, which only a cluster the stack creates gets: on an existing cluster, steer Milvus to its owner's nodes with querySelector and coreSelector"))
		}
		return
	}
	for field, selector := range map[string]map[string]string{"querySelector": n.QuerySelector, "coreSelector": n.CoreSelector} {
		if len(selector) > 0 {
			v.add(key(field), fmt.Sprint(selector), broke("pool-selector-created-cluster",
				"applies only to an existing cluster: on a cluster the stack creates, the pools' own labels steer Milvus"))
		}
	}
	if !n.Enabled {
		return
	}
	for _, name := range []string{PoolQuery, PoolCore} {
		p := n.Pools()[name]
		if p.Arch != sizing.ARM64 {
			continue
		}
		for _, image := range c.PoolImages(name) {
			if ok, evidence := facts.HasArm64(image); !ok {
				v.add(key(name+".arch"), p.Arch, broke("arm64-image", "runs %s, which has no arm64 build this project has read: %s", image, evidence))
			}
		}
	}
	if c.Production && n.Core.Spot {
		v.add(key("core.spot"), "true", broke("spot-etcd-production",
			"puts etcd, which holds Milvus' metadata, on capacity EC2 may reclaim with two minutes' notice: production keeps the core pool on-demand"))
	}
	perNode := c.PerNode()
	for _, name := range []string{PoolQuery, PoolCore} {
		p := n.Pools()[name]
		if len(p.violations(name)) > 0 {
			continue // the key's own rules report it
		}
		pool := c.SizingPool(name)
		pods := c.PoolPods(name, true)
		largest := pool.Largest()
		for _, pod := range pods {
			one := pod
			one.Replicas = 1
			if _, ok := sizing.Pack([]sizing.Pod{one}, largest, perNode, pool.DiskGiB); !ok {
				v.add(key(name+".families"), strings.Join(p.Families, ","), broke("pool-pod-too-large",
					"offers at most %s (%s vCPU, %s GiB for pods beside the DaemonSets, and %d GiB root volumes), too small for one %s pod (%s vCPU, %s GiB, %s GiB of ephemeral storage): allow larger families, or lower %s's requests (or raise nodeDiskSizeGiB)",
					largest.InstanceType, sizing.VCPU(largest.AllocatableMilliCPU), sizing.GiB(largest.AllocatableMemoryBytes), pool.DiskGiB,
					pod.Name, sizing.VCPU(pod.MilliCPU), sizing.GiB(pod.MemoryBytes), sizing.GiB(pod.EphemeralBytes), pod.Key))
				return
			}
		}
		packing, ok := pool.Tightest(pods, perNode, c.SpreadNodes(pods))
		if ok && (packing.VCPU() > p.CPULimit || packing.MemoryGiB() > p.MemoryLimitGiB) {
			v.add(key(name+".cpuLimit"), fmt.Sprintf("%d vCPU, %d GiB", p.CPULimit, p.MemoryLimitGiB), broke("pool-limit",
				"is below what the pool's workloads need at their most replicas: at best %s, %d vCPU and %d GiB; raise cpuLimit and memoryLimitGiB to at least that",
				packing, packing.VCPU(), packing.MemoryGiB()))
		}
	}
}

// SizingPool is a pool as the capacity arithmetic sees it: its types, its
// limits, and its nodes' root volume, the node group's (0, not checked,
// when that key breaks its own rule).
func (c Config) SizingPool(role string) sizing.Pool {
	p := c.NodePools.Pools()[role]
	disk := c.NodeGroup.DiskSizeGiB
	if disk < minDiskSizeGiB {
		disk = 0
	}
	return sizing.Pool{Name: role, Families: p.Families, CPULimit: p.CPULimit, MemoryLimitGiB: p.MemoryLimitGiB, DiskGiB: disk}
}

// PerNode are the DaemonSets' pods, which every node of every pool runs.
func (c Config) PerNode() []sizing.Pod { return c.addOns().PerNode() }

// SpreadNodes is the fewest nodes the pods' spread needs: with
// spreadAcrossZones, a zone for each of up to three replicas of a
// workload, and a node for each etcd member (hard anti-affinity).
func (c Config) SpreadNodes(pods []sizing.Pod) int {
	if !c.Milvus.SpreadAcrossZones {
		return 0
	}
	most := 0
	for _, p := range pods {
		if p.Replicas > 1 {
			most = max(most, min(p.Replicas, facts.VpcZones))
		}
	}
	for _, p := range c.hardAntiAffinity() {
		for _, pod := range pods {
			if pod.Key == p.key {
				most = max(most, p.replicas)
			}
		}
	}
	return most
}

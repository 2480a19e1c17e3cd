package sizing

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Node is what one instance of a type offers the pods, once the kubelet has
// set aside the system's share.
type Node struct {
	InstanceType string
	VCPU         int
	MemoryGiB    int
	// MaxPods is the pods the VPC CNI can address on it: ENIs × (addresses
	// per ENI − 1) + 2, the formula of the EKS AMI's eni-max-pods table.
	MaxPods int
	// AllocatableMilliCPU and AllocatableMemoryBytes are what is left for
	// pods.
	AllocatableMilliCPU    int64
	AllocatableMemoryBytes int64
}

// The instance families the program accepts: current x86_64 general
// purpose (m), memory optimized (r) and compute optimized (c) Nitro
// families, which Amazon Linux 2023's EKS AMI runs. GiB of memory per vCPU.
var families = map[string]int{
	"m5": 4, "m6i": 4, "m6a": 4, "m7i": 4, "m7a": 4,
	"r5": 8, "r6i": 8, "r6a": 8, "r7i": 8, "r7a": 8,
	"c5": 2, "c6i": 2, "c6a": 2, "c7i": 2, "c7a": 2,
	// Graviton (arm64): only Karpenter's pools run them, with arm64 images.
	"m6g": 4, "m7g": 4, "r6g": 8, "r7g": 8, "c6g": 2, "c7g": 2,
}

// The CPU architectures of the nodes, as Kubernetes' kubernetes.io/arch
// label names them.
const (
	AMD64 = "amd64"
	ARM64 = "arm64"
)

// Arch is the CPU architecture of an instance family: the Graviton
// families end in "g".
func Arch(family string) string {
	if strings.HasSuffix(family, "g") {
		return ARM64
	}
	return AMD64
}

// FamilyOf is an instance type's family ("r7i" of "r7i.4xlarge").
func FamilyOf(instanceType string) string {
	family, _, _ := strings.Cut(instanceType, ".")
	return family
}

// Families lists the accepted families of an architecture.
func Families(arch string) []string {
	var out []string
	for family := range families {
		if Arch(family) == arch {
			out = append(out, family)
		}
	}
	sort.Strings(out)
	return out
}

// KnownFamily reports whether the program knows a family's capacity.
func KnownFamily(family string) bool {
	_, ok := families[family]
	return ok
}

// TypesOf lists the instance types of the given families, smallest first
// within each family.
func TypesOf(fams []string) []string {
	var out []string
	for _, family := range fams {
		for _, size := range sizeNames() {
			if t := family + "." + size; KnownFamily(family) && !absent[t] {
				out = append(out, t)
			}
		}
	}
	return out
}

// sizes are the sizes accepted in every family: vCPUs, and the network
// interfaces and IPv4 addresses per interface that bound the pods (EC2's
// "Maximum IP addresses per network interface" table; the same for these
// families at these sizes).
var sizes = map[string]struct{ vcpu, enis, addresses int }{
	"large":    {2, 3, 10},
	"xlarge":   {4, 4, 15},
	"2xlarge":  {8, 4, 15},
	"4xlarge":  {16, 8, 30},
	"8xlarge":  {32, 8, 30},
	"12xlarge": {48, 8, 30},
	"16xlarge": {64, 15, 50},
}

// absent are sizes EC2 does not offer in a family: c5 goes from 4xlarge to
// 9xlarge, 12xlarge, 18xlarge and 24xlarge.
var absent = map[string]bool{"c5.8xlarge": true, "c5.16xlarge": true}

// InstanceTypes are the x86_64 instance types the program accepts, sorted:
// the node group's, and every type the price table prices (the Graviton
// families have no sourced prices yet).
func InstanceTypes() []string {
	var out []string
	for family := range families {
		if Arch(family) != AMD64 {
			continue
		}
		for size := range sizes {
			if t := family + "." + size; !absent[t] {
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out
}

// The kubelet's reservations on the EKS AMI (amazon-eks-ami, nodeadm's
// kubelet configuration): CPU by a sliding scale over the cores, memory as
// 11 MiB per pod the node may run plus 255 MiB, and a hard eviction
// threshold of 100 MiB of available memory.
const (
	reservedMiBPerPod  = 11
	reservedMiBPerNode = 255
	evictionMiB        = 100
	// The kernel and firmware keep part of the nominal memory before the
	// kubelet sees it; a twentieth of it is set aside for that here, a
	// choice on the safe side rather than a published figure.
	kernelShareDivisor = 20
)

// reservedMilliCPU is the EKS AMI's CPU reservation: 6% of the first core,
// 1% of the second, 0.5% of the third and fourth, 0.25% of each further one.
func reservedMilliCPU(vcpu int) int64 {
	var r float64
	for core := 1; core <= vcpu; core++ {
		switch {
		case core == 1:
			r += 60
		case core == 2:
			r += 10
		case core <= 4:
			r += 5
		default:
			r += 2.5
		}
	}
	return int64(r)
}

// NodeOf is what one node of an instance type offers, or an error naming
// the families and sizes the program knows.
func NodeOf(instanceType string) (Node, error) {
	family, size, ok := strings.Cut(instanceType, ".")
	perVCPU, knownFamily := families[family]
	s, knownSize := sizes[size]
	if !ok || !knownFamily || !knownSize || absent[instanceType] {
		return Node{}, fmt.Errorf("is not an instance type whose capacity this program knows: it accepts the families %s (and, in Karpenter's arm64 pools, %s) in the sizes %s",
			strings.Join(Families(AMD64), ", "), strings.Join(Families(ARM64), ", "), strings.Join(sizeNames(), ", "))
	}
	n := Node{InstanceType: instanceType, VCPU: s.vcpu, MemoryGiB: s.vcpu * perVCPU, MaxPods: s.enis*(s.addresses-1) + 2}
	memory := int64(n.MemoryGiB) * gib
	n.AllocatableMilliCPU = int64(s.vcpu)*1000 - reservedMilliCPU(s.vcpu)
	n.AllocatableMemoryBytes = memory - memory/kernelShareDivisor -
		int64(reservedMiBPerPod*n.MaxPods+reservedMiBPerNode+evictionMiB)*mib
	return n, nil
}

// Sizes are the instance sizes the program knows, smallest first.
func Sizes() []string { return sizeNames() }

func sizeNames() []string {
	names := slices.Sorted(maps.Keys(sizes))
	sort.Slice(names, func(i, j int) bool { return sizes[names[i]].vcpu < sizes[names[j]].vcpu })
	return names
}

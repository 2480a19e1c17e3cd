package sizing

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What a node offers: the kubelet's CPU scale, and memory less the kernel's
// twentieth, 11 MiB per addressable pod plus 255 MiB, and the 100 MiB
// eviction threshold.
func TestNodeOf(t *testing.T) {
	tests := []struct {
		instanceType     string
		vcpu, memory     int
		maxPods          int
		milliCPU         int64
		memoryAllocBytes int64
	}{
		// 8000m − (60 + 10 + 5 + 5 + 4 × 2.5)m; 32 GiB − 1.6 GiB − (11 × 58 + 255 + 100) MiB.
		{"m6i.2xlarge", 8, 32, 58, 7910, 32*gib - 32*gib/20 - (638+355)*mib},
		{"m6i.4xlarge", 16, 64, 234, 15890, 64*gib - 64*gib/20 - (2574+355)*mib},
		{"r6i.large", 2, 16, 29, 1930, 16*gib - 16*gib/20 - (319+355)*mib},
		{"c7i.xlarge", 4, 8, 58, 3920, 8*gib - 8*gib/20 - (638+355)*mib},
	}
	for _, tt := range tests {
		n, err := NodeOf(tt.instanceType)
		require.NoError(t, err, tt.instanceType)
		assert.Equal(t, Node{InstanceType: tt.instanceType, VCPU: tt.vcpu, MemoryGiB: tt.memory, MaxPods: tt.maxPods,
			AllocatableMilliCPU: tt.milliCPU, AllocatableMemoryBytes: tt.memoryAllocBytes}, n, tt.instanceType)
	}
}

func TestNodeOfUnknownType(t *testing.T) {
	for _, instanceType := range []string{"t3.large", "m6i.metal", "m8g.2xlarge", "m6i", "c5.8xlarge"} {
		_, err := NodeOf(instanceType)
		assert.EqualError(t, err, "is not an instance type whose capacity this program knows: it accepts the families c5, c6a, c6i, c7a, c7i, m5, m6a, m6i, m7a, m7i, r5, r6a, r6i, r7a, r7i (and, in Karpenter's arm64 pools, c6g, c7g, m6g, m7g, r6g, r7g) in the sizes large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge", instanceType)
	}
}

// Graviton types are known, for the pools, but the node group's image is
// x86_64.
func TestCapacityOfRefusesGraviton(t *testing.T) {
	_, unknown, err := CapacityOf(NodeGroup{InstanceTypes: []string{"m6i.2xlarge", "m7g.2xlarge"}, MinSize: 2})
	assert.Equal(t, "m7g.2xlarge", unknown)
	assert.EqualError(t, err, "is a Graviton (arm64) type: the node group runs Amazon Linux 2023's x86_64 image; arm64 nodes come from nodePools")
}

// A node group counts as its smallest type times its minimum size.
func TestCapacityOfTakesTheSmallestType(t *testing.T) {
	c, unknown, err := CapacityOf(NodeGroup{InstanceTypes: []string{"m6i.4xlarge", "m6i.2xlarge"}, MinSize: 2})
	require.NoError(t, err)
	assert.Empty(t, unknown)
	assert.Equal(t, "2 × m6i.2xlarge", c.String())
	assert.Equal(t, int64(15820), c.MilliCPU())
	assert.Equal(t, 116, c.PodSlots())

	_, unknown, err = CapacityOf(NodeGroup{InstanceTypes: []string{"m6i.2xlarge", "t3.large"}, MinSize: 2})
	assert.Error(t, err)
	assert.Equal(t, "t3.large", unknown)
}

func TestShortfalls(t *testing.T) {
	c, _, err := CapacityOf(NodeGroup{InstanceTypes: []string{"m6i.large"}, MinSize: 1, DiskGiB: 20})
	require.NoError(t, err)
	pods := []Pod{
		{Name: "queryNode", Key: "queryNode", Replicas: 2, MilliCPU: 1000, MemoryBytes: 4 * gib, EphemeralBytes: 10 * gib},
		{Name: "proxy", Key: "proxy", Replicas: 1, MilliCPU: 500, MemoryBytes: gib, EphemeralBytes: gib},
		{Name: "coredns", Replicas: 30, MilliCPU: 0, MemoryBytes: 0},
	}
	assert.Equal(t, []Shortfall{
		{"cpu", "the pods request 2.5 vCPU, 1 × m6i.large offer 1.9 vCPU: raise nodeMinSize, choose a larger nodeInstanceTypes, or lower queryNode.cpuRequest (2 × 1 = 2 vCPU), proxy.cpuRequest (1 × 0.5 = 0.5 vCPU)"},
		{"memory", "the pods request 9 GiB of memory, 1 × m6i.large offer 6.9 GiB: raise nodeMinSize, choose a larger nodeInstanceTypes, or lower queryNode.memoryRequest (2 × 4 = 8 GiB), proxy.memoryRequest (1 × 1 = 1 GiB)"},
		// 20 GiB less the kubelet's 10% eviction threshold.
		{"ephemeral-storage", "the pods request 21 GiB of ephemeral storage, 1 × m6i.large offer 18 GiB on their 20 GiB root volumes: raise nodeDiskSizeGiB or nodeMinSize, or lower queryNode.ephemeralStorageRequest (2 × 10 = 20 GiB), proxy.ephemeralStorageRequest (1 × 1 = 1 GiB)"},
		{"pods", "the stack runs 33 pods, 1 × m6i.large address at most 29: raise nodeMinSize or choose a larger nodeInstanceTypes"},
	}, Shortfalls(pods, c))
	assert.Empty(t, Shortfalls(pods[1:2], c))
}

func TestSum(t *testing.T) {
	got := Sum([]Pod{
		{Replicas: 3, MilliCPU: 500, MemoryBytes: gib, EphemeralBytes: gib, Volumes: []Volume{{"journal", 20}, {"ledgers", 50}}},
		{Replicas: 1, MilliCPU: 250, MemoryBytes: 512 * mib, EphemeralBytes: 256 * mib, Volumes: []Volume{{"data", 10}}},
	})
	assert.Equal(t, Totals{Pods: 4, MilliCPU: 1750, MemoryBytes: 3*gib + 512*mib, EphemeralBytes: 3*gib + 256*mib, Volumes: 7, VolumeGiB: 220}, got)
}

func TestInstanceTypes(t *testing.T) {
	types := InstanceTypes()
	assert.Len(t, types, 15*7-2)
	assert.Contains(t, types, "m6i.2xlarge")
	assert.NotContains(t, types, "c5.16xlarge")
}

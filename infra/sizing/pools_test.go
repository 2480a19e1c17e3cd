package sizing

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Pods go onto nodes largest first, each where it fits first; every node
// first holds the DaemonSets; a pod no node of the type holds fails.
func TestPack(t *testing.T) {
	large, err := NodeOf("m6i.large") // 1930m and ~6.9 GiB allocatable
	require.NoError(t, err)
	daemons := []Pod{{Name: "daemons", Replicas: 1, MilliCPU: 155, MemoryBytes: 120 * mib}}
	tests := []struct {
		name  string
		pods  []Pod
		nodes int
		ok    bool
	}{
		{"nothing", nil, 0, true},
		{"two halves share a node", []Pod{{Replicas: 2, MilliCPU: 800, MemoryBytes: gib}}, 1, true},
		{"three do not", []Pod{{Replicas: 3, MilliCPU: 800, MemoryBytes: gib}}, 2, true},
		{"memory decides", []Pod{{Replicas: 3, MilliCPU: 100, MemoryBytes: 3 * gib}}, 2, true},
		{"too large for the type", []Pod{{Replicas: 1, MilliCPU: 1900, MemoryBytes: gib}}, 0, false},
		// 90 GiB of a 100 GiB root volume hold pods' ephemeral storage.
		{"disk decides", []Pod{{Replicas: 2, MilliCPU: 100, MemoryBytes: gib, EphemeralBytes: 50 * gib}}, 2, true},
		{"too much disk for one node", []Pod{{Replicas: 1, MilliCPU: 100, MemoryBytes: gib, EphemeralBytes: 95 * gib}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, ok := Pack(tt.pods, large, daemons, 100)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.nodes, k.Nodes)
		})
	}
}

// The tightest packing is the one whose nodes add up to the fewest vCPUs,
// never fewer nodes than the spread needs.
func TestTightest(t *testing.T) {
	pool := Pool{Families: []string{"m6i"}}
	// Three pods of 1.5 vCPU: one per m6i.large (6 vCPUs in all) is
	// tighter than two m6i.xlarge or one m6i.2xlarge (8).
	k, ok := pool.Tightest([]Pod{{Replicas: 3, MilliCPU: 1500, MemoryBytes: 2 * gib}}, nil, 0)
	require.True(t, ok)
	assert.Equal(t, "3 × m6i.large", k.String())
	// Two small pods share one node, unless the spread asks for three.
	small := []Pod{{Replicas: 2, MilliCPU: 200, MemoryBytes: gib}}
	k, ok = pool.Tightest(small, nil, 0)
	require.True(t, ok)
	assert.Equal(t, "1 × m6i.large", k.String())
	k, ok = pool.Tightest(small, nil, 3)
	require.True(t, ok)
	assert.Equal(t, "3 × m6i.large", k.String())
	assert.Equal(t, "m6i.16xlarge", pool.Largest().InstanceType)
	_, ok = Pool{Families: []string{"c6i"}}.Tightest([]Pod{{Replicas: 1, MilliCPU: 100, MemoryBytes: 200 * gib}}, nil, 0)
	assert.False(t, ok)
}

package inventory_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/inventory"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
)

const projectDir = "../../.."

func load(t *testing.T, stack string, changes map[string]string) config.Config {
	t.Helper()
	settings, err := stackfile.StackConfig(projectDir, stack)
	require.NoError(t, err)
	for k, v := range changes {
		settings.Values[k] = v
	}
	// prod's password is set by its deployer, as a secret.
	settings.Values[config.FullName("milvusRootPassword")] = stackfile.SecretPlaceholder
	settings.Secret[config.FullName("milvusRootPassword")] = true
	cfg, err := config.Load(settings, stack)
	require.NoError(t, err)
	return cfg
}

// Woodpecker needs no volume but etcd's; Pulsar adds its own, and pods.
func TestWoodpeckerRunsLessThanPulsar(t *testing.T) {
	woodpecker := inventory.Of(load(t, "dev", nil))
	pulsar := inventory.Of(load(t, "dev", map[string]string{config.FullName("messageQueue"): config.QueuePulsar}))
	// Ephemeral storage: Milvus' 1 + 1 + 10 + 2 + 2 GiB, etcd's half, the
	// load balancer controller's and Karpenter's 2 × a quarter each; Pulsar
	// adds 7.75 GiB. CPU and memory include Karpenter's two replicas (1 CPU,
	// 1 GiB each) and metrics-server's (100m, 200 MiB each).
	assert.Equal(t, inventory.Totals{Pods: 22, VCPU: "6.3", MemoryGiB: "14.5", EphemeralStorageGiB: "17.5", Volumes: 1, VolumeGiB: 10}, woodpecker.Requested)
	assert.Equal(t, inventory.Totals{Pods: 33, VCPU: "10.5", MemoryGiB: "28.2", EphemeralStorageGiB: "25.2", Volumes: 10, VolumeGiB: 250}, pulsar.Requested)
	// The system pool: two 100 GiB root volumes, less the kubelet's 10%
	// eviction threshold.
	assert.Equal(t, &inventory.NodeGroup{Nodes: 2, InstanceType: "m6i.large", VCPU: "3.9", MemoryGiB: "13.9", EphemeralStorageGiB: "180", PodSlots: 58}, woodpecker.NodeGroup)
}

// With Karpenter each pod names its pool, and each pool the nodes its pods
// need now and at their most replicas: dev's one query node fits one
// r7i.large; its core pods, with up to three proxies, two m7i.large.
func TestPoolsOfDev(t *testing.T) {
	inv := inventory.Of(load(t, "dev", nil))
	pools := map[string]string{}
	for _, p := range inv.Pods {
		pools[p.Name] = p.Pool
	}
	assert.Equal(t, "query", pools["queryNode"])
	assert.Equal(t, "core", pools["etcd"])
	assert.Equal(t, "core", pools["proxy"])
	assert.Equal(t, "system", pools["karpenter"])
	assert.Equal(t, "system", pools["coredns"])
	require.Len(t, inv.Pools, 2)
	assert.Equal(t, inventory.Pool{Role: "query", NodePool: "milvus-query", Arch: "amd64", Families: []string{"r7i", "r6i"}, Spot: true,
		CPULimit: 16, MemoryLimitGiB: 128, DiskGiB: 100, PerNodeMilliCPU: 155, PerNodeMemoryBytes: 120 << 20,
		Packed: "1 × r7i.large", AtMost: "1 × r7i.large"}, inv.Pools[0])
	assert.Equal(t, "milvus-core", inv.Pools[1].NodePool)
	assert.Equal(t, "2 × m7i.large", inv.Pools[1].Packed)
	assert.Equal(t, "2 × m7i.large", inv.Pools[1].AtMost)
}

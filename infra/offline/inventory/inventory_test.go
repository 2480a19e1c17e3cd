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
	// load balancer controller's 2 × a quarter; Pulsar adds 7.75 GiB.
	assert.Equal(t, inventory.Totals{Pods: 18, VCPU: "4.1", MemoryGiB: "12.1", EphemeralStorageGiB: "17", Volumes: 1, VolumeGiB: 10}, woodpecker.Requested)
	assert.Equal(t, inventory.Totals{Pods: 29, VCPU: "8.3", MemoryGiB: "25.8", EphemeralStorageGiB: "24.8", Volumes: 10, VolumeGiB: 250}, pulsar.Requested)
	// Two 100 GiB root volumes, less the kubelet's 10% eviction threshold.
	assert.Equal(t, &inventory.NodeGroup{Nodes: 2, InstanceType: "m6i.2xlarge", VCPU: "15.8", MemoryGiB: "58.9", EphemeralStorageGiB: "180", PodSlots: 116}, woodpecker.NodeGroup)
}

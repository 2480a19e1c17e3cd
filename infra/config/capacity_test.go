package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The node group at its minimum size must hold every pod the stack runs;
// a shortfall names the numbers and the keys to change.
func TestCapacityCheck(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]string
		want    Problems
	}{
		{name: "the defaults fit", changes: nil},
		{name: "Pulsar fits the default nodes", changes: map[string]string{"milvus:messageQueue": "pulsar"}},
		{name: "too much CPU", changes: map[string]string{"milvus:queryNode": `{"replicas": 4, "cpuRequest": "4", "cpuLimit": "4"}`},
			want: Problems{{Key: "milvus:nodeMinSize", Value: "2", Rule: "the pods request 19.1 vCPU, 2 × m6i.2xlarge offer 15.8 vCPU: raise nodeMinSize, choose a larger nodeInstanceTypes, or lower queryNode.cpuRequest (4 × 4 = 16 vCPU), mixCoordinator.cpuRequest (1 × 0.5 = 0.5 vCPU), proxy.cpuRequest (1 × 0.5 = 0.5 vCPU)"}}},
		{name: "too much memory", changes: map[string]string{"milvus:queryNode": `{"memoryRequest": "60Gi", "memoryLimit": "60Gi"}`},
			want: Problems{{Key: "milvus:nodeMinSize", Value: "2", Rule: "the pods request 68.1 GiB of memory, 2 × m6i.2xlarge offer 58.9 GiB: raise nodeMinSize, choose a larger nodeInstanceTypes, or lower queryNode.memoryRequest (1 × 60 = 60 GiB), dataNode.memoryRequest (1 × 2 = 2 GiB), streamingNode.memoryRequest (1 × 2 = 2 GiB)"}}},
		{name: "too few nodes", changes: map[string]string{"milvus:nodeInstanceTypes": `["m6i.large"]`, "milvus:nodeMinSize": "1", "milvus:nodeDesiredSize": "1"},
			want: Problems{
				{Key: "milvus:nodeMinSize", Value: "1", Rule: "the pods request 3.9 vCPU, 1 × m6i.large offer 1.9 vCPU: raise nodeMinSize, choose a larger nodeInstanceTypes, or lower queryNode.cpuRequest (1 × 1 = 1 vCPU), mixCoordinator.cpuRequest (1 × 0.5 = 0.5 vCPU), proxy.cpuRequest (1 × 0.5 = 0.5 vCPU)"},
				{Key: "milvus:nodeMinSize", Value: "1", Rule: "the pods request 12 GiB of memory, 1 × m6i.large offer 6.9 GiB: raise nodeMinSize, choose a larger nodeInstanceTypes, or lower queryNode.memoryRequest (1 × 4 = 4 GiB), dataNode.memoryRequest (1 × 2 = 2 GiB), streamingNode.memoryRequest (1 × 2 = 2 GiB)"},
			}},
		{name: "unknown instance type", changes: map[string]string{"milvus:nodeInstanceTypes": `["m6i.2xlarge", "t3.2xlarge"]`},
			want: Problems{{Key: "milvus:nodeInstanceTypes", Value: "t3.2xlarge", Rule: "is not an instance type whose capacity this program knows: it accepts the families c5, c6a, c6i, c7a, c7i, m5, m6a, m6i, m7a, m7i, r5, r6a, r6i, r7a, r7i in the sizes large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge"}}},
		{name: "a node per etcd member", changes: map[string]string{"milvus:spreadAcrossZones": "true", "milvus:etcd": `{"replicas": 3}`},
			want: Problems{{Key: "milvus:nodeMinSize", Value: "2", Rule: "must be at least etcd.replicas (3) with spreadAcrossZones: each replica needs a node of its own"}}},
		{name: "a node per bookie", changes: map[string]string{
			"milvus:messageQueue": "pulsar", "milvus:spreadAcrossZones": "true", "milvus:etcd": `{"replicas": 3}`,
			"milvus:nodeMinSize": "3", "milvus:nodeDesiredSize": "3", "milvus:pulsarBookie": `{"replicas": 4}`},
			want: Problems{{Key: "milvus:nodeMinSize", Value: "3", Rule: "must be at least pulsarBookie.replicas (4) with spreadAcrossZones: each replica needs a node of its own"}}},
		// An existing cluster's nodes are its owner's: nothing to check.
		{name: "existing cluster", changes: map[string]string{
			"milvus:clusterMode": "existing", "milvus:existingClusterName": "platform",
			"milvus:queryNode": `{"replicas": 10, "cpuRequest": "16", "cpuLimit": "16"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(valid(tt.changes), "dev")
			assertProblems(t, tt.want, err)
		})
	}
}

// What runs: the pods of each queue, with their volumes.
func TestPods(t *testing.T) {
	names := func(c Config) []string {
		var out []string
		for _, p := range c.Pods() {
			out = append(out, p.Name)
		}
		return out
	}
	cfg, err := Load(valid(nil), "dev")
	require.NoError(t, err)
	assert.Equal(t, []string{"mixCoordinator", "proxy", "queryNode", "dataNode", "streamingNode", "etcd",
		"aws-node (VPC CNI)", "kube-proxy", "coredns", "ebs-csi-node", "ebs-csi-controller", "aws-load-balancer-controller"}, names(cfg))

	cfg, err = Load(valid(map[string]string{"milvus:messageQueue": "pulsar", "milvus:clusterMode": "existing", "milvus:existingClusterName": "platform"}), "dev")
	require.NoError(t, err)
	assert.Equal(t, []string{"mixCoordinator", "proxy", "queryNode", "dataNode", "streamingNode", "etcd",
		"pulsar zookeeper", "pulsar bookie", "pulsar broker", "pulsar proxy", "pulsar recovery"}, names(cfg))
}

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
		want    []found
	}{
		{name: "the defaults fit", changes: nil},
		{name: "Pulsar fits the default nodes", changes: map[string]string{"milvus:messageQueue": "pulsar"}},
		{name: "too much CPU", changes: map[string]string{"milvus:queryNode": `{"replicas": 4, "cpuRequest": "4", "cpuLimit": "4"}`},
			want: []found{{"milvus:nodeMinSize", "2", "capacity-cpu"}}},
		{name: "too much memory", changes: map[string]string{"milvus:queryNode": `{"memoryRequest": "60Gi", "memoryLimit": "60Gi"}`},
			want: []found{{"milvus:nodeMinSize", "2", "capacity-memory"}}},
		{name: "too little disk", changes: map[string]string{"milvus:queryNode": `{"ephemeralStorageRequest": "200Gi", "ephemeralStorageLimit": "200Gi"}`},
			want: []found{{"milvus:nodeMinSize", "2", "capacity-ephemeral-storage"}}},
		{name: "too few nodes", changes: map[string]string{"milvus:nodeInstanceTypes": `["m6i.large"]`, "milvus:nodeMinSize": "1", "milvus:nodeDesiredSize": "1"},
			want: []found{
				{"milvus:nodeMinSize", "1", "capacity-cpu"},
				{"milvus:nodeMinSize", "1", "capacity-memory"},
			}},
		{name: "unknown instance type", changes: map[string]string{"milvus:nodeInstanceTypes": `["m6i.2xlarge", "t3.2xlarge"]`},
			want: []found{{"milvus:nodeInstanceTypes", "t3.2xlarge", "unknown-instance-type"}}},
		{name: "a node per etcd member", changes: map[string]string{"milvus:spreadAcrossZones": "true", "milvus:etcd": `{"replicas": 3}`},
			want: []found{{"milvus:nodeMinSize", "2", "node-per-replica"}}},
		{name: "a node per bookie", changes: map[string]string{
			"milvus:messageQueue": "pulsar", "milvus:spreadAcrossZones": "true", "milvus:etcd": `{"replicas": 3}`,
			"milvus:nodeMinSize": "3", "milvus:nodeDesiredSize": "3", "milvus:pulsarBookie": `{"replicas": 4}`},
			want: []found{{"milvus:nodeMinSize", "3", "node-per-replica"}}},
		// An existing cluster's nodes are its owner's: nothing to check.
		{name: "existing cluster", changes: map[string]string{
			"milvus:clusterMode": "existing", "milvus:existingClusterName": "platform",
			"milvus:queryNode": `{"replicas": 10, "cpuRequest": "16", "cpuLimit": "16"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(valid(tt.changes), "dev")
			assertFound(t, tt.want, err)
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

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
		"aws-node (VPC CNI)", "kube-proxy", "ebs-csi-node", "coredns", "ebs-csi-controller", "aws-load-balancer-controller"}, names(cfg))

	cfg, err = Load(valid(map[string]string{"milvus:messageQueue": "pulsar", "milvus:clusterMode": "existing", "milvus:existingClusterName": "platform"}), "dev")
	require.NoError(t, err)
	assert.Equal(t, []string{"mixCoordinator", "proxy", "queryNode", "dataNode", "streamingNode", "etcd",
		"pulsar zookeeper", "pulsar bookie", "pulsar broker", "pulsar proxy", "pulsar recovery"}, names(cfg))
}

// With node pools, the node group holds only the system pool's pods, each
// pool's limits hold its workloads at their most replicas, and each pod
// fits the largest type its pool allows.
func TestNodePoolChecks(t *testing.T) {
	pools := func(fields string) map[string]string {
		return map[string]string{"milvus:nodePools": `{"enabled": true` + fields + `}`}
	}
	tests := []struct {
		name    string
		changes map[string]string
		want    []found
	}{
		{name: "the default pools hold the default workloads", changes: pools("")},
		{name: "the system pool needs a node per Karpenter replica",
			changes: merge(pools(""), map[string]string{"milvus:nodeMinSize": "1", "milvus:nodeDesiredSize": "1"}),
			want:    []found{{"milvus:nodeMinSize", "1", "system-pool-size"}}},
		// Ten 4-vCPU query nodes need five r7i.2xlarge (8 vCPUs each, less
		// the kubelet's and the DaemonSets' share) at best: 40 vCPUs.
		{name: "a pool limit below its workloads",
			changes: merge(pools(`, "query": {"cpuLimit": 32}`), map[string]string{"milvus:queryNode": `{"replicas": 10, "cpuRequest": "3.5", "cpuLimit": "4"}`}),
			want:    []found{{"milvus:nodePools.query.cpuLimit", "32 vCPU, 256 GiB", "pool-limit"}}},
		{name: "the proxies count at their autoscaler's maximum",
			changes: merge(pools(`, "core": {"cpuLimit": 8, "memoryLimitGiB": 64}`), map[string]string{"milvus:proxyAutoscaling": `{"enabled": true, "maxReplicas": 20}`}),
			want:    []found{{"milvus:nodePools.core.cpuLimit", "8 vCPU, 64 GiB", "pool-limit"}}},
		{name: "a pod larger than the pool's largest type",
			changes: merge(pools(`, "query": {"families": ["c6i"]}`), map[string]string{"milvus:queryNode": `{"memoryRequest": "200Gi", "memoryLimit": "200Gi"}`}),
			want:    []found{{"milvus:nodePools.query.families", "c6i", "pool-pod-too-large"}}},
		// 90 of a node's 100 GiB hold pods' ephemeral storage.
		{name: "a pod needing more disk than a pool node has",
			changes: merge(pools(""), map[string]string{"milvus:queryNode": `{"ephemeralStorageRequest": "95Gi", "ephemeralStorageLimit": "95Gi"}`}),
			want:    []found{{"milvus:nodePools.query.families", "r7i,r6i", "pool-pod-too-large"}}},
		{name: "graviton for Milvus, whose arm64 build is unconfirmed",
			changes: pools(`, "query": {"arch": "arm64", "families": ["r7g"]}`),
			want:    []found{{"milvus:nodePools.query.arch", "arm64", "arm64-image"}}},
		{name: "a family of the other arch",
			changes: pools(`, "core": {"families": ["m7g"]}`),
			want:    []found{{"milvus:nodePools.core.families", "m7g", "pool-family"}}},
		{name: "spot for etcd in production",
			changes: merge(pools(`, "core": {"spot": true}`), map[string]string{"milvus:production": "true", "milvus:clusterEndpointPublicCidrs": "[]",
				"milvus:controlPlaneLogs": "true", "milvus:loadBalancerScheme": "internal"}),
			want: []found{{"milvus:nodePools.core.spot", "true", "spot-etcd-production"}}},
		{name: "spot for query nodes in dev", changes: pools(`, "query": {"spot": true}, "core": {"spot": true}`)},
		{name: "an unpinned image", changes: pools(`, "imageVersion": "latest"`),
			want: []found{{"milvus:nodePools.imageVersion", "latest", "pool-image-version"}}},
		{name: "autoscaler bounds inverted",
			changes: map[string]string{"milvus:proxy": `{"replicas": 3}`, "milvus:proxyAutoscaling": `{"enabled": true, "maxReplicas": 2}`},
			want:    []found{{"milvus:proxyAutoscaling.maxReplicas", "2", "hpa-bounds"}}},
		{name: "autoscaler target out of range",
			changes: map[string]string{"milvus:proxyAutoscaling": `{"enabled": true, "targetCPUPercent": 150}`},
			want:    []found{{"milvus:proxyAutoscaling.targetCPUPercent", "150", "hpa-target"}}},
		{name: "pools on an existing cluster",
			changes: merge(pools(""), map[string]string{"milvus:clusterMode": "existing", "milvus:existingClusterName": "platform"}),
			want:    []found{{"milvus:nodePools.enabled", "true", "pool-needs-created-cluster"}}},
		{name: "selectors on an existing cluster",
			changes: map[string]string{"milvus:clusterMode": "existing", "milvus:existingClusterName": "platform",
				"milvus:nodePools": `{"querySelector": {"workload": "milvus-query"}, "coreSelector": {"workload": "milvus"}}`}},
		{name: "selectors on a created cluster",
			changes: map[string]string{"milvus:nodePools": `{"querySelector": {"workload": "milvus-query"}}`},
			want:    []found{{"milvus:nodePools.querySelector", "map[workload:milvus-query]", "pool-selector-created-cluster"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(valid(tt.changes), "dev")
			assertFound(t, tt.want, err)
		})
	}
}

// With pools the node group must hold only the system pods: the default
// Milvus workloads would not fit on two m6i.large, the system pool does.
func TestNodeGroupHoldsOnlyTheSystemPool(t *testing.T) {
	small := map[string]string{"milvus:nodeInstanceTypes": `["m6i.large"]`}
	_, err := Load(valid(small), "dev")
	require.Error(t, err)
	cfg, err := Load(valid(merge(small, map[string]string{"milvus:nodePools": `{"enabled": true}`})), "dev")
	require.NoError(t, err)
	var system []string
	for _, p := range cfg.NodeGroupPods() {
		system = append(system, p.Name)
	}
	assert.Equal(t, []string{"aws-node (VPC CNI)", "kube-proxy", "ebs-csi-node", "coredns", "ebs-csi-controller", "aws-load-balancer-controller", "karpenter"}, system)
	assert.Equal(t, []string{"milvusdb/milvus:v2.6.15"}, cfg.PoolImages(PoolQuery))
	assert.Equal(t, []string{"milvusdb/milvus:v2.6.15", "milvusdb/etcd:3.5.25-r1"}, cfg.PoolImages(PoolCore))
}

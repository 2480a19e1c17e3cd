package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Each stack file reaches the chart's values whole: the settings below are
// what Pulumi.dev.yaml and Pulumi.prod.yaml say (and the defaults they
// leave), and milvusvalues.Build's own tests pin the values they give.
func TestHelmValues(t *testing.T) {
	w := func(replicas int, cpu, memory, cpuLimit, memoryLimit, ephemeral, ephemeralLimit string) sizing.Workload {
		return sizing.Workload{Replicas: replicas, CPURequest: cpu, MemoryRequest: memory, CPULimit: cpuLimit, MemoryLimit: memoryLimit,
			EphemeralStorageRequest: ephemeral, EphemeralStorageLimit: ephemeralLimit}
	}
	pulsar := sizing.Pulsar{
		Zookeeper: sizing.Zookeeper{Workload: w(3, "200m", "512Mi", "", "512Mi", "512Mi", "2Gi"), VolumeGiB: 10},
		Bookie:    sizing.Bookie{Workload: w(3, "500m", "2Gi", "", "2Gi", "1Gi", "4Gi"), JournalGiB: 20, LedgersGiB: 50},
		Broker:    w(2, "500m", "2Gi", "", "2Gi", "1Gi", "4Gi"),
		Proxy:     w(2, "500m", "1Gi", "", "1Gi", "512Mi", "2Gi"),
		Recovery:  w(1, "100m", "256Mi", "", "256Mi", "256Mi", "1Gi"),
	}
	settings := func(rootPath string) milvusvalues.Inputs {
		return milvusvalues.Inputs{
			Region: "us-east-2", BucketName: generatedBucketName, RootPath: rootPath,
			ServiceAccount: "milvus-s3-access-sa", Authentication: true, RootPasswordSecret: "milvus-root-password",
			ReleaseName: "milvus",
		}
	}
	dev := settings("milvus/dev")
	dev.Workloads = sizing.Workloads{
		MixCoordinator: sizing.Coordinator{Workload: w(1, "500m", "1Gi", "1", "2Gi", "1Gi", "8Gi")},
		Proxy:          w(1, "500m", "1Gi", "1", "2Gi", "1Gi", "8Gi"),
		QueryNode:      w(1, "1", "4Gi", "2", "8Gi", "10Gi", "50Gi"),
		DataNode:       w(1, "500m", "2Gi", "2", "4Gi", "2Gi", "20Gi"),
		StreamingNode:  w(1, "500m", "2Gi", "1", "4Gi", "2Gi", "20Gi"),
		Etcd:           sizing.Etcd{Workload: w(1, "250m", "1Gi", "1", "2Gi", "512Mi", "2Gi"), VolumeGiB: 10},
		Pulsar:         pulsar,
	}
	// Both stacks run Milvus on Karpenter's pools, the proxies under their
	// autoscaler.
	dev.QuerySelector = map[string]string{"milvus-eks/pool": "query"}
	dev.CoreSelector = map[string]string{"milvus-eks/pool": "core"}
	dev.ProxyAutoscaling = &milvusvalues.ProxyAutoscaling{MaxReplicas: 3, TargetCPUPercent: 60}
	prod := settings("milvus/prod")
	prod.QuerySelector, prod.CoreSelector = dev.QuerySelector, dev.CoreSelector
	prod.ProxyAutoscaling = &milvusvalues.ProxyAutoscaling{MaxReplicas: 9, TargetCPUPercent: 60}
	prod.SpreadAcrossZones = true
	prod.Workloads = sizing.Workloads{
		MixCoordinator: sizing.Coordinator{Workload: w(2, "1", "2Gi", "2.5", "3.5Gi", "1Gi", "8Gi"), ActiveStandby: true},
		Proxy:          w(3, "500m", "1Gi", "1", "2Gi", "1Gi", "8Gi"),
		QueryNode:      w(3, "2", "8Gi", "4", "16Gi", "10Gi", "50Gi"),
		DataNode:       w(2, "1", "4Gi", "2", "8Gi", "2Gi", "20Gi"),
		StreamingNode:  w(3, "1", "4Gi", "2", "8Gi", "2Gi", "20Gi"),
		Etcd:           sizing.Etcd{Workload: w(3, "500m", "2Gi", "1", "4Gi", "512Mi", "2Gi"), VolumeGiB: 20},
		Pulsar:         pulsar,
	}
	for name, want := range map[string]milvusvalues.Inputs{"dev": dev, "prod": prod} {
		got := mockcloud.Plain(deploy(t, name).one(t, typeRelease, "milvus").Input("values"))
		assert.Equal(t, milvusvalues.Build(want).Map(), got, name)
	}
	// Spelled out: prod spreads and hardens, dev does neither.
	release := func(stack string) *mockcloud.Resource { return deploy(t, stack).one(t, typeRelease, "milvus") }
	assert.Equal(t, "hard", release("prod").Input("values", "etcd", "podAntiAffinityPreset").StringValue())
	assert.True(t, release("prod").Input("values", "etcd", "pdb", "create").BoolValue())
	assert.Equal(t, "soft", release("dev").Input("values", "etcd", "podAntiAffinityPreset").StringValue())
	for _, workload := range []string{"mixCoordinator", "proxy", "queryNode", "dataNode", "streamingNode"} {
		assert.Equal(t, milvusvalues.ZoneLabel, release("prod").Input("values", workload, "topologySpreadConstraints").ArrayValue()[0].ObjectValue()["topologyKey"].StringValue(), workload)
		assert.True(t, release("dev").Input("values", workload, "topologySpreadConstraints").IsNull(), workload)
	}

	// Pulsar chosen in the stack file reaches the chart.
	withPulsar := deployWith(t, "dev", stackConfig(t, "dev", map[string]string{"milvus:messageQueue": "pulsar"}))
	want := dev
	want.Pulsar = true
	assert.Equal(t, milvusvalues.Build(want).Map(), mockcloud.Plain(withPulsar.one(t, typeRelease, "milvus").Input("values")))
}

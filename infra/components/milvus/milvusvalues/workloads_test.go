package milvusvalues

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Under Woodpecker, the log is embedded in the streaming nodes on object
// storage, and no Pulsar component is enabled or sized.
func TestWoodpeckerEnablesNoPulsarKey(t *testing.T) {
	got := Build(settings()).Map()
	assert.Equal(t, map[string]any{"enabled": true}, got["woodpecker"])
	assert.Equal(t, map[string]any{"woodpecker": map[string]any{"embedded": true, "storage": map[string]any{"type": "minio"}}}, got["streaming"])
	assert.Equal(t, map[string]any{"enabled": false}, got["pulsarv3"])
}

// Under Pulsar, Woodpecker is off, and each JVM's heap and direct memory
// fit in its memory request; anti-affinity is on, soft without the spread;
// each component of more than one replica keeps its disruption budget.
func TestPulsarSizesEveryJVMWithinItsRequest(t *testing.T) {
	s := settings()
	s.Pulsar = true
	got := Build(s).Map()
	assert.Equal(t, map[string]any{"enabled": false}, got["woodpecker"])
	assert.NotContains(t, got, "streaming")
	soft := map[string]any{"anti_affinity": true, "type": "preferredDuringSchedulingIgnoredDuringExecution"}
	assert.Equal(t, map[string]any{
		"enabled": true,
		"zookeeper": map[string]any{
			"replicaCount": float64(3),
			"resources":    map[string]any{"requests": map[string]any{"cpu": "200m", "memory": "512Mi"}, "limits": map[string]any{"memory": "512Mi"}},
			"configData":   map[string]any{"PULSAR_MEM": "-Xms256m -Xmx256m"},
			"affinity":     soft,
			"pdb":          map[string]any{"usePolicy": true},
			"volumes":      map[string]any{"data": map[string]any{"size": "10Gi"}},
		},
		"bookkeeper": map[string]any{
			"replicaCount": float64(3),
			"resources":    map[string]any{"requests": map[string]any{"cpu": "500m", "memory": "2Gi"}, "limits": map[string]any{"memory": "2Gi"}},
			"configData":   map[string]any{"PULSAR_MEM": "-Xms512m -Xmx512m -XX:MaxDirectMemorySize=1024m"},
			"affinity":     soft,
			"pdb":          map[string]any{"usePolicy": true},
			"volumes":      map[string]any{"journal": map[string]any{"size": "20Gi"}, "ledgers": map[string]any{"size": "50Gi"}},
		},
		"broker": map[string]any{
			"replicaCount": float64(2),
			"resources":    map[string]any{"requests": map[string]any{"cpu": "500m", "memory": "2Gi"}, "limits": map[string]any{"memory": "2Gi"}},
			"configData":   map[string]any{"PULSAR_MEM": "-Xms512m -Xmx512m -XX:MaxDirectMemorySize=1024m"},
			"affinity":     soft,
			"pdb":          map[string]any{"usePolicy": true},
		},
		"proxy": map[string]any{
			"replicaCount": float64(2),
			"resources":    map[string]any{"requests": map[string]any{"cpu": "500m", "memory": "1Gi"}, "limits": map[string]any{"memory": "1Gi"}},
			"configData":   map[string]any{"PULSAR_MEM": "-Xms256m -Xmx256m -XX:MaxDirectMemorySize=512m"},
			"affinity":     soft,
			"pdb":          map[string]any{"usePolicy": true},
		},
		"autorecovery": map[string]any{
			"replicaCount": float64(1),
			"resources":    map[string]any{"requests": map[string]any{"cpu": "100m", "memory": "256Mi"}},
			"configData":   map[string]any{"BOOKIE_MEM": "-Xms128m -Xmx128m"},
			"affinity":     soft,
		},
	}, got["pulsarv3"])
}

// Spread across zones, Pulsar's anti-affinity is hard; a component of one
// replica has no disruption budget, and auto-recovery has none in the
// chart.
func TestPulsarSpread(t *testing.T) {
	s := settings()
	s.Pulsar, s.SpreadAcrossZones = true, true
	s.Workloads.Pulsar.Broker.Replicas = 1
	p := Build(s).Pulsar
	for name, c := range map[string]*PulsarComponent{"zookeeper": p.Zookeeper, "bookkeeper": p.Bookkeeper, "broker": p.Broker, "proxy": p.Proxy} {
		assert.Equal(t, PulsarAffinity{AntiAffinity: true, Type: AntiAffinityHard}, c.Affinity, name)
		assert.Equal(t, &PulsarPDB{UsePolicy: name != "broker"}, c.PDB, name)
	}
	assert.Equal(t, AntiAffinityHard, p.Autorecovery.Affinity.Type)
	assert.Nil(t, p.Autorecovery.PDB)
}

// With pools, the query nodes select the query pool and every other pod
// of the release (etcd and Pulsar's included) the core pool; the proxies'
// autoscaler starts at their replicas, and the chart then writes none.
func TestPoolsAndTheProxiesAutoscaler(t *testing.T) {
	s := settings()
	s.Pulsar = true
	s.QuerySelector = map[string]string{"milvus-eks/pool": "query"}
	s.CoreSelector = map[string]string{"milvus-eks/pool": "core"}
	s.Workloads.Proxy.Replicas = 2
	s.ProxyAutoscaling = &ProxyAutoscaling{MaxReplicas: 6, TargetCPUPercent: 60}
	got := Build(s).Map()
	query := map[string]any{"milvus-eks/pool": "query"}
	core := map[string]any{"milvus-eks/pool": "core"}
	assert.Equal(t, query, got["queryNode"].(map[string]any)["nodeSelector"])
	for _, key := range []string{"mixCoordinator", "proxy", "dataNode", "streamingNode", "etcd"} {
		assert.Equal(t, core, got[key].(map[string]any)["nodeSelector"], key)
	}
	for _, key := range []string{"zookeeper", "bookkeeper", "broker", "proxy", "autorecovery"} {
		assert.Equal(t, core, got["pulsarv3"].(map[string]any)[key].(map[string]any)["nodeSelector"], key)
	}
	proxy := got["proxy"].(map[string]any)
	assert.Equal(t, float64(-1), proxy["replicas"])
	assert.Equal(t, map[string]any{"enabled": true, "minReplicas": float64(2), "maxReplicas": float64(6), "cpuUtilization": float64(60)}, proxy["hpa"])
	assert.NotContains(t, got["queryNode"], "hpa")

	// Without them, no selector and no autoscaler.
	plain := Build(settings()).Map()
	assert.NotContains(t, plain["queryNode"], "nodeSelector")
	assert.NotContains(t, plain["etcd"], "nodeSelector")
	assert.NotContains(t, plain["proxy"], "hpa")
}

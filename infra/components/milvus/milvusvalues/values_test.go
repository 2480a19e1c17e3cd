package milvusvalues

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// settings are those of a small stack: one replica of each workload,
// Woodpecker, authentication on.
func settings() Inputs {
	return Inputs{
		Region:             "us-east-2",
		BucketName:         "milvus-bucket-abc",
		ServiceAccount:     "milvus-s3-access-sa",
		Authentication:     true,
		RootPasswordSecret: "milvus-root-password",
		ReleaseName:        "milvus",
		Workloads:          small(),
	}
}

func one(cpu, memory string) sizing.Workload {
	return sizing.Workload{Replicas: 1, CPURequest: cpu, MemoryRequest: memory}
}

func small() sizing.Workloads {
	return sizing.Workloads{
		MixCoordinator: sizing.Coordinator{Workload: one("500m", "1Gi")},
		Proxy:          one("500m", "1Gi"),
		QueryNode:      one("1", "4Gi"),
		DataNode:       one("500m", "2Gi"),
		StreamingNode:  one("500m", "2Gi"),
		Etcd:           sizing.Etcd{Workload: one("250m", "1Gi"), VolumeGiB: 10},
		Pulsar: sizing.Pulsar{
			Zookeeper: sizing.Zookeeper{Workload: sizing.Workload{Replicas: 3, CPURequest: "200m", MemoryRequest: "512Mi", MemoryLimit: "512Mi"}, VolumeGiB: 10},
			Bookie:    sizing.Bookie{Workload: sizing.Workload{Replicas: 3, CPURequest: "500m", MemoryRequest: "2Gi", MemoryLimit: "2Gi"}, JournalGiB: 20, LedgersGiB: 50},
			Broker:    sizing.Workload{Replicas: 2, CPURequest: "500m", MemoryRequest: "2Gi", MemoryLimit: "2Gi"},
			Proxy:     sizing.Workload{Replicas: 2, CPURequest: "500m", MemoryRequest: "1Gi", MemoryLimit: "1Gi"},
			Recovery:  one("100m", "256Mi"),
		},
	}
}

func TestBuildProd(t *testing.T) {
	s := settings()
	s.SpreadAcrossZones = true
	s.Workloads.MixCoordinator = sizing.Coordinator{
		Workload:      sizing.Workload{Replicas: 2, CPURequest: "1", MemoryRequest: "2Gi", CPULimit: "2", MemoryLimit: "4Gi"},
		ActiveStandby: true,
	}
	s.Workloads.Proxy = sizing.Workload{Replicas: 2, CPURequest: "500m", MemoryRequest: "1Gi", CPULimit: "1", MemoryLimit: "2Gi"}
	s.Workloads.QueryNode.Replicas = 3
	s.Workloads.Etcd = sizing.Etcd{Workload: sizing.Workload{Replicas: 3, CPURequest: "500m", MemoryRequest: "2Gi"}, VolumeGiB: 20, StorageClass: "gp3"}

	got := Build(s).Map()

	assert.Equal(t, map[string]any{
		"cluster":          map[string]any{"enabled": true},
		"extraConfigFiles": map[string]any{"user.yaml": "common:\n  security:\n    authorizationEnabled: true\n"},
		// Inside the cluster only: the load balancer has a Service of its own.
		"service":        map[string]any{"type": "ClusterIP", "port": float64(19530)},
		"serviceAccount": map[string]any{"create": false, "name": "milvus-s3-access-sa"},
		"minio":          map[string]any{"enabled": false},
		"externalS3": map[string]any{
			"enabled":       true,
			"host":          "s3.us-east-2.amazonaws.com",
			"port":          "443",
			"useSSL":        true,
			"bucketName":    "milvus-bucket-abc",
			"useIAM":        true,
			"cloudProvider": "aws",
			"iamEndpoint":   "",
			"region":        "us-east-2",
		},
		"mixCoordinator": map[string]any{
			"replicas":      float64(2),
			"activeStandby": map[string]any{"enabled": true},
			"resources": map[string]any{
				"requests": map[string]any{"cpu": "1", "memory": "2Gi"},
				"limits":   map[string]any{"cpu": "2", "memory": "4Gi"},
			},
			"topologySpreadConstraints": spread("mixcoord"),
			"extraEnv": []any{map[string]any{
				"name":      "COMMON_SECURITY_DEFAULTROOTPASSWORD",
				"valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "milvus-root-password", "key": "password"}},
			}},
		},
		"proxy": map[string]any{
			"replicas": float64(2),
			"resources": map[string]any{
				"requests": map[string]any{"cpu": "500m", "memory": "1Gi"},
				"limits":   map[string]any{"cpu": "1", "memory": "2Gi"},
			},
			"topologySpreadConstraints": spread("proxy"),
		},
		"queryNode": map[string]any{
			"replicas":                  float64(3),
			"resources":                 map[string]any{"requests": map[string]any{"cpu": "1", "memory": "4Gi"}},
			"topologySpreadConstraints": spread("querynode"),
		},
		// One replica: nothing to spread.
		"dataNode":      map[string]any{"replicas": float64(1), "resources": map[string]any{"requests": map[string]any{"cpu": "500m", "memory": "2Gi"}}},
		"streamingNode": map[string]any{"replicas": float64(1), "resources": map[string]any{"requests": map[string]any{"cpu": "500m", "memory": "2Gi"}}},
		"etcd": withEtcdSecurity(map[string]any{
			"replicaCount":          float64(3),
			"resources":             map[string]any{"requests": map[string]any{"cpu": "500m", "memory": "2Gi"}},
			"persistence":           map[string]any{"size": "20Gi", "storageClass": "gp3"},
			"podAntiAffinityPreset": "hard",
			"pdb":                   map[string]any{"create": true},
			"topologySpreadConstraints": []any{map[string]any{
				"maxSkew": float64(1), "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
				"labelSelector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "etcd", "app.kubernetes.io/instance": "milvus"}},
			}},
		}),
		"woodpecker": map[string]any{"enabled": true},
		"streaming":  map[string]any{"woodpecker": map[string]any{"embedded": true, "storage": map[string]any{"type": "minio"}}},
		"pulsarv3":   map[string]any{"enabled": false},
		// Every Milvus component keeps the image's root user, with nothing
		// more (security.go).
		"securityContext": map[string]any{"seccompProfile": map[string]any{"type": "RuntimeDefault"}},
		"containerSecurityContext": map[string]any{
			"allowPrivilegeEscalation": false,
			"capabilities":             map[string]any{"drop": []any{"ALL"}},
		},
	}, got)
}

// withEtcdSecurity adds to etcd's values what every stack gives it: user
// 1001, no capability, a read-only root with its two scratch directories
// writable, and a liveness probe of its client port.
func withEtcdSecurity(etcd map[string]any) map[string]any {
	etcd["containerSecurityContext"] = map[string]any{
		"enabled":                  true,
		"allowPrivilegeEscalation": false,
		"capabilities":             map[string]any{"drop": []any{"ALL"}},
		"readOnlyRootFilesystem":   true,
		"runAsUser":                float64(1001),
		"runAsNonRoot":             true,
		"seccompProfile":           map[string]any{"type": "RuntimeDefault"},
	}
	etcd["extraVolumes"] = []any{map[string]any{"name": "empty-dir", "emptyDir": map[string]any{}}}
	etcd["extraVolumeMounts"] = []any{
		map[string]any{"name": "empty-dir", "mountPath": "/tmp", "subPath": "tmp-dir"},
		map[string]any{"name": "empty-dir", "mountPath": "/opt/bitnami/etcd/conf", "subPath": "app-conf-dir"},
	}
	etcd["customLivenessProbe"] = map[string]any{
		"tcpSocket":           map[string]any{"port": "client"},
		"initialDelaySeconds": float64(60), "periodSeconds": float64(30), "timeoutSeconds": float64(5), "failureThreshold": float64(5),
	}
	// A listener serving /metrics alone, for a collector kept off the
	// client port.
	etcd["extraEnvVars"] = []any{map[string]any{"name": "ETCD_LISTEN_METRICS_URLS", "value": "http://0.0.0.0:2381"}}
	return etcd
}

// spread is the zone spread of a Milvus component of the release "milvus".
func spread(component string) []any {
	return []any{map[string]any{
		"maxSkew": float64(1), "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
		"labelSelector": map[string]any{"matchLabels": map[string]any{
			"app.kubernetes.io/name": "milvus", "app.kubernetes.io/instance": "milvus", "component": component,
		}},
	}}
}

// A small stack spreads nothing, keeps etcd's anti-affinity soft and
// creates no disruption budget for its one member; its volume takes the
// default StorageClass.
func TestBuildWithoutSpread(t *testing.T) {
	got := Build(settings()).Map()
	for _, workload := range []string{"mixCoordinator", "proxy", "queryNode", "dataNode", "streamingNode"} {
		assert.NotContains(t, got[workload], "topologySpreadConstraints", workload)
	}
	assert.Equal(t, withEtcdSecurity(map[string]any{
		"replicaCount":          float64(1),
		"resources":             map[string]any{"requests": map[string]any{"cpu": "250m", "memory": "1Gi"}},
		"persistence":           map[string]any{"size": "10Gi"},
		"podAntiAffinityPreset": "soft",
		// One member: a budget could only block drains.
		"pdb": map[string]any{"create": false},
	}), got["etcd"])
}

// Without authentication, user.yaml says so, and no password is passed.
func TestBuildWithoutAuthentication(t *testing.T) {
	s := settings()
	s.Authentication, s.RootPasswordSecret = false, ""
	got := Build(s)
	assert.Equal(t, map[string]string{"user.yaml": "common:\n  security:\n    authorizationEnabled: false\n"}, got.ExtraConfigFiles)
	assert.Nil(t, got.MixCoordinator.ExtraEnv)
}

// A root path prefixes Milvus' objects; without one, the chart's default
// (none) holds and the key is left out.
func TestBuildRootPath(t *testing.T) {
	s := settings()
	s.RootPath = "milvus/dev"
	assert.Equal(t, "milvus/dev", Build(s).Map()["externalS3"].(map[string]any)["rootPath"])
	assert.NotContains(t, Build(settings()).Map()["externalS3"], "rootPath")
}

func TestRootPasswordSecretName(t *testing.T) {
	assert.Equal(t, "milvus-root-password", RootPasswordSecretName("milvus"))
}

func TestS3Host(t *testing.T) {
	assert.Equal(t, "s3.us-east-2.amazonaws.com", S3Host("us-east-2"))
	assert.Equal(t, "s3.cn-north-1.amazonaws.com.cn", S3Host("cn-north-1"))
}

// A workload's ephemeral storage request and limit reach its resources,
// beside CPU and memory; limits left empty stay out.
func TestResourcesCarryEphemeralStorage(t *testing.T) {
	assert.Equal(t, Resources{
		Requests: map[string]string{"cpu": "1", "memory": "4Gi", "ephemeral-storage": "10Gi"},
		Limits:   map[string]string{"memory": "8Gi", "ephemeral-storage": "50Gi"},
	}, resources(sizing.Workload{Replicas: 1, CPURequest: "1", MemoryRequest: "4Gi", MemoryLimit: "8Gi",
		EphemeralStorageRequest: "10Gi", EphemeralStorageLimit: "50Gi"}))
}

package values

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// settings are those of a stack with the program's defaults: one replica
// of each workload, authentication on, an NLB open to every address.
func settings(loadBalancer string) Settings {
	return Settings{
		Region:             "us-east-2",
		BucketName:         "milvus-bucket-abc",
		ServiceAccount:     "milvus-s3-access-sa",
		Authentication:     true,
		RootPasswordSecret: "milvus-root-password",
		LoadBalancer:       LoadBalancer{Name: loadBalancer, Scheme: "internet-facing", SourceRanges: []string{"0.0.0.0/0"}},
		Coordinator:        Size{Replicas: 1},
		Proxy:              Size{Replicas: 1},
	}
}

func TestBuildProd(t *testing.T) {
	s := settings("milvus-prod")
	s.Coordinator = Size{Replicas: 2, Limits: Quantities{CPU: "2", Memory: "4Gi"}}
	s.CoordinatorActiveStandby = true
	s.Proxy = Size{Replicas: 2, Requests: Quantities{CPU: "500m"}, Limits: Quantities{CPU: "1", Memory: "2Gi"}}

	got := Build(s).Map()

	assert.Equal(t, map[string]any{
		"cluster":          map[string]any{"enabled": true},
		"extraConfigFiles": map[string]any{"user.yaml": "common:\n  security:\n    authorizationEnabled: true\n"},
		"service": map[string]any{
			"type":                     "LoadBalancer",
			"port":                     float64(19530),
			"loadBalancerSourceRanges": []any{"0.0.0.0/0"},
			"annotations": map[string]any{
				"service.beta.kubernetes.io/aws-load-balancer-type":            "external",
				"service.beta.kubernetes.io/aws-load-balancer-name":            "milvus-prod",
				"service.beta.kubernetes.io/aws-load-balancer-scheme":          "internet-facing",
				"service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
			},
		},
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
			"resources":     map[string]any{"limits": map[string]any{"cpu": "2", "memory": "4Gi"}},
			"extraEnv": []any{map[string]any{
				"name":      "COMMON_SECURITY_DEFAULTROOTPASSWORD",
				"valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "milvus-root-password", "key": "password"}},
			}},
		},
		"proxy": map[string]any{
			"replicas": float64(2),
			"resources": map[string]any{
				"requests": map[string]any{"cpu": "500m"},
				"limits":   map[string]any{"cpu": "1", "memory": "2Gi"},
			},
		},
	}, got)
}

func TestBuildWithoutResourcesLeavesThemEmpty(t *testing.T) {
	s := settings("milvus-dev")
	s.Authentication, s.RootPasswordSecret = false, ""
	got := Build(s).Map()
	assert.Equal(t, map[string]any{
		"replicas":      float64(1),
		"activeStandby": map[string]any{"enabled": false},
		"resources":     map[string]any{},
	}, got["mixCoordinator"])
}

// Without authentication, user.yaml says so, and no password is passed.
func TestBuildWithoutAuthentication(t *testing.T) {
	s := settings("milvus-dev")
	s.Authentication, s.RootPasswordSecret = false, ""
	s.LoadBalancer.Scheme = "internal"
	s.LoadBalancer.SourceRanges = []string{"10.0.0.0/16"}
	got := Build(s)
	assert.Equal(t, map[string]string{"user.yaml": "common:\n  security:\n    authorizationEnabled: false\n"}, got.ExtraConfigFiles)
	assert.Nil(t, got.MixCoordinator.ExtraEnv)
	assert.Equal(t, []string{"10.0.0.0/16"}, got.Service.LoadBalancerSourceRanges)
}

func TestBuildInternalScheme(t *testing.T) {
	s := settings("milvus-dev")
	s.LoadBalancer = LoadBalancer{Name: "milvus-dev", Scheme: "internal"}
	annotations := Build(s).Service.Annotations
	assert.Equal(t, "internal", annotations[AnnotationScheme])
	assert.Equal(t, "milvus-dev", annotations[AnnotationLoadBalancerName])
}

// A root path prefixes Milvus' objects; without one, the chart's default
// (none) holds and the key is left out.
func TestBuildRootPath(t *testing.T) {
	s := settings("milvus-dev")
	s.RootPath = "milvus/dev"
	assert.Equal(t, "milvus/dev", Build(s).Map()["externalS3"].(map[string]any)["rootPath"])
	assert.NotContains(t, Build(settings("milvus-dev")).Map()["externalS3"], "rootPath")
}

func TestRootPasswordSecretName(t *testing.T) {
	assert.Equal(t, "milvus-root-password", RootPasswordSecretName("milvus"))
}

func TestS3Host(t *testing.T) {
	assert.Equal(t, "s3.us-east-2.amazonaws.com", S3Host("us-east-2"))
	assert.Equal(t, "s3.cn-north-1.amazonaws.com.cn", S3Host("cn-north-1"))
}

func TestServiceName(t *testing.T) {
	tests := map[string]string{
		"milvus":      "milvus",
		"milvus-demo": "milvus-demo",
		"vdb":         "vdb-milvus",
		// Long names are cut to 63 characters, and a hyphen left at the end goes.
		"a-release-name-that-is-long-enough-to-be-cut-by-the-chart":      "a-release-name-that-is-long-enough-to-be-cut-by-the-chart-milvu",
		"a-release-name-that-is-long-enough-to-be-cut-by-the-chartx":     "a-release-name-that-is-long-enough-to-be-cut-by-the-chartx-milv",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij-":  "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij--m",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijab": "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijab",
	}
	for release, want := range tests {
		assert.Equal(t, want, ServiceName(release), release)
	}
}

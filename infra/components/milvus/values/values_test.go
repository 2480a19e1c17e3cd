package values

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/milvus-eks/milvus-eks/infra/config"
)

func TestBuildProd(t *testing.T) {
	m := config.Defaults("prod").Milvus
	m.MixCoordinator = config.Coordinator{Workload: config.Workload{Replicas: 2, Resources: config.Resources{Limits: config.ResourceList{CPU: "2", Memory: "4Gi"}}}, ActiveStandby: true}
	m.Proxy = config.Workload{Replicas: 2, Resources: config.Resources{
		Requests: config.ResourceList{CPU: "500m"},
		Limits:   config.ResourceList{CPU: "1", Memory: "2Gi"},
	}}

	got := Build(m, "us-east-2", "milvus-bucket-abc", "milvus-root-password").Map()

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
	m := config.Defaults("dev").Milvus
	m.Authentication.Enabled = false
	got := Build(m, "eu-west-1", "b", "").Map()
	assert.Equal(t, map[string]any{
		"replicas":      float64(1),
		"activeStandby": map[string]any{"enabled": false},
		"resources":     map[string]any{},
	}, got["mixCoordinator"])
}

// Without authentication, user.yaml says so, and no password is passed.
func TestBuildWithoutAuthentication(t *testing.T) {
	m := config.Defaults("dev").Milvus
	m.Authentication.Enabled = false
	m.LoadBalancer.Scheme = config.SchemeInternal
	m.LoadBalancer.SourceRanges = []string{"10.0.0.0/16"}
	got := Build(m, "us-east-2", "b", "")
	assert.Equal(t, map[string]string{"user.yaml": "common:\n  security:\n    authorizationEnabled: false\n"}, got.ExtraConfigFiles)
	assert.Nil(t, got.MixCoordinator.ExtraEnv)
	assert.Equal(t, []string{"10.0.0.0/16"}, got.Service.LoadBalancerSourceRanges)
}

func TestBuildInternalScheme(t *testing.T) {
	m := config.Defaults("dev").Milvus
	m.LoadBalancer = config.LoadBalancer{Name: "milvus-dev", Scheme: config.SchemeInternal}
	annotations := Build(m, "us-east-2", "b", "milvus-root-password").Service.Annotations
	assert.Equal(t, "internal", annotations[AnnotationScheme])
	assert.Equal(t, "milvus-dev", annotations[AnnotationLoadBalancerName])
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

package controllervalues

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBuild(t *testing.T) {
	got := Build("milvus-prod", "us-east-2", "vpc-0123456789abcdef0", "arn:aws:iam::000000000000:role/lbc").Map()
	assert.Equal(t, map[string]any{
		"clusterName": "milvus-prod",
		"region":      "us-east-2",
		"vpcId":       "vpc-0123456789abcdef0",
		"serviceAccount": map[string]any{
			"create":      true,
			"name":        "aws-load-balancer-controller",
			"annotations": map[string]any{"eks.amazonaws.com/role-arn": "arn:aws:iam::000000000000:role/lbc"},
		},
		"replicaCount": float64(2),
		"resources": map[string]any{
			"requests": map[string]any{"cpu": "100m", "memory": "128Mi", "ephemeral-storage": "256Mi"},
			"limits":   map[string]any{"cpu": "200m", "memory": "256Mi", "ephemeral-storage": "1Gi"},
		},
		// Two replicas: one may go at a time.
		"podDisruptionBudget": map[string]any{"maxUnavailable": float64(1)},
		"securityContext": map[string]any{
			"readOnlyRootFilesystem": true, "runAsNonRoot": true, "runAsUser": float64(65532), "runAsGroup": float64(65532),
			"allowPrivilegeEscalation": false, "capabilities": map[string]any{"drop": []any{"ALL"}},
		},
		"podSecurityContext": map[string]any{"fsGroup": float64(65534), "seccompProfile": map[string]any{"type": "RuntimeDefault"}},
	}, got)
}

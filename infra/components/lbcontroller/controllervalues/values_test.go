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
			"requests": map[string]any{"cpu": "100m", "memory": "128Mi"},
			"limits":   map[string]any{"memory": "256Mi"},
		},
	}, got)
}

package karpentervalues

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuild(t *testing.T) {
	raw, err := json.Marshal(Build("milvus-dev", "milvus-dev", "arn:aws:iam::111122223333:role/karpenter"))
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"settings": {"clusterName": "milvus-dev", "interruptionQueue": "milvus-dev"},
		"serviceAccount": {"create": true, "name": "karpenter", "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/karpenter"}},
		"replicas": 2,
		"nodeSelector": {"kubernetes.io/os": "linux", "milvus-eks/pool": "system"},
		"controller": {"resources": {"requests": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "256Mi"}, "limits": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "1Gi"}}, "metrics": {"port": 8080}}
	}`, string(raw))
}

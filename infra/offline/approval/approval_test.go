package approval

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDifferences(t *testing.T) {
	approved := []Step{
		{Op: "same", URN: "urn:a"},
		{Op: "update", URN: "urn:release", Inputs: map[string]any{"values": map[string]any{"proxy": map[string]any{"replicas": 3}}}},
		{Op: "create", URN: "urn:record", Inputs: map[string]any{"name": "milvus.example.com"}},
		{Op: "read", URN: "urn:platform"},
	}
	assert.Empty(t, Differences(approved, approved))
	// Inputs read back from the saved file compare equal to the engine's.
	assert.Empty(t, Differences(approved, []Step{
		{Op: "create", URN: "urn:record", Inputs: map[string]any{"name": "milvus.example.com"}},
		{Op: "update", URN: "urn:release", Inputs: map[string]any{"values": map[string]any{"proxy": map[string]any{"replicas": 3.0}}}},
	}), "no change is still no change, in any order")

	assert.Equal(t, []string{
		"urn:a: delete, which was not approved",
		"urn:record: create was approved and is no longer planned",
		"urn:release: replace, where update was approved",
	}, Differences(approved, []Step{
		{Op: "delete", URN: "urn:a"},
		{Op: "replace", URN: "urn:release", Inputs: map[string]any{"values": map[string]any{"proxy": map[string]any{"replicas": 3}}}},
	}))
	assert.Equal(t, []string{"urn:release: update with other inputs than approved"}, Differences(approved, []Step{
		{Op: "update", URN: "urn:release", Inputs: map[string]any{"values": map[string]any{"proxy": map[string]any{"replicas": 4}}}},
		{Op: "create", URN: "urn:record", Inputs: map[string]any{"name": "milvus.example.com"}},
	}))
}

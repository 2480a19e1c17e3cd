package workloads

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// releaseRenderer renders a plan's release with other values.
func releaseRenderer(release Resource) Renderer {
	return func(values map[string]any) ([]Object, error) {
		changed := release
		changed.Inputs = map[string]any{}
		for k, v := range release.Inputs {
			changed.Inputs[k] = v
		}
		changed.Inputs["values"] = values
		return Render(changed)
	}
}

// Every value the program gives a chart changes what the chart renders: no
// key is misspelt, or dead in the vendored chart's version.
func TestEveryValueTheProgramSetsIsRead(t *testing.T) {
	for _, name := range snapshots {
		s, err := ReadSnapshot(name)
		require.NoError(t, err)
		for _, release := range s.Releases() {
			values, _ := release.Inputs["values"].(map[string]any)
			dead, err := DeadValues(releaseRenderer(release), values)
			require.NoError(t, err)
			assert.Empty(t, dead, "%s: release %s: values the chart does not read", name, release.Name)
		}
	}
}

// A misspelt key among good ones is found, alone.
func TestAMisspeltValueIsFound(t *testing.T) {
	s, err := ReadSnapshot("dev")
	require.NoError(t, err)
	release, ok := s.Release("milvus")
	require.True(t, ok)
	values := deepCopy(release.Inputs["values"]).(map[string]any)
	values["proxy"].(map[string]any)["replcas"] = 2.0
	values["queryNode"] = map[string]any{"replicas": 1.0}
	dead, err := DeadValues(releaseRenderer(release), values)
	require.NoError(t, err)
	assert.Equal(t, []string{"proxy.replcas"}, dead)
}

package helmvalues

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMapUsesTheJSONKeys(t *testing.T) {
	type section struct {
		Enabled bool              `json:"enabled"`
		Labels  map[string]string `json:"labels,omitempty"`
	}
	got := Map(struct {
		Name     string  `json:"name"`
		Replicas int     `json:"replicas"`
		Section  section `json:"section"`
	}{"x", 2, section{Enabled: true}})
	assert.Equal(t, map[string]any{"name": "x", "replicas": float64(2), "section": map[string]any{"enabled": true}}, got)
}

func TestMapPanicsOnWhatIsNotAnObject(t *testing.T) {
	assert.Panics(t, func() { Map([]string{"a"}) })
}

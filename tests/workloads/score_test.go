package workloads

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kube-score passes every plan's objects, charts and program together, but
// for the findings the exceptions file excuses, each with its reason; and
// every exception still excuses something.
func TestKubeScore(t *testing.T) {
	exceptions, err := ReadExceptions(ExceptionsFile)
	require.NoError(t, err)
	used := map[int]bool{}
	for _, name := range snapshots {
		objects := deploy(t, name).objects
		for _, o := range objects {
			for key := range stringMap(o.Get("metadata", "annotations")) {
				assert.NotContains(t, key, "kube-score/", "%s: %s: exceptions belong in %s, not in annotations", name, o.ID(), ExceptionsFile)
			}
		}
		findings, err := Score(objects)
		require.NoError(t, err)
		unexcused := Unexcused(findings, exceptions, used)
		for _, f := range unexcused {
			t.Errorf("%s: %s", name, f)
		}
		t.Logf("%s: %d critical findings, %d of them excused", name, len(findings), len(findings)-len(unexcused))
	}
	for i, e := range exceptions {
		assert.True(t, used[i], "%s: exception %d (%s on %s) excuses nothing any more: remove it", ExceptionsFile, i+1, e.Check, strings.Join(e.Objects, ", "))
	}
}

// A container without requests or limits is a critical finding no
// exception excuses.
func TestKubeScoreFindsAContainerWithoutRequests(t *testing.T) {
	exceptions, err := ReadExceptions(ExceptionsFile)
	require.NoError(t, err)
	d := deploy(t, "dev")
	var proxy Object
	for _, o := range d.objects {
		if o.Kind == "Deployment" && o.PodLabels()["component"] == "proxy" {
			proxy = o
		}
	}
	require.NotEmpty(t, proxy.Name)
	seeded := deepCopy(proxy.Body).(map[string]any)
	containers := seeded["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)
	delete(containers[0].(map[string]any), "resources")
	var objects []Object
	for _, o := range d.objects {
		if o.ID() == proxy.ID() {
			o = objectOf(seeded, o.Source)
		}
		objects = append(objects, o)
	}
	findings, err := Score(objects)
	require.NoError(t, err)
	var unexcused []string
	for _, f := range Unexcused(findings, exceptions, map[int]bool{}) {
		unexcused = append(unexcused, f.Object+" "+f.Check)
	}
	assert.Contains(t, unexcused, "Deployment/milvus/"+proxy.Name+" container-resources")
}

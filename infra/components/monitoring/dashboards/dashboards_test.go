package dashboards

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/metricnames"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/promtool"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/scrapeconfig"
)

// Every series a dashboard queries is one its source exports at the
// pinned versions (metricnames), and for the nodes', one the collector
// keeps: a dashboard that shows nothing is the failure this guards.
func TestDashboardsQueryKnownMetrics(t *testing.T) {
	nodes := append(append([]string{}, scrapeconfig.KubeletMetrics...), scrapeconfig.CadvisorMetrics...)
	for file, d := range All() {
		for _, expr := range d.Exprs() {
			series := metricnames.Series(expr)
			assert.NotEmpty(t, series, "%s: %s", file, expr)
			for _, s := range series {
				assert.True(t, metricnames.Known(s, nodes), "%s queries %s, which nothing listed exports: %s", file, s, expr)
			}
		}
	}
}

// Every job a dashboard selects is one the collector runs.
func TestDashboardsSelectJobsTheCollectorRuns(t *testing.T) {
	jobs := map[string]bool{}
	for _, j := range scrapeconfig.Of(scrapeconfig.Settings{Karpenter: &scrapeconfig.Target{}}).ScrapeConfigs {
		jobs[j.JobName] = true
	}
	for file, d := range All() {
		for _, expr := range d.Exprs() {
			for _, job := range jobSelector.FindAllStringSubmatch(expr, -1) {
				assert.True(t, jobs[job[1]], "%s selects job %q: %s", file, job[1], expr)
			}
		}
	}
}

// Each dashboard is valid JSON with unique panel ids, one data source
// variable, and panels that do not overlap.
func TestDashboardsShape(t *testing.T) {
	for file, d := range All() {
		var back map[string]any
		require.NoError(t, json.Unmarshal([]byte(d.JSON()), &back), file)
		ids, cells := map[int]bool{}, map[[2]int]bool{}
		for _, p := range d.Panels {
			assert.False(t, ids[p.ID], "%s: panel id %d twice", file, p.ID)
			ids[p.ID] = true
			cell := [2]int{p.GridPos.X, p.GridPos.Y}
			assert.False(t, cells[cell], "%s: two panels at %v", file, cell)
			cells[cell] = true
			assert.Equal(t, "${datasource}", p.Datasource.UID, file)
			assert.NotEmpty(t, p.FieldConfig.Defaults.Unit, "%s: %s has no unit", file, p.Title)
		}
		assert.Equal(t, "datasource", d.Templating.List[0].Type, file)
	}
}

// Every query parses as PromQL: promtool checks them as recording rules,
// with the variables given values.
func TestDashboardQueriesParse(t *testing.T) {
	type rule struct {
		Record string `json:"record"`
		Expr   string `json:"expr"`
	}
	var rules []rule
	values := strings.NewReplacer("$cluster", "milvus-prod", "$namespace", "milvus")
	for _, file := range []string{"milvus.json", "overview.json"} {
		for i, expr := range All()[file].Exprs() {
			rules = append(rules, rule{Record: fmt.Sprintf("dashboard:%s:%d", strings.TrimSuffix(file, ".json"), i), Expr: values.Replace(expr)})
		}
	}
	raw, err := yaml.Marshal(map[string]any{"groups": []any{map[string]any{"name": "dashboards", "rules": rules}}})
	require.NoError(t, err)
	out, err := promtool.Run(t, map[string][]byte{"dashboards.yaml": raw}, "check", "rules", "dashboards.yaml")
	assert.NoError(t, err, "%s", out)
}

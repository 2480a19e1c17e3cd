// Package dashboards holds the stack's Grafana dashboards, typed: Milvus'
// own (requests, latencies, object storage, query nodes, quotas) on the
// metrics Milvus 2.6.15 exports, and an overview of the stack (targets,
// memory against limits, restarts, volumes, etcd, backups). `go generate`
// writes them to docs/dashboards as the JSON Grafana imports; each takes
// the AMP workspace as its Prometheus data source (docs/runbook.md,
// "Dashboards").
package dashboards

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// Dashboard is a Grafana dashboard, of the fields these use.
type Dashboard struct {
	UID           string     `json:"uid"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	Tags          []string   `json:"tags"`
	SchemaVersion int        `json:"schemaVersion"`
	Editable      bool       `json:"editable"`
	Refresh       string     `json:"refresh"`
	Time          TimeRange  `json:"time"`
	Templating    Templating `json:"templating"`
	Panels        []Panel    `json:"panels"`
}

// TimeRange is the dashboard's default range.
type TimeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Templating holds the dashboard's variables.
type Templating struct {
	List []Variable `json:"list"`
}

// Variable is a dashboard variable: the data source, or a label's values.
type Variable struct {
	Name       string      `json:"name"`
	Label      string      `json:"label"`
	Type       string      `json:"type"`
	Query      string      `json:"query"`
	Datasource *Datasource `json:"datasource,omitempty"`
	Refresh    int         `json:"refresh,omitempty"`
}

// Datasource names the Prometheus data source, through the variable.
type Datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// Panel is one time series panel.
type Panel struct {
	ID          int         `json:"id"`
	Type        string      `json:"type"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	GridPos     GridPos     `json:"gridPos"`
	Datasource  Datasource  `json:"datasource"`
	FieldConfig FieldConfig `json:"fieldConfig"`
	Targets     []Target    `json:"targets"`
}

// GridPos places a panel on Grafana's 24-column grid.
type GridPos struct {
	H int `json:"h"`
	W int `json:"w"`
	X int `json:"x"`
	Y int `json:"y"`
}

// FieldConfig sets a panel's unit.
type FieldConfig struct {
	Defaults FieldDefaults `json:"defaults"`
}

// FieldDefaults holds the unit, one of Grafana's unit ids.
type FieldDefaults struct {
	Unit string `json:"unit"`
}

// Target is one query.
type Target struct {
	RefID        string `json:"refId"`
	Expr         string `json:"expr"`
	LegendFormat string `json:"legendFormat"`
}

// prometheus is the data source every panel and variable uses.
var prometheus = Datasource{Type: "prometheus", UID: "${datasource}"}

// variables choose the data source (the workspace), the cluster (the
// collector's external label) and Milvus' namespace.
func variables() Templating {
	return Templating{List: []Variable{
		{Name: "datasource", Label: "Data source", Type: "datasource", Query: "prometheus"},
		{Name: "cluster", Label: "Cluster", Type: "query", Datasource: &prometheus, Refresh: 2, Query: `label_values(up{job="milvus"}, cluster)`},
		{Name: "namespace", Label: "Namespace", Type: "query", Datasource: &prometheus, Refresh: 2, Query: `label_values(up{job="milvus",cluster="$cluster"}, namespace)`},
	}}
}

// query is one panel's content before it is placed.
type query struct {
	title, unit, description string
	targets                  []Target
}

func one(expr, legend string) []Target {
	return []Target{{RefID: "A", Expr: expr, LegendFormat: legend}}
}

// dashboard lays the panels out two to a row.
func dashboard(uid, title, description string, queries []query) Dashboard {
	d := Dashboard{
		UID: uid, Title: title, Description: description, Tags: []string{"milvus", "milvus-eks"},
		SchemaVersion: 39, Editable: true, Refresh: "1m", Time: TimeRange{From: "now-6h", To: "now"},
		Templating: variables(),
	}
	for i, q := range queries {
		d.Panels = append(d.Panels, Panel{
			ID: i + 1, Type: "timeseries", Title: q.title, Description: q.description,
			GridPos:    GridPos{H: 8, W: 12, X: (i % 2) * 12, Y: (i / 2) * 8},
			Datasource: prometheus, FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: q.unit}},
			Targets: q.targets,
		})
	}
	return d
}

// All are the shipped dashboards, by file name.
func All() map[string]Dashboard {
	return map[string]Dashboard{"milvus.json": Milvus(), "overview.json": Overview()}
}

// JSON is the dashboard as Grafana imports it.
func (d Dashboard) JSON() string {
	raw, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		panic(fmt.Sprintf("dashboards: %v", err)) // plain structs always marshal
	}
	return string(raw) + "\n"
}

// Exprs are every query of the dashboard, and the series its variables
// read their values from.
func (d Dashboard) Exprs() []string {
	var out []string
	for _, v := range d.Templating.List {
		if m := labelValues.FindStringSubmatch(v.Query); m != nil {
			out = append(out, m[1])
		}
	}
	for _, p := range d.Panels {
		for _, t := range p.Targets {
			out = append(out, t.Expr)
		}
	}
	return out
}

var (
	jobSelector = regexp.MustCompile(`\bjob="([^"]+)"`)
	// labelValues is Grafana's label_values(series, label).
	labelValues = regexp.MustCompile(`^label_values\((.+),\s*[a-zA-Z_]+\)$`)
)

package alertrules

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/metricnames"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/promtool"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/scrapeconfig"
)

var prod = Settings{Namespace: "milvus", Release: "milvus", BackupCronJob: "milvus-backup", BackupMaxAge: 48 * time.Hour, NodePools: true}

// promtool's unit-test file (prometheus' docs, "Unit testing for rules").
type testFile struct {
	RuleFiles          []string   `json:"rule_files"`
	EvaluationInterval string     `json:"evaluation_interval"`
	Tests              []ruleTest `json:"tests"`
}

type ruleTest struct {
	Name          string          `json:"name"`
	Interval      string          `json:"interval"`
	InputSeries   []series        `json:"input_series"`
	AlertRuleTest []alertRuleTest `json:"alert_rule_test"`
}

type series struct {
	Series string `json:"series"`
	Values string `json:"values"`
}

type alertRuleTest struct {
	EvalTime  string     `json:"eval_time"`
	Alertname string     `json:"alertname"`
	ExpAlerts []expAlert `json:"exp_alerts"`
}

type expAlert struct {
	ExpLabels      map[string]string `json:"exp_labels"`
	ExpAnnotations map[string]string `json:"exp_annotations"`
}

// alertCase is one alert's input that makes it fire, with the labels it
// then carries beside its severity, and an input that keeps it quiet.
type alertCase struct {
	alert         string
	interval, at  string
	firing, quiet []series
	labels        map[string]string
}

var cases = []alertCase{
	{alert: "MilvusProxiesDown", interval: "1m", at: "10m",
		firing: []series{{`up{job="milvus",namespace="milvus",component="proxy",pod="milvus-proxy-0"}`, "0x15"}},
		quiet:  []series{{`up{job="milvus",namespace="milvus",component="proxy",pod="milvus-proxy-0"}`, "1x15"}}},
	{alert: "MilvusObjectStorageErrors", interval: "1m", at: "20m",
		firing: []series{{`milvus_storage_op_count{job="milvus",namespace="milvus",pod="milvus-datanode-0",component="datanode",node_id="7",persistent_data_op_type="put",status="fail"}`, "0+3x30"}},
		quiet:  []series{{`milvus_storage_op_count{job="milvus",namespace="milvus",pod="milvus-datanode-0",component="datanode",node_id="7",persistent_data_op_type="put",status="fail"}`, "2x30"}},
		labels: map[string]string{"persistent_data_op_type": "put"}},
	{alert: "MilvusWALBehind", interval: "1m", at: "15m",
		firing: []series{{`milvus_querynode_consume_tt_lag_ms{job="milvus",namespace="milvus",pod="milvus-querynode-0",component="querynode",node_id="9",msg_type="insert",collection_id="1"}`, "90000x20"}},
		quiet:  []series{{`milvus_querynode_consume_tt_lag_ms{job="milvus",namespace="milvus",pod="milvus-querynode-0",component="querynode",node_id="9",msg_type="insert",collection_id="1"}`, "200x20"}},
		labels: map[string]string{"pod": "milvus-querynode-0"}},
	{alert: "MilvusNodeNearMemoryLimit", interval: "1m", at: "15m",
		firing: []series{
			{`container_memory_working_set_bytes{job="cadvisor",namespace="milvus",pod="milvus-querynode-0",container="querynode"}`, "950x20"},
			{`kube_pod_container_resource_limits{job="kube-state-metrics",namespace="milvus",pod="milvus-querynode-0",container="querynode",resource="memory"}`, "1000x20"}},
		quiet: []series{
			{`container_memory_working_set_bytes{job="cadvisor",namespace="milvus",pod="milvus-querynode-0",container="querynode"}`, "800x20"},
			{`kube_pod_container_resource_limits{job="kube-state-metrics",namespace="milvus",pod="milvus-querynode-0",container="querynode",resource="memory"}`, "1000x20"}},
		labels: map[string]string{"pod": "milvus-querynode-0"}},
	{alert: "MilvusNodeRestarting", interval: "1m", at: "10m",
		firing: []series{{`kube_pod_container_status_restarts_total{job="kube-state-metrics",namespace="milvus",pod="milvus-streamingnode-0",container="streamingnode"}`, "0x5 1x10"}},
		quiet:  []series{{`kube_pod_container_status_restarts_total{job="kube-state-metrics",namespace="milvus",pod="milvus-streamingnode-0",container="streamingnode"}`, "3x15"}},
		labels: map[string]string{"job": "kube-state-metrics", "namespace": "milvus", "pod": "milvus-streamingnode-0", "container": "streamingnode"}},
	// Pending for 20 minutes fires; pending for 10, then scheduled, not.
	{alert: "MilvusPodsPending", interval: "1m", at: "20m",
		firing: []series{{`kube_pod_status_phase{job="kube-state-metrics",namespace="milvus",pod="milvus-querynode-1",phase="Pending"}`, "1x25"}},
		quiet:  []series{{`kube_pod_status_phase{job="kube-state-metrics",namespace="milvus",pod="milvus-querynode-1",phase="Pending"}`, "1x10 0x15"}},
		labels: map[string]string{"job": "kube-state-metrics", "namespace": "milvus", "pod": "milvus-querynode-1", "phase": "Pending"}},
	// 44 of the core pool's 48 vCPUs for 20 minutes fires; 40 does not.
	{alert: "NodePoolNearLimit", interval: "1m", at: "20m",
		firing: []series{
			{`karpenter_nodepools_usage{job="karpenter",namespace="kube-system",pod="karpenter-0",nodepool="milvus-core",resource_type="cpu"}`, "44x25"},
			{`karpenter_nodepools_limit{job="karpenter",namespace="kube-system",pod="karpenter-0",nodepool="milvus-core",resource_type="cpu"}`, "48x25"}},
		quiet: []series{
			{`karpenter_nodepools_usage{job="karpenter",namespace="kube-system",pod="karpenter-0",nodepool="milvus-core",resource_type="cpu"}`, "40x25"},
			{`karpenter_nodepools_limit{job="karpenter",namespace="kube-system",pod="karpenter-0",nodepool="milvus-core",resource_type="cpu"}`, "48x25"}},
		labels: map[string]string{"nodepool": "milvus-core", "resource_type": "cpu"}},
	{alert: "EtcdNoLeader", interval: "1m", at: "5m",
		firing: []series{{`etcd_server_has_leader{job="milvus-etcd",namespace="milvus",pod="milvus-etcd-0"}`, "0x10"}},
		quiet:  []series{{`etcd_server_has_leader{job="milvus-etcd",namespace="milvus",pod="milvus-etcd-0"}`, "1x10"}},
		labels: map[string]string{"job": "milvus-etcd", "namespace": "milvus", "pod": "milvus-etcd-0"}},
	// Two of three members gone (their pods pending: no target) loses the
	// quorum; one down does not.
	{alert: "EtcdQuorumAtRisk", interval: "1m", at: "10m",
		firing: []series{
			{`up{job="milvus-etcd",namespace="milvus",pod="milvus-etcd-0"}`, "1x15"},
			{`kube_statefulset_replicas{job="kube-state-metrics",namespace="milvus",statefulset="milvus-etcd"}`, "3x15"}},
		quiet: []series{
			{`up{job="milvus-etcd",namespace="milvus",pod="milvus-etcd-0"}`, "1x15"},
			{`up{job="milvus-etcd",namespace="milvus",pod="milvus-etcd-1"}`, "1x15"},
			{`up{job="milvus-etcd",namespace="milvus",pod="milvus-etcd-2"}`, "0x15"},
			{`kube_statefulset_replicas{job="kube-state-metrics",namespace="milvus",statefulset="milvus-etcd"}`, "3x15"}}},
	{alert: "VolumeNearFull", interval: "1m", at: "15m",
		firing: []series{
			{`kubelet_volume_stats_used_bytes{job="kubelet",namespace="milvus",persistentvolumeclaim="data-milvus-etcd-0"}`, "90x20"},
			{`kubelet_volume_stats_capacity_bytes{job="kubelet",namespace="milvus",persistentvolumeclaim="data-milvus-etcd-0"}`, "100x20"}},
		quiet: []series{
			{`kubelet_volume_stats_used_bytes{job="kubelet",namespace="milvus",persistentvolumeclaim="data-milvus-etcd-0"}`, "50x20"},
			{`kubelet_volume_stats_capacity_bytes{job="kubelet",namespace="milvus",persistentvolumeclaim="data-milvus-etcd-0"}`, "100x20"}},
		labels: map[string]string{"job": "kubelet", "namespace": "milvus", "persistentvolumeclaim": "data-milvus-etcd-0"}},
	{alert: "ScraperNotReporting", interval: "1m", at: "15m",
		firing: []series{{`up{job="milvus-etcd",namespace="milvus",pod="milvus-etcd-0"}`, "1x20"}},
		quiet:  []series{{`up{job="milvus",namespace="milvus",component="proxy",pod="milvus-proxy-0"}`, "1x20"}},
		labels: map[string]string{"job": "milvus"}},
	// The last success stays at the epoch for 50 hours; or follows the
	// clock.
	{alert: "BackupStale", interval: "1h", at: "50h",
		firing: []series{{`kube_cronjob_status_last_successful_time{job="kube-state-metrics",namespace="milvus",cronjob="milvus-backup"}`, "0x60"}},
		quiet:  []series{{`kube_cronjob_status_last_successful_time{job="kube-state-metrics",namespace="milvus",cronjob="milvus-backup"}`, "0+3600x60"}},
		labels: map[string]string{"job": "kube-state-metrics", "namespace": "milvus", "cronjob": "milvus-backup"}},
	// A failure of a Job that started an hour ago fires; one of three days
	// ago, kept in the CronJob's history, does not.
	{alert: "BackupFailed", interval: "1m", at: "5m",
		firing: []series{
			{`kube_job_status_failed{job="kube-state-metrics",namespace="milvus",job_name="milvus-backup-29413620"}`, "1x10"},
			{`kube_job_status_start_time{job="kube-state-metrics",namespace="milvus",job_name="milvus-backup-29413620"}`, "-3600x10"}},
		quiet: []series{
			{`kube_job_status_failed{job="kube-state-metrics",namespace="milvus",job_name="milvus-backup-29413620"}`, "1x10"},
			{`kube_job_status_start_time{job="kube-state-metrics",namespace="milvus",job_name="milvus-backup-29413620"}`, "-259200x10"}},
		labels: map[string]string{"job": "kube-state-metrics", "namespace": "milvus", "job_name": "milvus-backup-29413620"}},
	// No success reported for two days fires; a success reported does not.
	{alert: "BackupMissing", interval: "1h", at: "50h",
		firing: []series{{`up{job="kube-state-metrics",namespace="milvus-kube-state-metrics",pod="kube-state-metrics-0"}`, "1x60"}},
		quiet:  []series{{`kube_cronjob_status_last_successful_time{job="kube-state-metrics",namespace="milvus",cronjob="milvus-backup"}`, "0+3600x60"}},
		labels: map[string]string{"job": "kube-state-metrics", "namespace": "milvus", "cronjob": "milvus-backup"}},
	{alert: "MetricsSourceDown", interval: "1m", at: "15m",
		firing: []series{
			{`up{job="kube-state-metrics",namespace="milvus-kube-state-metrics",pod="kube-state-metrics-0"}`, "1x20"},
			{`up{job="kubelet",node="ip-10-0-1-1"}`, "0x20"}},
		quiet: []series{
			{`up{job="kube-state-metrics",namespace="milvus-kube-state-metrics",pod="kube-state-metrics-0"}`, "1x20"},
			{`up{job="kubelet",node="ip-10-0-1-1"}`, "1x20"}},
		labels: map[string]string{"job": "kubelet", "node": "ip-10-0-1-1"}},
}

// Every alert has its cases, and nothing else does.
func TestEveryAlertHasACase(t *testing.T) {
	var named []string
	for _, c := range cases {
		named = append(named, c.alert)
	}
	assert.ElementsMatch(t, Of(prod).Alerts(), named)
	withoutBackups := prod
	withoutBackups.BackupCronJob = ""
	assert.NotContains(t, Of(withoutBackups).Alerts(), "BackupStale")
}

// promtool test rules, on prod's rules: each alert fires on its input, with
// exactly its labels and annotations, and stays quiet on the other.
func TestRulesWithPromtool(t *testing.T) {
	rules := Of(prod)
	annotations := map[string]map[string]string{}
	severities := map[string]string{}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			annotations[r.Alert], severities[r.Alert] = r.Annotations, r.Labels["severity"]
		}
	}
	file := testFile{RuleFiles: []string{"rules.yaml"}, EvaluationInterval: "1m"}
	for _, c := range cases {
		labels := map[string]string{"severity": severities[c.alert]}
		for k, v := range c.labels {
			labels[k] = v
		}
		file.Tests = append(file.Tests,
			ruleTest{Name: c.alert + " fires", Interval: c.interval, InputSeries: c.firing, AlertRuleTest: []alertRuleTest{{
				EvalTime: c.at, Alertname: c.alert, ExpAlerts: []expAlert{{ExpLabels: labels, ExpAnnotations: annotations[c.alert]}}}}},
			ruleTest{Name: c.alert + " stays quiet", Interval: c.interval, InputSeries: c.quiet, AlertRuleTest: []alertRuleTest{{
				EvalTime: c.at, Alertname: c.alert, ExpAlerts: []expAlert{}}}})
	}
	raw, err := yaml.Marshal(file)
	require.NoError(t, err)
	out, err := promtool.Run(t, map[string][]byte{"rules.yaml": []byte(rules.YAML()), "tests.yaml": raw}, "test", "rules", "tests.yaml")
	assert.NoError(t, err, "%s", out)
}

// Every metric a rule reads is one its source exports (metricnames) and,
// for the nodes', one the collector keeps.
func TestRulesReadOnlyKnownMetrics(t *testing.T) {
	nodes := append(append([]string{}, scrapeconfig.KubeletMetrics...), scrapeconfig.CadvisorMetrics...)
	for _, g := range Of(prod).Groups {
		for _, r := range g.Rules {
			names := metricnames.Series(r.Expr)
			assert.NotEmpty(t, names, r.Alert)
			for _, name := range names {
				assert.True(t, metricnames.Known(name, nodes), "%s reads %s, which no listed source exports", r.Alert, name)
			}
		}
	}
}

// The runbook says what to do for every alert.
func TestTheRunbookCoversEveryAlert(t *testing.T) {
	runbook, err := os.ReadFile("../../../../docs/runbook.md")
	require.NoError(t, err)
	for _, alert := range Of(prod).Alerts() {
		assert.Contains(t, string(runbook), "**"+alert+"**", "docs/runbook.md#alerts has no line for %s", alert)
	}
}

// The chart names a release's pods after its fullname: "<release>-milvus"
// unless the release's name holds "milvus" already.
func TestNodeAlertsFollowTheChartsPodNames(t *testing.T) {
	for release, prefix := range map[string]string{"milvus": `pod=~"milvus-(querynode`, "vectors": `pod=~"vectors-milvus-(querynode`} {
		for _, g := range Of(Settings{Namespace: "db", Release: release}).Groups {
			for _, r := range g.Rules {
				if r.Alert == "MilvusNodeNearMemoryLimit" || r.Alert == "MilvusNodeRestarting" {
					assert.Contains(t, r.Expr, prefix, "%s: %s", release, r.Alert)
				}
			}
		}
	}
}

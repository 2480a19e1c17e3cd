// Package alertrules holds the stack's alerts as Prometheus alerting rules,
// typed: the file Amazon Managed Service for Prometheus takes as a rule
// group namespace, and that `promtool test rules` checks against input
// series that fire and that stay quiet (testdata/).
//
// The series the rules read are named by the scrape configuration's
// relabelling (scrapeconfig): every target carries job, namespace and pod; Milvus'
// targets the chart's component label as component.
package alertrules

import (
	"fmt"
	"regexp"
	"slices"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/scrapeconfig"
)

// File is a Prometheus rule file.
type File struct {
	Groups []Group `json:"groups"`
}

// Group is a group of rules evaluated together.
type Group struct {
	Name  string `json:"name"`
	Rules []Rule `json:"rules"`
}

// Rule is one alerting rule. Annotations carry the runbook line.
type Rule struct {
	Alert       string            `json:"alert"`
	Expr        string            `json:"expr"`
	For         string            `json:"for,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// NamespaceName is the rule groups namespace the rules go to in the
// workspace.
const NamespaceName = "milvus"

// Settings are what the rules name of one stack.
type Settings struct {
	Namespace, Release string
	// BackupCronJob is the backup CronJob's name; empty without backups.
	BackupCronJob string
	// BackupMaxAge is how old the last successful backup may be: twice
	// the schedule's longest gap, as verify holds it.
	BackupMaxAge time.Duration
	// NodePools says Karpenter runs the stack's pools, whose use against
	// their limits the collector reads.
	NodePools bool
}

// Thresholds that are not configuration.
const (
	// memoryFraction of a container's limit: above it, the next load or
	// compaction may be killed for memory.
	memoryFraction = 0.9
	// volumeFraction of a claim: etcd and Pulsar refuse writes when full.
	volumeFraction = 0.85
	// poolFraction of a NodePool's limits: above it, the next replica may
	// find no node.
	poolFraction = 0.9
	// walLagMillis: a query node a minute behind the log serves searches
	// without the last minute's writes.
	walLagMillis = 60000
)

// severity labels route the alerts (the alert manager definition).
const (
	critical = "critical"
	warning  = "warning"
)

// Of is the rule file of one stack.
func Of(s Settings) File {
	ns := fmt.Sprintf("namespace=%q", s.Namespace)
	milvus := fmt.Sprintf(`job=%q,%s`, scrapeconfig.JobMilvus, ns)
	// The chart names its pods after its fullname, the release's name with
	// "-milvus" unless the name holds it already.
	nodes := fmt.Sprintf(`%s,pod=~"%s-(querynode|streamingnode)-.*"`, ns, milvusvalues.ChartServiceName(s.Release))
	etcdSet := fmt.Sprintf(`job=%q,%s,statefulset="%s-etcd"`, scrapeconfig.JobKubeStateMetrics, ns, s.Release)
	groups := []Group{
		{Name: "milvus", Rules: []Rule{
			{Alert: "MilvusProxiesDown", For: "5m", Labels: sev(critical),
				Expr:        fmt.Sprintf(`sum(up{%[1]s,component="proxy"}) == 0 or absent(up{%[1]s,component="proxy"})`, milvus),
				Annotations: runbook("No proxy of Milvus answers its scrape: clients cannot reach Milvus.")},
			{Alert: "MilvusNodeNearMemoryLimit", For: "10m", Labels: sev(warning),
				Expr: fmt.Sprintf(`max by (pod) (container_memory_working_set_bytes{job=%q,%s,container!=""}) / max by (pod) (kube_pod_container_resource_limits{job=%q,%s,resource="memory"}) > %g`,
					scrapeconfig.JobCadvisor, nodes, scrapeconfig.JobKubeStateMetrics, nodes, memoryFraction),
				Annotations: runbook("A query or streaming node uses over 90% of its memory limit.")},
			{Alert: "MilvusObjectStorageErrors", For: "10m", Labels: sev(critical),
				Expr:        fmt.Sprintf(`sum by (persistent_data_op_type) (rate(milvus_storage_op_count{%s,status="fail"}[5m])) > 0`, milvus),
				Annotations: runbook("Milvus' requests to S3 fail: the bucket or its policy refuses the role, or S3 is unreachable.")},
			{Alert: "MilvusWALBehind", For: "10m", Labels: sev(warning),
				Expr:        fmt.Sprintf(`max by (pod) (milvus_querynode_consume_tt_lag_ms{%s}) > %d`, milvus, walLagMillis),
				Annotations: runbook("A query node consumes the write-ahead log over a minute behind: searches miss recent writes.")},
			{Alert: "MilvusNodeRestarting", Labels: sev(warning),
				Expr:        fmt.Sprintf(`increase(kube_pod_container_status_restarts_total{job=%q,%s}[15m]) > 0`, scrapeconfig.JobKubeStateMetrics, nodes),
				Annotations: runbook("A query or streaming node restarted in the last 15 minutes.")},
			// A pod no node takes: with Karpenter, its pool at its limits
			// (the cost ceiling) or no capacity of its families in a zone.
			{Alert: "MilvusPodsPending", For: "15m", Labels: sev(warning),
				Expr:        fmt.Sprintf(`kube_pod_status_phase{job=%q,%s,phase="Pending"} == 1`, scrapeconfig.JobKubeStateMetrics, ns),
				Annotations: runbook("A pod of Milvus' namespace has waited 15 minutes for a node.")},
		}},
		{Name: "etcd", Rules: []Rule{
			{Alert: "EtcdNoLeader", For: "1m", Labels: sev(critical),
				Expr:        fmt.Sprintf(`etcd_server_has_leader{job=%q,%s} == 0`, scrapeconfig.JobEtcd, ns),
				Annotations: runbook("An etcd member has no leader: Milvus' metadata cannot change.")},
			// Against the StatefulSet's replicas, not the targets found: a
			// member whose pod is gone or pending has no target at all.
			{Alert: "EtcdQuorumAtRisk", For: "5m", Labels: sev(critical),
				Expr: fmt.Sprintf(`(sum(up{job=%[1]q,%[2]s}) or vector(0)) < floor(max(kube_statefulset_replicas{%[3]s}) / 2) + 1`,
					scrapeconfig.JobEtcd, ns, etcdSet),
				Annotations: runbook("Fewer than a majority of etcd's members answer.")},
		}},
		{Name: "volumes", Rules: []Rule{
			{Alert: "VolumeNearFull", For: "10m", Labels: sev(warning),
				Expr: fmt.Sprintf(`kubelet_volume_stats_used_bytes{job=%[1]q,%[2]s} / kubelet_volume_stats_capacity_bytes{job=%[1]q,%[2]s} > %g`,
					scrapeconfig.JobKubelet, ns, volumeFraction),
				Annotations: runbook("A volume claim of Milvus' namespace is over 85% full.")},
		}},
		{Name: "scraper", Rules: []Rule{
			{Alert: "ScraperNotReporting", For: "10m", Labels: sev(critical),
				Expr:        fmt.Sprintf(`absent(up{job=%q})`, scrapeconfig.JobMilvus),
				Annotations: runbook("The workspace has received no Milvus target for 10 minutes: the scraper or its access is broken, and every other alert is blind.")},
			// The sources the other alerts read: one that does not answer,
			// or kube-state-metrics gone, blinds them.
			{Alert: "MetricsSourceDown", For: "10m", Labels: sev(warning),
				Expr: fmt.Sprintf(`up{job=~"%s|%s|%s|%s"} == 0 or absent(up{job=%q})`,
					scrapeconfig.JobEtcd, scrapeconfig.JobKubeStateMetrics, scrapeconfig.JobKubelet, scrapeconfig.JobCadvisor, scrapeconfig.JobKubeStateMetrics),
				Annotations: runbook("A source of the alerts (etcd, kube-state-metrics, a kubelet or its cAdvisor) does not answer the collector.")},
		}},
	}
	if s.NodePools {
		karpenter := fmt.Sprintf(`job=%q,resource_type=~"cpu|memory"`, scrapeconfig.JobKarpenter)
		groups = append(groups, Group{Name: "pools", Rules: []Rule{
			{Alert: "NodePoolNearLimit", For: "15m", Labels: sev(warning),
				Expr: fmt.Sprintf(`max by (nodepool, resource_type) (karpenter_nodepools_usage{%[1]s}) / max by (nodepool, resource_type) (karpenter_nodepools_limit{%[1]s}) > %[2]g`,
					karpenter, poolFraction),
				Annotations: runbook("A Karpenter pool's nodes add up to over 90% of its CPU or memory limit: the next replica may find no node.")},
		}})
	}
	if s.BackupCronJob != "" {
		cronJob := fmt.Sprintf(`job=%q,%s`, scrapeconfig.JobKubeStateMetrics, ns)
		groups = append(groups, Group{Name: "backups", Rules: []Rule{
			{Alert: "BackupStale", Labels: sev(critical),
				Expr:        fmt.Sprintf(`time() - kube_cronjob_status_last_successful_time{%s,cronjob=%q} > %d`, cronJob, s.BackupCronJob, int(s.BackupMaxAge.Seconds())),
				Annotations: runbook(fmt.Sprintf("The last successful backup is older than %s.", s.BackupMaxAge))},
			// Not before a first success is due: a new CronJob has none.
			{Alert: "BackupMissing", For: promDuration(s.BackupMaxAge), Labels: sev(critical),
				Expr:        fmt.Sprintf(`absent(kube_cronjob_status_last_successful_time{%s,cronjob=%q})`, cronJob, s.BackupCronJob),
				Annotations: runbook(fmt.Sprintf("No backup has succeeded for %s, or kube-state-metrics does not report the CronJob.", s.BackupMaxAge))},
			// Only Jobs that started within the backups' allowed age: the
			// CronJob keeps its last failed Jobs long after a success.
			{Alert: "BackupFailed", Labels: sev(warning),
				Expr: fmt.Sprintf(`kube_job_status_failed{%[1]s,job_name=~"%[2]s-.*"} > 0 and on (namespace, job_name) (time() - kube_job_status_start_time{%[1]s,job_name=~"%[2]s-.*"} < %[3]d)`,
					cronJob, s.BackupCronJob, int(s.BackupMaxAge.Seconds())),
				Annotations: runbook("A backup Job failed; its log says why.")},
		}})
	}
	return File{Groups: groups}
}

// promDuration is a duration as a rule's for: whole hours, or minutes.
func promDuration(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dm", int(d.Minutes()))
}

func sev(s string) map[string]string { return map[string]string{"severity": s} }

// runbook is an alert's annotations: its summary, and where the runbook
// says what to do.
func runbook(summary string) map[string]string {
	return map[string]string{"summary": summary, "runbook": "docs/runbook.md#alerts"}
}

// YAML is the rule file as AMP's rule group namespace and promtool read it.
func (f File) YAML() string {
	raw, err := yaml.Marshal(f)
	if err != nil {
		panic(fmt.Sprintf("alertrules: %v", err)) // plain structs always marshal
	}
	return string(raw)
}

// Alerts are the alerts' names, for the runbook's check.
func (f File) Alerts() []string {
	var out []string
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			out = append(out, r.Alert)
		}
	}
	return out
}

// Jobs are the scrape jobs the rules select (job="..."), each once.
func Jobs(f File) []string {
	var out []string
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			for _, m := range jobSelector.FindAllStringSubmatch(r.Expr, -1) {
				if !slices.Contains(out, m[1]) {
					out = append(out, m[1])
				}
			}
		}
	}
	return out
}

var jobSelector = regexp.MustCompile(`\bjob="([^"]+)"`)

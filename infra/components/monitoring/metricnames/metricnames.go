// Package metricnames lists every metric the alert rules and the shipped
// dashboards read, with where it comes from, so that a test fails when a
// query names a series nothing exports.
//
// Milvus' names are Milvus 2.6.15's, gathered once from pkg/metrics of
// milvus-io/milvus (the files and the commits they were read at are in
// docs/research/monitoring-issue-25.md: the tag's own commit could not be
// fetched, so each file was read at a commit placed against 2.6.15 by the
// pull requests it shows). Only metrics that are older than 2.6 and still
// defined there are listed; the streaming (WAL) metrics, whose files may be
// newer than the tag, are not used.
package metricnames

import (
	"regexp"
	"strings"
)

// Kind is a Prometheus metric type.
type Kind string

const (
	Counter   Kind = "counter"
	Gauge     Kind = "gauge"
	Histogram Kind = "histogram"
)

// Milvus are Milvus' metrics in use: kind, and its labels and unit as
// pkg/metrics defines them.
var Milvus = map[string]Kind{
	// proxy_metrics.go: labels node_id, function_name, status (success,
	// fail, rejected, retry, total, abandon in 2.6.15), db_name,
	// collection_name.
	"milvus_proxy_req_count": Counter,
	// proxy_metrics.go: latencies in milliseconds (buckets 1 ms to 131 s);
	// by function_name, query_type (search, query) and msg_type (insert,
	// delete, upsert).
	"milvus_proxy_req_latency":      Histogram,
	"milvus_proxy_sq_latency":       Histogram,
	"milvus_proxy_mutation_latency": Histogram,
	// persistent_store_metrics.go: object storage requests, by
	// persistent_data_op_type (get, put, remove, list, stat) and status
	// (total, success, fail); latency in milliseconds.
	"milvus_storage_op_count":        Counter,
	"milvus_storage_request_latency": Histogram,
	// querynode_metrics.go: "now time minus tt per physical channel", in
	// milliseconds; segments and entities loaded; disk used in MB.
	"milvus_querynode_consume_tt_lag_ms": Gauge,
	"milvus_querynode_segment_num":       Gauge,
	"milvus_querynode_entity_num":        Gauge,
	"milvus_querynode_disk_used_size":    Gauge,
	// rootcoord_metrics.go: the quota states Milvus is in (memory or disk
	// protection denying writes), and how often it forced writes off.
	"milvus_rootcoord_quota_states":               Gauge,
	"milvus_rootcoord_force_deny_writing_counter": Counter,
}

// Etcd are etcd's own metrics in use (etcd's metrics documentation;
// unchanged across 3.5 and 3.6).
var Etcd = map[string]Kind{
	"etcd_server_has_leader":                Gauge,
	"etcd_server_leader_changes_seen_total": Counter,
	"etcd_mvcc_db_total_size_in_bytes":      Gauge,
	"etcd_disk_wal_fsync_duration_seconds":  Histogram,
}

// Karpenter are its controller's metrics in use (aws/karpenter-provider-aws,
// website/content/en/v1.14/reference/metrics.md at release-v1.14.1:
// labelled by nodepool and resource_type).
var Karpenter = map[string]Kind{
	"karpenter_nodepools_usage": Gauge,
	"karpenter_nodepools_limit": Gauge,
}

// KubeStateMetrics are kube-state-metrics' metrics in use (its
// docs/metrics, at v2.18.0).
var KubeStateMetrics = map[string]Kind{
	"kube_cronjob_status_last_successful_time":                Gauge,
	"kube_job_status_failed":                                  Gauge,
	"kube_job_status_start_time":                              Gauge,
	"kube_statefulset_replicas":                               Gauge,
	"kube_pod_container_status_restarts_total":                Counter,
	"kube_pod_status_phase":                                   Gauge,
	"kube_pod_container_resource_limits":                      Gauge,
	"kube_pod_container_resource_requests":                    Gauge,
	"kube_poddisruptionbudget_status_pod_disruptions_allowed": Gauge,
}

// Synthetic are the series Prometheus itself adds to every target.
var Synthetic = map[string]Kind{"up": Gauge}

// suffixes are the series a histogram is exported as.
var suffixes = []string{"_bucket", "_sum", "_count"}

// Known says whether a series name is one of a listed metric's: a listed
// name, or a listed histogram's bucket, sum or count. nodes are the
// kubelet's and cAdvisor's names the collector keeps.
func Known(series string, nodes []string) bool {
	for _, m := range []map[string]Kind{Milvus, Etcd, KubeStateMetrics, Karpenter, Synthetic} {
		if _, ok := m[series]; ok {
			return true
		}
		for _, suffix := range suffixes {
			if base, ok := strings.CutSuffix(series, suffix); ok && m[base] == Histogram {
				return true
			}
		}
	}
	for _, n := range nodes {
		if n == series {
			return true
		}
	}
	return false
}

// Series are the metric names a PromQL expression selects: identifiers
// outside label matchers, strings and ranges, that are neither functions
// nor keywords nor the labels of a by, without, on or ignoring clause.
func Series(expr string) []string {
	plain := quoted.ReplaceAllString(expr, `""`)
	plain = matchers.ReplaceAllString(plain, "{}")
	plain = ranges.ReplaceAllString(plain, "[]")
	plain = groupings.ReplaceAllString(plain, "")
	var out []string
	for _, m := range identifier.FindAllStringSubmatchIndex(plain, -1) {
		name := plain[m[2]:m[3]]
		rest := strings.TrimLeft(plain[m[3]:], " ")
		if strings.HasPrefix(rest, "(") || keywords[name] {
			continue
		}
		out = append(out, name)
	}
	return out
}

var (
	quoted     = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	matchers   = regexp.MustCompile(`\{[^}]*\}`)
	ranges     = regexp.MustCompile(`\[[^\]]*\]`)
	groupings  = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	identifier = regexp.MustCompile(`(?:^|[^a-zA-Z0-9_:.])([a-zA-Z_:][a-zA-Z0-9_:]*)`)
	keywords   = map[string]bool{"and": true, "or": true, "unless": true, "bool": true, "offset": true, "inf": true, "nan": true, "Inf": true, "NaN": true}
)

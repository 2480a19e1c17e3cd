package dashboards

import "fmt"

// sel selects a job's series of the chosen cluster and namespace.
func sel(job string, more ...string) string {
	s := fmt.Sprintf(`job=%q,cluster="$cluster",namespace="$namespace"`, job)
	for _, m := range more {
		s += "," + m
	}
	return "{" + s + "}"
}

// p99 is a histogram's 99th percentile over five minutes, by the labels.
func p99(histogram, selector, by string) string {
	return fmt.Sprintf(`histogram_quantile(0.99, sum by (le, %s) (rate(%s_bucket%s[5m])))`, by, histogram, selector)
}

// Milvus is Milvus' dashboard. Its latencies are milliseconds, as 2.6.15
// observes them (pkg/metrics; 2.6.15 added sub-millisecond buckets to
// some, not to these).
func Milvus() Dashboard {
	m := func(more ...string) string { return sel("milvus", more...) }
	return dashboard("milvus-eks-milvus", "Milvus (milvus-eks)",
		"Milvus 2.6.15 as the stack runs it: the proxies' requests and latencies, object storage, the query nodes and the write quotas.",
		[]query{
			{title: "Requests per second, by method", unit: "reqps",
				targets: one(`sum by (function_name) (rate(milvus_proxy_req_count`+m(`status="success"`)+`[5m]))`, "{{function_name}}")},
			{title: "Failed requests per second, by method and status", unit: "reqps",
				targets: one(`sum by (function_name, status) (rate(milvus_proxy_req_count`+m(`status=~"fail|rejected|abandon"`)+`[5m]))`, "{{function_name}} {{status}}")},
			{title: "Request latency p99, by method", unit: "ms",
				targets: one(p99("milvus_proxy_req_latency", m(), "function_name"), "{{function_name}}")},
			{title: "Search and query latency p99", unit: "ms",
				targets: one(p99("milvus_proxy_sq_latency", m(), "query_type"), "{{query_type}}")},
			{title: "Insert, upsert and delete latency p99", unit: "ms",
				targets: one(p99("milvus_proxy_mutation_latency", m(), "msg_type"), "{{msg_type}}")},
			{title: "Object storage requests per second", unit: "reqps", description: "S3 requests by operation; fail means S3 refused or did not answer.",
				targets: one(`sum by (persistent_data_op_type, status) (rate(milvus_storage_op_count`+m(`status!="total"`)+`[5m]))`, "{{persistent_data_op_type}} {{status}}")},
			{title: "Object storage latency p99", unit: "ms",
				targets: one(p99("milvus_storage_request_latency", m(), "persistent_data_op_type"), "{{persistent_data_op_type}}")},
			{title: "Query nodes behind the log", unit: "ms", description: "How far behind the newest write each query node consumes: searches miss what it has not consumed.",
				targets: one(`max by (pod) (milvus_querynode_consume_tt_lag_ms`+m()+`)`, "{{pod}}")},
			{title: "Segments loaded, by query node", unit: "short",
				targets: one(`sum by (pod) (milvus_querynode_segment_num`+m()+`)`, "{{pod}}")},
			{title: "Entities loaded, by query node", unit: "short",
				targets: one(`sum by (pod) (milvus_querynode_entity_num`+m()+`)`, "{{pod}}")},
			{title: "Query nodes' local disk used", unit: "decmbytes",
				targets: one(`max by (pod) (milvus_querynode_disk_used_size`+m()+`)`, "{{pod}}")},
			{title: "Write quotas in force", unit: "short", description: "Milvus denies or slows writes in these states (memory or disk protection); forced denials in the last hour.",
				targets: []Target{
					{RefID: "A", Expr: `max by (quota_states) (milvus_rootcoord_quota_states` + m() + `)`, LegendFormat: "{{quota_states}}"},
					{RefID: "B", Expr: `sum(increase(milvus_rootcoord_force_deny_writing_counter` + m() + `[1h]))`, LegendFormat: "forced denials"},
				}},
		})
}

// Overview is the stack's dashboard: whether everything answers, and what
// it uses against what it may.
func Overview() Dashboard {
	ns := `namespace="$namespace"`
	pods := sel
	return dashboard("milvus-eks-overview", "Milvus stack overview (milvus-eks)",
		"The stack around Milvus: targets the collector reads, memory and CPU against the pods' limits, restarts, pods waiting for a node, Karpenter's pools against their limits, volumes, etcd and the backups.",
		[]query{
			{title: "Targets answering, by job and component", unit: "short",
				targets: one(`sum by (job, component) (up{cluster="$cluster"})`, "{{job}} {{component}}")},
			{title: "Memory used of the limit, by pod", unit: "percentunit",
				targets: one(`max by (pod) (container_memory_working_set_bytes{job="cadvisor",cluster="$cluster",`+ns+`,container!=""}) / max by (pod) (kube_pod_container_resource_limits`+pods("kube-state-metrics", `resource="memory"`)+`)`, "{{pod}}")},
			{title: "CPU used, by pod", unit: "short",
				targets: one(`sum by (pod) (rate(container_cpu_usage_seconds_total{job="cadvisor",cluster="$cluster",`+ns+`,container!=""}[5m]))`, "{{pod}}")},
			{title: "Restarts in the last hour, by pod", unit: "short",
				targets: one(`sum by (pod) (increase(kube_pod_container_status_restarts_total`+pods("kube-state-metrics")+`[1h]))`, "{{pod}}")},
			{title: "Pods waiting for a node", unit: "short", description: "MilvusPodsPending fires when one waits 15 minutes.",
				targets: one(`sum by (pod) (kube_pod_status_phase`+pods("kube-state-metrics", `phase="Pending"`)+`)`, "{{pod}}")},
			{title: "Karpenter's pools: use of their limits", unit: "percentunit", description: "Empty without nodePools; NodePoolNearLimit fires at 90%.",
				targets: one(`max by (nodepool, resource_type) (karpenter_nodepools_usage{job="karpenter",cluster="$cluster"}) / max by (nodepool, resource_type) (karpenter_nodepools_limit{job="karpenter",cluster="$cluster"})`, "{{nodepool}} {{resource_type}}")},
			{title: "Volume claims used", unit: "percentunit",
				targets: one(`kubelet_volume_stats_used_bytes{job="kubelet",cluster="$cluster",`+ns+`} / kubelet_volume_stats_capacity_bytes{job="kubelet",cluster="$cluster",`+ns+`}`, "{{persistentvolumeclaim}}")},
			{title: "Disruptions the budgets allow", unit: "short",
				targets: one(`kube_poddisruptionbudget_status_pod_disruptions_allowed`+pods("kube-state-metrics"), "{{poddisruptionbudget}}")},
			{title: "etcd: members with a leader, leader changes in the last hour", unit: "short",
				targets: []Target{
					{RefID: "A", Expr: `sum(etcd_server_has_leader` + pods("milvus-etcd") + `)`, LegendFormat: "with a leader"},
					{RefID: "B", Expr: `sum(increase(etcd_server_leader_changes_seen_total` + pods("milvus-etcd") + `[1h]))`, LegendFormat: "leader changes"},
				}},
			{title: "etcd: database size", unit: "bytes",
				targets: one(`max by (pod) (etcd_mvcc_db_total_size_in_bytes`+pods("milvus-etcd")+`)`, "{{pod}}")},
			{title: "etcd: WAL fsync p99", unit: "s",
				targets: one(p99("etcd_disk_wal_fsync_duration_seconds", pods("milvus-etcd"), "pod"), "{{pod}}")},
			{title: "Age of the last successful backup", unit: "s", description: "Empty without backups; BackupStale fires at twice the schedule's longest gap.",
				targets: one(`time() - kube_cronjob_status_last_successful_time`+pods("kube-state-metrics"), "{{cronjob}}")},
			{title: "Failed backup Jobs", unit: "short",
				targets: one(`sum by (job_name) (kube_job_status_failed`+pods("kube-state-metrics")+`)`, "{{job_name}}")},
		})
}

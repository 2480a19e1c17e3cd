package metricnames

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSeries(t *testing.T) {
	for expr, want := range map[string][]string{
		`sum(up{job="milvus",component="proxy"}) == 0 or absent(up{job="milvus"})`:                                                   {"up", "up"},
		`max by (pod) (container_memory_working_set_bytes{container!=""}) / max by (pod) (kube_pod_container_resource_limits) > 0.9`: {"container_memory_working_set_bytes", "kube_pod_container_resource_limits"},
		`histogram_quantile(0.99, sum by (le, function_name) (rate(milvus_proxy_req_latency_bucket{job="milvus"}[5m])))`:             {"milvus_proxy_req_latency_bucket"},
		`time() - kube_cronjob_status_last_successful_time{cronjob="milvus-backup"} > 172800`:                                        {"kube_cronjob_status_last_successful_time"},
		`sum(rate(milvus_storage_op_count{status="fail"}[5m])) / ignoring(status) sum(rate(milvus_storage_op_count[5m]))`:            {"milvus_storage_op_count", "milvus_storage_op_count"},
	} {
		assert.Equal(t, want, Series(expr), expr)
	}
}

func TestKnown(t *testing.T) {
	nodes := []string{"kubelet_volume_stats_used_bytes"}
	for series, want := range map[string]bool{
		"milvus_proxy_req_count":            true,
		"milvus_proxy_req_latency_bucket":   true,
		"milvus_proxy_req_count_bucket":     false, // a counter has no buckets
		"milvus_proxy_latency":              false,
		"etcd_server_has_leader":            true,
		"kubelet_volume_stats_used_bytes":   true,
		"container_cpu_usage_seconds_total": false,
		"up":                                true,
	} {
		assert.Equal(t, want, Known(series, nodes), series)
	}
}

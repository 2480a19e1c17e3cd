package alertrules

// MilvusMetrics are the Milvus metrics the rules read, each as Milvus
// 2.6.15 defines it (pkg/metrics of milvus-io/milvus; the files and
// commits are in docs/research/monitoring-issue-25.md: the tag's own
// commit could not be fetched, so they are read at commits near it). A
// test fails when a rule names a milvus_ metric that is not here.
var MilvusMetrics = map[string]string{
	// persistent_store_metrics.go: labels persistent_data_op_type
	// (get, put, remove, list, stat) and status (total, success, fail).
	"milvus_storage_op_count": "counter",
	// querynode_metrics.go: "now time minus tt per physical channel", in
	// milliseconds; labels node_id, msg_type, collection_id.
	"milvus_querynode_consume_tt_lag_ms": "gauge",
}

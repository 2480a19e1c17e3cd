package sizing

// Workloads sizes every pod of Milvus' release: Milvus' own components,
// its etcd, and Pulsar's components when Pulsar is the message queue.
type Workloads struct {
	MixCoordinator Coordinator
	Proxy          Workload
	QueryNode      Workload
	DataNode       Workload
	StreamingNode  Workload
	Etcd           Etcd
	Pulsar         Pulsar
}

// Coordinator is the mixCoordinator: extra replicas run as hot standbys.
type Coordinator struct {
	Workload
	ActiveStandby bool `json:"activeStandby"`
}

// Etcd is Milvus' metadata store, a StatefulSet with a volume per replica.
type Etcd struct {
	Workload
	VolumeGiB int `json:"volumeGiB"`
	// StorageClass of the volumes; empty for the cluster's default.
	StorageClass string `json:"storageClass"`
}

// Pulsar sizes the components of Pulsar v3. Each is a JVM whose heap and
// direct memory the chart values derive from its memory request.
type Pulsar struct {
	Zookeeper Zookeeper
	Bookie    Bookie
	Broker    Workload
	Proxy     Workload
	Recovery  Workload
}

// Zookeeper is Pulsar's metadata store, with a data volume per replica.
type Zookeeper struct {
	Workload
	VolumeGiB int `json:"volumeGiB"`
}

// Bookie is Pulsar's storage node, with a journal and a ledgers volume per
// replica.
type Bookie struct {
	Workload
	JournalGiB int `json:"journalGiB"`
	LedgersGiB int `json:"ledgersGiB"`
}

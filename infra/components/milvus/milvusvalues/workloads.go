package milvusvalues

import (
	"fmt"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Streaming is the chart's streaming section (templates/config.tpl), not
// the streamingNode keys its README names for it.
type Streaming struct {
	Woodpecker StreamingWoodpecker `json:"woodpecker"`
}

// StreamingWoodpecker runs Woodpecker inside the streaming node, storing
// the log through Milvus' object storage settings (storage type "minio",
// which is S3 here): externalS3's bucket under its root path, with the
// pod's IAM role.
type StreamingWoodpecker struct {
	Embedded bool              `json:"embedded"`
	Storage  WoodpeckerStorage `json:"storage"`
}

// WoodpeckerStorage is where Woodpecker keeps the log.
type WoodpeckerStorage struct {
	Type string `json:"type"`
}

// TopologySpreadConstraint is a pod's Kubernetes topology spread constraint.
type TopologySpreadConstraint struct {
	MaxSkew           int           `json:"maxSkew"`
	TopologyKey       string        `json:"topologyKey"`
	WhenUnsatisfiable string        `json:"whenUnsatisfiable"`
	LabelSelector     LabelSelector `json:"labelSelector"`
}

// LabelSelector selects the pods a constraint counts.
type LabelSelector struct {
	MatchLabels map[string]string `json:"matchLabels"`
}

// ZoneLabel is the well-known node label of an availability zone.
const ZoneLabel = "topology.kubernetes.io/zone"

// Etcd is the chart's etcd dependency (Bitnami's etcd chart 8.12): Milvus'
// metadata store.
type Etcd struct {
	ReplicaCount int             `json:"replicaCount"`
	Resources    Resources       `json:"resources"`
	Persistence  EtcdPersistence `json:"persistence"`
	// PodAntiAffinityPreset is "soft" (the chart's default) or "hard": one
	// member per node.
	PodAntiAffinityPreset     string                       `json:"podAntiAffinityPreset"`
	PDB                       EtcdPDB                      `json:"pdb"`
	TopologySpreadConstraints []TopologySpreadConstraint   `json:"topologySpreadConstraints,omitempty"`
	ContainerSecurityContext  EtcdContainerSecurityContext `json:"containerSecurityContext"`
	ExtraVolumes              []Volume                     `json:"extraVolumes"`
	ExtraVolumeMounts         []VolumeMount                `json:"extraVolumeMounts"`
	CustomLivenessProbe       *Probe                       `json:"customLivenessProbe,omitempty"`
	// ExtraEnvVars set etcd's own flags: a listener that serves /metrics
	// alone (EtcdMetricsPort), so that a metrics collector never needs the
	// client port, whose key-value API has no authentication here.
	ExtraEnvVars []PlainEnvVar `json:"extraEnvVars"`
	// NodeSelector keeps the members on the core pool's nodes.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
}

// PlainEnvVar is a container environment variable with its value.
type PlainEnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// EtcdMetricsPort is etcd's metrics-only listener (--listen-metrics-urls,
// set through its ETCD_ environment variable): /metrics and /health, no
// key-value API.
const EtcdMetricsPort = 2381

// EtcdPersistence sizes each member's volume.
type EtcdPersistence struct {
	Size         string `json:"size"`
	StorageClass string `json:"storageClass,omitempty"`
}

// EtcdPDB makes the chart create a PodDisruptionBudget (a majority of the
// members stays up: the chart's minAvailable of 51%), which the Milvus
// chart turns off by default.
type EtcdPDB struct {
	Create bool `json:"create"`
}

// Pulsar is the chart's pulsarv3 dependency (Apache Pulsar's chart 3.3).
// Only enabled is written when Woodpecker is the log.
type Pulsar struct {
	Enabled      bool             `json:"enabled"`
	Zookeeper    *PulsarComponent `json:"zookeeper,omitempty"`
	Bookkeeper   *PulsarComponent `json:"bookkeeper,omitempty"`
	Broker       *PulsarComponent `json:"broker,omitempty"`
	Proxy        *PulsarComponent `json:"proxy,omitempty"`
	Autorecovery *PulsarComponent `json:"autorecovery,omitempty"`
}

// PulsarComponent is one of Pulsar's JVM components.
type PulsarComponent struct {
	ReplicaCount int       `json:"replicaCount"`
	Resources    Resources `json:"resources"`
	// ConfigData overrides the JVM's memory flags; the chart keeps its
	// other entries (Helm merges maps).
	ConfigData map[string]string       `json:"configData"`
	Affinity   PulsarAffinity          `json:"affinity"`
	PDB        *PulsarPDB              `json:"pdb,omitempty"`
	Volumes    map[string]PulsarVolume `json:"volumes,omitempty"`
	// NodeSelector keeps the component on the core pool's nodes.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
}

// PulsarAffinity is the Pulsar chart's anti-affinity switch and its type,
// required (hard) or preferred (soft), over nodes.
type PulsarAffinity struct {
	AntiAffinity bool   `json:"anti_affinity"`
	Type         string `json:"type"`
}

// The Pulsar chart's anti-affinity types.
const (
	AntiAffinityHard = "requiredDuringSchedulingIgnoredDuringExecution"
	AntiAffinitySoft = "preferredDuringSchedulingIgnoredDuringExecution"
)

// PulsarPDB makes the chart create a PodDisruptionBudget for a component.
type PulsarPDB struct {
	UsePolicy bool `json:"usePolicy"`
}

// PulsarVolume sizes one of a component's volumes.
type PulsarVolume struct {
	Size string `json:"size"`
}

// Component is one of Milvus' own workloads in chart 5.x: the key that
// sizes it, and the component label of its pods.
type Component struct {
	Key, Label string
}

// Milvus' components.
var (
	ComponentMixCoordinator = Component{"mixCoordinator", "mixcoord"}
	ComponentProxy          = Component{"proxy", "proxy"}
	ComponentQueryNode      = Component{"queryNode", "querynode"}
	ComponentDataNode       = Component{"dataNode", "datanode"}
	ComponentStreamingNode  = Component{"streamingNode", "streamingnode"}
	// Components lists them in the chart's order.
	Components = []Component{ComponentMixCoordinator, ComponentProxy, ComponentQueryNode, ComponentDataNode, ComponentStreamingNode}
)

// Size is the component's size among the workloads.
func (c Component) Size(w sizing.Workloads) sizing.Workload {
	switch c {
	case ComponentMixCoordinator:
		return w.MixCoordinator.Workload
	case ComponentProxy:
		return w.Proxy
	case ComponentQueryNode:
		return w.QueryNode
	case ComponentDataNode:
		return w.DataNode
	case ComponentStreamingNode:
		return w.StreamingNode
	}
	panic(fmt.Sprintf("milvusvalues: no component %q", c.Key))
}

// The labels the charts select their pods by: the Milvus chart's and
// Bitnami's (milvus.matchLabels in _helpers.tpl), and the Pulsar chart's.
const (
	NameLabel          = "app.kubernetes.io/name"
	InstanceLabel      = "app.kubernetes.io/instance"
	ComponentLabel     = "component"
	EtcdName           = "etcd" // Bitnami's name label is its chart's name
	PulsarAppLabel     = "app"
	PulsarApp          = "pulsarv3" // the subchart's alias
	PulsarReleaseLabel = "release"
)

// MilvusPodLabels select every Milvus component's pods of a release.
func MilvusPodLabels(release string) map[string]string {
	return map[string]string{NameLabel: charts.Milvus, InstanceLabel: release}
}

// PodLabels select a component's pods of a release.
func (c Component) PodLabels(release string) map[string]string {
	return map[string]string{NameLabel: charts.Milvus, InstanceLabel: release, ComponentLabel: c.Label}
}

// component sizes one Milvus component, and spreads its replicas.
func (s Inputs) component(c Component) Workload {
	w := c.Size(s.Workloads)
	out := Workload{Replicas: w.Replicas, Resources: resources(w), NodeSelector: s.CoreSelector}
	if c == ComponentQueryNode {
		out.NodeSelector = s.QuerySelector
	}
	if s.SpreadAcrossZones && w.Replicas > 1 {
		out.TopologySpreadConstraints = zoneSpread(c.PodLabels(s.ReleaseName))
	}
	if a := s.ProxyAutoscaling; a != nil && c == ComponentProxy {
		out.Replicas = -1
		out.HPA = &HPA{Enabled: true, MinReplicas: w.Replicas, MaxReplicas: a.MaxReplicas, CPUUtilization: a.TargetCPUPercent}
		// Spread as soon as a second proxy may come.
		if s.SpreadAcrossZones {
			out.TopologySpreadConstraints = zoneSpread(c.PodLabels(s.ReleaseName))
		}
	}
	return out
}

// zoneSpread keeps the replicas of the pods matching labels within one of
// each other across zones, and refuses to schedule a replica that would
// break that: with three zones and three replicas, a zone's loss takes one.
func zoneSpread(labels map[string]string) []TopologySpreadConstraint {
	return []TopologySpreadConstraint{{
		MaxSkew:           1,
		TopologyKey:       ZoneLabel,
		WhenUnsatisfiable: "DoNotSchedule",
		LabelSelector:     LabelSelector{MatchLabels: labels},
	}}
}

// resources are a workload's requests and its limits where set.
func resources(w sizing.Workload) Resources {
	r := Resources{Requests: map[string]string{"cpu": w.CPURequest, "memory": w.MemoryRequest}}
	if w.EphemeralStorageRequest != "" {
		r.Requests["ephemeral-storage"] = w.EphemeralStorageRequest
	}
	limits := map[string]string{}
	for name, limit := range map[string]string{"cpu": w.CPULimit, "memory": w.MemoryLimit, "ephemeral-storage": w.EphemeralStorageLimit} {
		if limit != "" {
			limits[name] = limit
		}
	}
	if len(limits) > 0 {
		r.Limits = limits
	}
	return r
}

// etcd sizes Milvus' etcd, and secures it (security.go). With more than one
// member, a PodDisruptionBudget keeps a majority up through node drains;
// spread across zones, each member gets a node of its own in a zone of its
// own.
func (s Inputs) etcd() Etcd {
	e := s.Workloads.Etcd
	out := Etcd{
		ReplicaCount:             e.Replicas,
		Resources:                resources(e.Workload),
		Persistence:              EtcdPersistence{Size: fmt.Sprintf("%dGi", e.VolumeGiB), StorageClass: e.StorageClass},
		PodAntiAffinityPreset:    "soft",
		PDB:                      EtcdPDB{Create: e.Replicas > 1},
		ContainerSecurityContext: etcdContainer,
		ExtraVolumes:             etcdScratch,
		ExtraVolumeMounts:        etcdScratchMounts,
		CustomLivenessProbe:      &etcdLiveness,
		ExtraEnvVars:             []PlainEnvVar{{Name: "ETCD_LISTEN_METRICS_URLS", Value: fmt.Sprintf("http://0.0.0.0:%d", EtcdMetricsPort)}},
		NodeSelector:             s.CoreSelector,
	}
	if s.SpreadAcrossZones {
		out.PodAntiAffinityPreset = "hard"
		out.TopologySpreadConstraints = zoneSpread(EtcdPodLabels(s.ReleaseName))
	}
	return out
}

// EtcdPodLabels select the etcd members of a release.
func EtcdPodLabels(release string) map[string]string {
	return map[string]string{NameLabel: EtcdName, InstanceLabel: release}
}

// PulsarPodLabels select the Pulsar pods of a release (its init Jobs' pods
// carry none of the chart's labels).
func PulsarPodLabels(release string) map[string]string {
	return map[string]string{PulsarAppLabel: PulsarApp, PulsarReleaseLabel: release}
}

// streaming embeds Woodpecker in the streaming nodes, on object storage.
func (s Inputs) streaming() *Streaming {
	if s.Pulsar {
		return nil
	}
	return &Streaming{Woodpecker: StreamingWoodpecker{Embedded: true, Storage: WoodpeckerStorage{Type: "minio"}}}
}

// pulsar sizes Pulsar v3 when it is the log, and switches it off otherwise.
//
// The chart's defaults start the bookies and brokers with 4 GiB of heap and
// 8 GiB of direct memory on a 2 GiB request; here each JVM's memory comes
// from its request: a quarter as heap and half as direct memory for the
// bookies, brokers and proxies (Netty's buffers live off the heap), half
// as heap for ZooKeeper and auto-recovery, which need little direct
// memory. The rest is the JVM's own (metaspace, threads, code cache).
func (s Inputs) pulsar() Pulsar {
	if !s.Pulsar {
		return Pulsar{Enabled: false}
	}
	p := s.Workloads.Pulsar
	return Pulsar{
		Enabled: true,
		Zookeeper: s.pulsarComponent(p.Zookeeper.Workload, "PULSAR_MEM", heapOnly, true,
			map[string]PulsarVolume{"data": {Size: fmt.Sprintf("%dGi", p.Zookeeper.VolumeGiB)}}),
		Bookkeeper: s.pulsarComponent(p.Bookie.Workload, "PULSAR_MEM", heapAndDirect, true, map[string]PulsarVolume{
			"journal": {Size: fmt.Sprintf("%dGi", p.Bookie.JournalGiB)},
			"ledgers": {Size: fmt.Sprintf("%dGi", p.Bookie.LedgersGiB)},
		}),
		Broker: s.pulsarComponent(p.Broker, "PULSAR_MEM", heapAndDirect, true, nil),
		Proxy:  s.pulsarComponent(p.Proxy, "PULSAR_MEM", heapAndDirect, true, nil),
		// Auto-recovery reads BOOKIE_MEM and has no disruption budget in
		// the chart.
		Autorecovery: s.pulsarComponent(p.Recovery, "BOOKIE_MEM", heapOnly, false, nil),
	}
}

// heapAndDirect and heapOnly are a JVM's memory flags for a request of
// MiB.
func heapAndDirect(mib int64) string {
	return fmt.Sprintf("-Xms%[1]dm -Xmx%[1]dm -XX:MaxDirectMemorySize=%[2]dm", mib/4, mib/2)
}

func heapOnly(mib int64) string { return fmt.Sprintf("-Xms%[1]dm -Xmx%[1]dm", mib/2) }

func (s Inputs) pulsarComponent(w sizing.Workload, memoryVariable string, jvm func(int64) string, budget bool, volumes map[string]PulsarVolume) *PulsarComponent {
	c := &PulsarComponent{
		ReplicaCount: w.Replicas,
		Resources:    resources(w),
		ConfigData:   map[string]string{memoryVariable: jvm(w.MemoryMiB())},
		Affinity:     PulsarAffinity{AntiAffinity: true, Type: AntiAffinitySoft},
		Volumes:      volumes,
		NodeSelector: s.CoreSelector,
	}
	if s.SpreadAcrossZones {
		c.Affinity.Type = AntiAffinityHard
	}
	// The Milvus chart turns the Pulsar chart's budgets (one replica down
	// at a time) off; more than one replica gets its own back.
	if budget {
		c.PDB = &PulsarPDB{UsePolicy: w.Replicas > 1}
	}
	return c
}

package milvusvalues

// The security contexts of the release's pods, as far as each image
// allows (checked against the images at the chart's pinned tags, not
// assumed):
//
//   - Milvus (milvusdb/milvus v2.6.15) runs as root: its Dockerfile sets no
//     USER and leaves /milvus root:root, mode 0774, and every component
//     creates /var/lib/milvus/data when it starts (paramtable's local
//     storage), and its PID file under /run/milvus. Another user would
//     need group 0 and a writable volume at that path in every component
//     (the chart has per-component volumes for the proxy alone). So its
//     containers keep root, with no capability, no privilege escalation
//     and the runtime's default seccomp profile.
//   - etcd (milvusdb/etcd, Bitnami's image) runs as user 1001, the chart's
//     default, and writes only its data volume: its root file system is
//     made read-only, with the two scratch directories Bitnami's later
//     charts mount for it (/tmp and /opt/bitnami/etcd/conf) on an emptyDir.
//   - Pulsar's subchart offers no container security context at all.

// PodSecurityContext is a pod's security context, as far as this project
// sets one.
type PodSecurityContext struct {
	SeccompProfile SeccompProfile `json:"seccompProfile"`
}

// SeccompProfile names a seccomp profile.
type SeccompProfile struct {
	Type string `json:"type"`
}

// ContainerSecurityContext is a container's security context, as far as
// this project sets one.
type ContainerSecurityContext struct {
	AllowPrivilegeEscalation bool            `json:"allowPrivilegeEscalation"`
	Capabilities             Capabilities    `json:"capabilities"`
	ReadOnlyRootFilesystem   bool            `json:"readOnlyRootFilesystem,omitempty"`
	RunAsUser                int             `json:"runAsUser,omitempty"`
	RunAsNonRoot             bool            `json:"runAsNonRoot,omitempty"`
	SeccompProfile           *SeccompProfile `json:"seccompProfile,omitempty"`
}

// Capabilities adds and drops Linux capabilities.
type Capabilities struct {
	Drop []string `json:"drop"`
}

// RuntimeDefault is the container runtime's default seccomp profile.
var RuntimeDefault = SeccompProfile{Type: "RuntimeDefault"}

// milvusPod and milvusContainer are every Milvus component's contexts: the
// chart's global securityContext and containerSecurityContext, which a
// component's own would replace rather than extend.
var (
	milvusPod       = PodSecurityContext{SeccompProfile: RuntimeDefault}
	milvusContainer = ContainerSecurityContext{AllowPrivilegeEscalation: false, Capabilities: Capabilities{Drop: []string{"ALL"}}}
)

// EtcdUser is the user Bitnami's etcd image runs as, and owns its data
// directory: another would find a running member's data unreadable.
const EtcdUser = 1001

// EtcdContainerSecurityContext is etcd's container security context in
// Bitnami's chart, whose enabled switch is a key beside the context's own.
type EtcdContainerSecurityContext struct {
	Enabled bool `json:"enabled"`
	ContainerSecurityContext
}

// etcdContainer is etcd's container security context.
var etcdContainer = EtcdContainerSecurityContext{Enabled: true, ContainerSecurityContext: ContainerSecurityContext{
	AllowPrivilegeEscalation: false,
	Capabilities:             Capabilities{Drop: []string{"ALL"}},
	ReadOnlyRootFilesystem:   true,
	RunAsUser:                EtcdUser,
	RunAsNonRoot:             true,
	SeccompProfile:           &RuntimeDefault,
}}

// Volume and VolumeMount are the Kubernetes fields a chart passes through.
type Volume struct {
	Name     string    `json:"name"`
	EmptyDir *EmptyDir `json:"emptyDir,omitempty"`
}

// EmptyDir is a pod's scratch volume; SizeLimit bounds it.
type EmptyDir struct {
	SizeLimit string `json:"sizeLimit,omitempty"`
}

// VolumeMount mounts part of a volume (SubPath) in a container.
type VolumeMount struct {
	Name      string `json:"name"`
	MountPath string `json:"mountPath"`
	SubPath   string `json:"subPath,omitempty"`
}

// etcdScratch is the emptyDir under etcd's read-only root: the two
// directories Bitnami's etcd charts mount writable from 10.0.0 on, when
// they made the root read-only.
var (
	etcdScratch       = []Volume{{Name: "empty-dir", EmptyDir: &EmptyDir{}}}
	etcdScratchMounts = []VolumeMount{
		{Name: "empty-dir", MountPath: "/tmp", SubPath: "tmp-dir"},
		{Name: "empty-dir", MountPath: "/opt/bitnami/etcd/conf", SubPath: "app-conf-dir"},
	}
)

// Probe is a container probe that checks a TCP port.
type Probe struct {
	TCPSocket           TCPSocket `json:"tcpSocket"`
	InitialDelaySeconds int       `json:"initialDelaySeconds"`
	PeriodSeconds       int       `json:"periodSeconds"`
	TimeoutSeconds      int       `json:"timeoutSeconds"`
	FailureThreshold    int       `json:"failureThreshold"`
}

// TCPSocket names the port a probe connects to.
type TCPSocket struct {
	Port string `json:"port"`
}

// etcdLiveness restarts a member whose process no longer accepts clients.
// The chart's own liveness probe runs the same health check as its
// readiness probe, which fails on every member at once when the cluster
// loses quorum: restarting them all then only makes things worse. The
// timings are the chart's.
var etcdLiveness = Probe{TCPSocket: TCPSocket{Port: "client"}, InitialDelaySeconds: 60, PeriodSeconds: 30, TimeoutSeconds: 5, FailureThreshold: 5}

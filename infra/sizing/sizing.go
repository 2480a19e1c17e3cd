// Package sizing holds what each workload of a stack asks of the cluster and
// what the nodes offer: the sizes the configuration sets, the pods and
// volumes they make, the allocatable capacity of the instance types the
// program accepts, and the check that the first fits in the second.
//
// It imports no cloud SDK. The configuration checks capacity with it before
// any resource is declared, the chart values take their sizes from it, and
// the offline plan prints its inventory.
package sizing

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"
)

// Workload is the size of one replicated workload, as a stack file sets it:
// replicas, and each replica's requests and limits as Kubernetes
// quantities. Every workload requests CPU, memory and ephemeral storage
// (the node's disk its logs, writable layer and emptyDirs use), so that
// none runs best-effort and the scheduler counts its disk; limits may be
// left empty (no limit).
type Workload struct {
	Replicas      int    `json:"replicas"`
	CPURequest    string `json:"cpuRequest"`
	MemoryRequest string `json:"memoryRequest"`
	CPULimit      string `json:"cpuLimit"`
	MemoryLimit   string `json:"memoryLimit"`
	// EphemeralStorageRequest and EphemeralStorageLimit bound one
	// replica's use of its node's disk; past the limit the kubelet evicts
	// the pod.
	EphemeralStorageRequest string `json:"ephemeralStorageRequest"`
	EphemeralStorageLimit   string `json:"ephemeralStorageLimit"`
}

// MilliCPU is one replica's CPU request in thousandths of a vCPU; 0 when
// the request does not parse (the configuration reports that).
func (w Workload) MilliCPU() int64 { return milli(w.CPURequest) }

// MemoryBytes is one replica's memory request in bytes.
func (w Workload) MemoryBytes() int64 { return bytes(w.MemoryRequest) }

// EphemeralBytes is one replica's ephemeral storage request in bytes.
func (w Workload) EphemeralBytes() int64 { return bytes(w.EphemeralStorageRequest) }

// MemoryMiB is one replica's memory request in MiB, rounded down.
func (w Workload) MemoryMiB() int64 { return w.MemoryBytes() / mib }

func milli(q string) int64 {
	v, err := resource.ParseQuantity(q)
	if err != nil {
		return 0
	}
	return v.MilliValue()
}

func bytes(q string) int64 {
	v, err := resource.ParseQuantity(q)
	if err != nil {
		return 0
	}
	return v.Value()
}

const (
	mib = int64(1) << 20
	gib = int64(1) << 30
)

// Pod is a group of identical pods a stack runs, and the volumes each claims.
type Pod struct {
	// Name says what the pods are ("queryNode", "etcd", "coredns").
	Name string
	// Key is the configuration key that sizes them, "" for the add-ons'.
	Key      string
	Replicas int
	// MilliCPU, MemoryBytes and EphemeralBytes are one pod's requests.
	MilliCPU       int64
	MemoryBytes    int64
	EphemeralBytes int64
	// Volumes are one pod's PersistentVolumeClaims.
	Volumes []Volume
	// Pool is the node pool the pods run in, with Karpenter's pools: the
	// system pool (the node group), or a NodePool; "" without pools.
	Pool string
}

// Volume is one PersistentVolumeClaim of a pod.
type Volume struct {
	Name string
	GiB  int
}

// PodOf is the pods of a workload sized by key.
func PodOf(name, key string, w Workload, volumes ...Volume) Pod {
	return Pod{Name: name, Key: key, Replicas: w.Replicas, MilliCPU: w.MilliCPU(), MemoryBytes: w.MemoryBytes(), EphemeralBytes: w.EphemeralBytes(), Volumes: volumes}
}

// Totals are the requests of a set of pods, and the volumes they claim.
type Totals struct {
	Pods           int
	MilliCPU       int64
	MemoryBytes    int64
	EphemeralBytes int64
	Volumes        int
	VolumeGiB      int
}

// Sum adds up pods.
func Sum(pods []Pod) Totals {
	var t Totals
	for _, p := range pods {
		t.Pods += p.Replicas
		t.MilliCPU += int64(p.Replicas) * p.MilliCPU
		t.MemoryBytes += int64(p.Replicas) * p.MemoryBytes
		t.EphemeralBytes += int64(p.Replicas) * p.EphemeralBytes
		for _, v := range p.Volumes {
			t.Volumes += p.Replicas
			t.VolumeGiB += p.Replicas * v.GiB
		}
	}
	return t
}

// VCPU formats thousandths of a vCPU as vCPU, with one decimal ("15.2").
func VCPU(milli int64) string { return trimZero(fmt.Sprintf("%.1f", float64(milli)/1000)) }

// GiB formats bytes as GiB, with one decimal ("29.5").
func GiB(b int64) string { return trimZero(fmt.Sprintf("%.1f", float64(b)/float64(gib))) }

func trimZero(s string) string {
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}

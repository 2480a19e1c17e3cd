// Package podspec holds the pieces of a pod spec that the stack's own
// workloads (the backup CronJob, kube-state-metrics) share, as the
// Kubernetes provider's arguments.
package podspec

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Resources are a container's requests and limits of CPU, memory and
// ephemeral storage, as the workload's size gives them: the capacity
// check counts the same figures.
func Resources(w sizing.Workload) corev1.ResourceRequirementsArgs {
	return corev1.ResourceRequirementsArgs{
		Requests: pulumi.StringMap{"cpu": pulumi.String(w.CPURequest), "memory": pulumi.String(w.MemoryRequest), "ephemeral-storage": pulumi.String(w.EphemeralStorageRequest)},
		Limits:   pulumi.StringMap{"cpu": pulumi.String(w.CPULimit), "memory": pulumi.String(w.MemoryLimit), "ephemeral-storage": pulumi.String(w.EphemeralStorageLimit)},
	}
}

// Unprivileged is a container that gains no privilege, holds no
// capability and writes nothing of its image: what the restricted Pod
// Security level asks of a container, and a read-only root besides.
func Unprivileged() corev1.SecurityContextArgs {
	return corev1.SecurityContextArgs{
		AllowPrivilegeEscalation: pulumi.Bool(false),
		ReadOnlyRootFilesystem:   pulumi.Bool(true),
		Capabilities:             corev1.CapabilitiesArgs{Drop: pulumi.ToStringArray([]string{"ALL"})},
	}
}

// NodeSelector is a pod's node selector: the pool its pods belong on, when
// Karpenter runs the pools; none when empty.
func NodeSelector(labels map[string]string) pulumi.StringMapInput {
	if len(labels) == 0 {
		return nil
	}
	return pulumi.ToStringMap(labels)
}

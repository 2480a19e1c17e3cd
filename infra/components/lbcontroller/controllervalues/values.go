// Package values builds the values of the AWS Load Balancer Controller's
// Helm chart (eks-charts, chart aws-load-balancer-controller) as a typed Go
// value. The keys are those of the chart's values.yaml.
package controllervalues

import (
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/helmvalues"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Where the controller runs.
const (
	// ReleaseName is also the name of the controller's Deployment.
	ReleaseName = "aws-load-balancer-controller"
	Namespace   = "kube-system"
	// ServiceAccountName is the controller's ServiceAccount, which the chart
	// creates and its IAM role trusts.
	ServiceAccountName = "aws-load-balancer-controller"
)

// Values is the subset of the chart's values this project sets.
type Values struct {
	// ClusterName tags the load balancers the controller creates and finds
	// the subnets tagged kubernetes.io/cluster/<name>.
	ClusterName string `json:"clusterName"`
	// Region and VpcID are given so that the controller need not discover
	// them from the node's instance metadata service, which pods may be
	// unable to reach (IMDSv2 with a hop limit of 1).
	Region         string         `json:"region"`
	VpcID          string         `json:"vpcId"`
	ServiceAccount ServiceAccount `json:"serviceAccount"`
	// ReplicaCount and Resources size the controller's Deployment; the
	// chart requests nothing by default, which makes its pods best-effort.
	ReplicaCount int       `json:"replicaCount"`
	Resources    Resources `json:"resources"`
	// PodDisruptionBudget keeps a replica up through node drains; the
	// chart renders none by default.
	PodDisruptionBudget *PodDisruptionBudget `json:"podDisruptionBudget,omitempty"`
	// SecurityContext replaces the chart's container context (read-only
	// root, no root, no privilege escalation) with the same and more: no
	// capability, and the image's own non-root user and group named, so
	// that a reviewer need not know the image (the controller's images are
	// built FROM a distroless nonroot base, user 65532).
	SecurityContext    ContainerSecurityContext `json:"securityContext"`
	PodSecurityContext PodSecurityContext       `json:"podSecurityContext"`
}

// PodDisruptionBudget is the chart's budget for the controller's pods.
type PodDisruptionBudget struct {
	MaxUnavailable int `json:"maxUnavailable"`
}

// ContainerSecurityContext is the controller container's security context.
type ContainerSecurityContext struct {
	ReadOnlyRootFilesystem   bool         `json:"readOnlyRootFilesystem"`
	RunAsNonRoot             bool         `json:"runAsNonRoot"`
	RunAsUser                int          `json:"runAsUser"`
	RunAsGroup               int          `json:"runAsGroup"`
	AllowPrivilegeEscalation bool         `json:"allowPrivilegeEscalation"`
	Capabilities             Capabilities `json:"capabilities"`
}

// Capabilities drops Linux capabilities.
type Capabilities struct {
	Drop []string `json:"drop"`
}

// PodSecurityContext is the controller pod's security context: the chart's
// fsGroup, and the runtime's default seccomp profile.
type PodSecurityContext struct {
	FSGroup        int            `json:"fsGroup"`
	SeccompProfile SeccompProfile `json:"seccompProfile"`
}

// SeccompProfile names a seccomp profile.
type SeccompProfile struct {
	Type string `json:"type"`
}

// NonRootUser is the distroless base image's nonroot user and group.
const NonRootUser = 65532

// Resources are the controller container's requests and limits.
type Resources struct {
	Requests map[string]string `json:"requests"`
	Limits   map[string]string `json:"limits"`
}

// ServiceAccount makes the chart create the controller's ServiceAccount,
// bound to its IAM role.
type ServiceAccount struct {
	Create      bool              `json:"create"`
	Name        string            `json:"name"`
	Annotations map[string]string `json:"annotations"`
}

// Build returns the chart values for a cluster, with the controller's
// ServiceAccount bound to roleArn.
func Build(clusterName, region, vpcID, roleArn string) Values {
	size := sizing.LoadBalancerController
	return Values{
		ClusterName: clusterName,
		Region:      region,
		VpcID:       vpcID,
		ServiceAccount: ServiceAccount{
			Create:      true,
			Name:        ServiceAccountName,
			Annotations: map[string]string{trust.RoleArnAnnotation: roleArn},
		},
		ReplicaCount: size.Replicas,
		Resources: Resources{
			Requests: map[string]string{"cpu": size.CPURequest, "memory": size.MemoryRequest, "ephemeral-storage": size.EphemeralStorageRequest},
			Limits:   map[string]string{"cpu": size.CPULimit, "memory": size.MemoryLimit, "ephemeral-storage": size.EphemeralStorageLimit},
		},
		PodDisruptionBudget: budget(size.Replicas),
		SecurityContext: ContainerSecurityContext{
			ReadOnlyRootFilesystem: true, RunAsNonRoot: true, RunAsUser: NonRootUser, RunAsGroup: NonRootUser,
			AllowPrivilegeEscalation: false, Capabilities: Capabilities{Drop: []string{"ALL"}},
		},
		// 65534 is the chart's own fsGroup.
		PodSecurityContext: PodSecurityContext{FSGroup: 65534, SeccompProfile: SeccompProfile{Type: "RuntimeDefault"}},
	}
}

// budget lets one replica of several go at a time; one replica gets none
// (the chart renders a budget only for more than one anyway).
func budget(replicas int) *PodDisruptionBudget {
	if replicas < 2 {
		return nil
	}
	return &PodDisruptionBudget{MaxUnavailable: 1}
}

// Map renders the values as the generic map a Helm release takes.
func (v Values) Map() map[string]any { return helmvalues.Map(v) }

// Package karpentervalues builds the values of Karpenter's Helm chart
// (aws/karpenter-provider-aws, charts/karpenter 1.14.1) as a typed Go
// value. The keys are those of the chart's values.yaml.
package karpentervalues

import (
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/facts"
	"github.com/milvus-eks/milvus-eks/infra/helmvalues"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Where the controller runs: kube-system, as Karpenter's guides install it.
const (
	ReleaseName = "karpenter"
	Namespace   = "kube-system"
	// ServiceAccountName is the controller's ServiceAccount, which the chart
	// creates and its IAM role trusts.
	ServiceAccountName = "karpenter"
)

// Values is the subset of the chart's values this project sets.
type Values struct {
	Settings       Settings       `json:"settings"`
	ServiceAccount ServiceAccount `json:"serviceAccount"`
	// Replicas is the chart's default, two, named: each needs a node of the
	// system pool (the chart's required anti-affinity on the host name).
	Replicas     int               `json:"replicas"`
	NodeSelector map[string]string `json:"nodeSelector"`
	Controller   Controller        `json:"controller"`
}

// Settings are the controller's own settings.
type Settings struct {
	// ClusterName is required by the chart; InterruptionQueue is the SQS
	// queue's name, which turns interruption handling on.
	ClusterName       string `json:"clusterName"`
	InterruptionQueue string `json:"interruptionQueue"`
}

// ServiceAccount makes the chart create the controller's ServiceAccount,
// bound to its IAM role.
type ServiceAccount struct {
	Create      bool              `json:"create"`
	Name        string            `json:"name"`
	Annotations map[string]string `json:"annotations"`
}

// Controller sizes the controller's container, and names its metrics
// port, which the managed collector reads.
type Controller struct {
	Resources Resources `json:"resources"`
	Metrics   Metrics   `json:"metrics"`
}

// Metrics is the port the controller serves /metrics on (the chart's
// default, written here once for the collector).
type Metrics struct {
	Port int `json:"port"`
}

// MetricsPort is the controller's metrics port.
const MetricsPort = 8080

// PodLabels select the controller's pods (the chart's selector labels:
// its name, and the release's).
func PodLabels() map[string]string {
	return map[string]string{"app.kubernetes.io/name": "karpenter", "app.kubernetes.io/instance": ReleaseName}
}

// Resources are requests and limits.
type Resources struct {
	Requests map[string]string `json:"requests"`
	Limits   map[string]string `json:"limits"`
}

// Build returns the chart values for a cluster, with the controller's
// ServiceAccount bound to roleArn and interruptions read from queue.
func Build(clusterName, queue, roleArn string) Values {
	size := sizing.Karpenter
	return Values{
		Settings: Settings{ClusterName: clusterName, InterruptionQueue: queue},
		ServiceAccount: ServiceAccount{
			Create:      true,
			Name:        ServiceAccountName,
			Annotations: map[string]string{trust.RoleArnAnnotation: roleArn},
		},
		Replicas: size.Replicas,
		// The chart's own selector, and the system pool: never a node it
		// starts (its default affinity keeps it off those, too).
		NodeSelector: map[string]string{"kubernetes.io/os": "linux", facts.PoolLabel: facts.PoolSystem},
		Controller: Controller{
			Resources: Resources{
				Requests: map[string]string{"cpu": size.CPURequest, "memory": size.MemoryRequest, "ephemeral-storage": size.EphemeralStorageRequest},
				Limits:   map[string]string{"cpu": size.CPULimit, "memory": size.MemoryLimit, "ephemeral-storage": size.EphemeralStorageLimit},
			},
			Metrics: Metrics{Port: MetricsPort},
		},
	}
}

// Map is the values as the Helm release takes them.
func (v Values) Map() map[string]any { return helmvalues.Map(v) }

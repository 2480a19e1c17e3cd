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
}

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
			Requests: map[string]string{"cpu": size.CPURequest, "memory": size.MemoryRequest},
			Limits:   map[string]string{"memory": size.MemoryLimit},
		},
	}
}

// Map renders the values as the generic map a Helm release takes.
func (v Values) Map() map[string]any { return helmvalues.Map(v) }

package cluster

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/stack/outputs"
)

// Access is what the rest of the stack needs of a cluster: its name, the IAM
// OIDC provider its ServiceAccounts' tokens are trusted through, the
// Kubernetes provider every Kubernetes resource must use, and what pods run
// on.
type Access struct {
	Name pulumi.StringOutput
	// Kubeconfig reaches the cluster; it is secret.
	Kubeconfig      pulumi.StringOutput
	OidcProviderArn pulumi.StringOutput
	// OidcIssuerURL is the issuer, https:// included.
	OidcIssuerURL pulumi.StringOutput
	Provider      *kubernetes.Provider
	// Nodes is what pods run on: nothing that schedules pods can become
	// ready before it exists. It is nil on an existing cluster, whose owner
	// keeps its nodes running.
	Nodes pulumi.Resource
}

// WaitForNodes is what must exist before pods can be scheduled: the node
// group this stack creates, or nothing.
func (a Access) WaitForNodes() []pulumi.Resource {
	if a.Nodes == nil {
		return nil
	}
	return []pulumi.Resource{a.Nodes}
}

// Outputs are the cluster's outputs, by the names of the stack-output
// contract: a component's, and the stack's, so that a stack of this project
// can serve as another's platform.
func (a Access) Outputs() pulumi.Map {
	return pulumi.Map{
		outputs.ClusterName:     a.Name,
		outputs.Kubeconfig:      a.Kubeconfig,
		outputs.OidcProviderArn: a.OidcProviderArn,
		outputs.OidcIssuer:      a.OidcIssuerURL,
	}
}

// Package metricsserver installs metrics-server, which serves the pods'
// CPU and memory to HorizontalPodAutoscalers, as the EKS community add-on
// of that name (kube-system; no IAM role: it reads only the kubelets).
package metricsserver

import (
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
)

// TypeToken is the MetricsServer component's type.
const TypeToken = "milvus-eks:metricsserver:MetricsServer"

// AddonName is the EKS add-on's name.
const AddonName = "metrics-server"

// Args name the cluster.
type Args struct {
	Cluster cluster.Access
}

// MetricsServer is the installed add-on.
type MetricsServer struct {
	pulumi.ResourceState

	// Addon is what an autoscaler waits for.
	Addon *awseks.Addon
}

// New declares the add-on, once the nodes that run it exist.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*MetricsServer, error) {
	m := &MetricsServer{}
	if err := ctx.RegisterComponentResource(TypeToken, name, m, opts...); err != nil {
		return nil, err
	}
	addon, err := awseks.NewAddon(ctx, name, &awseks.AddonArgs{
		ClusterName: args.Cluster.Name,
		AddonName:   pulumi.String(AddonName),
	}, pulumi.Parent(m), pulumi.DependsOn(args.Cluster.WaitForNodes()))
	if err != nil {
		return nil, err
	}
	m.Addon = addon
	return m, ctx.RegisterResourceOutputs(m, pulumi.Map{"addonArn": addon.Arn})
}

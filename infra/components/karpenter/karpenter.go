// Package karpenter installs Karpenter (v1.14.1) on a cluster the stack
// creates, with what its release publishes for AWS (published): the
// controller's IRSA role with its policies, the interruption queue and the
// EventBridge rules that feed it, the nodes' role with its EC2_LINUX access
// entry, and discovery tags. Then the stack's one EC2NodeClass, which keeps
// the launch template's node guarantees, and a NodePool per role
// (nodepools), declared once the chart's CRDs exist.
package karpenter

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/nodeguarantees"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/karpentervalues"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/nodepools"
	"github.com/milvus-eks/milvus-eks/infra/helmvalues"
)

// TypeToken is the Karpenter component's type.
const TypeToken = "milvus-eks:karpenter:Karpenter"

// installTimeoutSeconds bounds the chart's install: two small pods.
const installTimeoutSeconds = 600

// Args describe the cluster Karpenter serves and the pools it runs.
type Args struct {
	ClusterName string
	Region      string
	Chart       charts.Archive
	// Cluster is reached through its provider; its OIDC provider trusts
	// the controller's role; its nodes (the system pool) run the
	// controller.
	Cluster cluster.Access
	// PrivateSubnetIDs are where the pools' nodes go; SecurityGroupID is
	// the cluster's security group, which they carry as the node group's
	// nodes do. TagSubnets (how many) gives the subnets and the group
	// Karpenter's discovery tag: only in a VPC the stack creates, since an
	// existing VPC's are its owner's.
	PrivateSubnetIDs pulumi.StringArrayInput
	SecurityGroupID  pulumi.StringInput
	TagSubnets       int
	// Guarantees are the node group's, which the node class keeps;
	// ImageVersion pins the AL2023 release.
	Guarantees   nodeguarantees.Guarantees
	ImageVersion string
	Pools        []nodepools.Pool
}

// Karpenter is the installed controller and its pools.
type Karpenter struct {
	pulumi.ResourceState

	RoleArn     pulumi.StringOutput `pulumi:"roleArn"`
	NodeRoleArn pulumi.StringOutput `pulumi:"nodeRoleArn"`
	QueueName   pulumi.StringOutput `pulumi:"queueName"`

	// Ready are the NodePools: what a workload steered to them waits for.
	Ready []pulumi.Resource
}

// New declares Karpenter.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Karpenter, error) {
	k := &Karpenter{}
	if err := ctx.RegisterComponentResource(TypeToken, name, k, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(k)

	aws, err := declareAWS(ctx, name, args, parent)
	if err != nil {
		return nil, err
	}

	values := pulumi.All(aws.queue.Name, aws.controllerRole.Arn).ApplyT(func(v []any) map[string]any {
		return karpentervalues.Build(args.ClusterName, v[0].(string), v[1].(string)).Map()
	}).(pulumi.MapOutput)
	onCluster := []pulumi.ResourceOption{parent, pulumi.Provider(args.Cluster.Provider)}
	release, err := helmv3.NewRelease(ctx, name, &helmv3.ReleaseArgs{
		Name:      pulumi.String(karpentervalues.ReleaseName),
		Namespace: pulumi.String(karpentervalues.Namespace),
		Chart:     pulumi.String(args.Chart.Path()),
		Version:   pulumi.String(args.Chart.Version),
		Values:    values,
		Atomic:    pulumi.Bool(true),
		Timeout:   pulumi.Int(installTimeoutSeconds),
	}, append(onCluster, pulumi.DependsOn(args.Cluster.WaitForNodes()))...)
	if err != nil {
		return nil, err
	}

	// The custom resources need the chart's CRDs, which only the release
	// brings; nodes they start join through the access entry. Neither is
	// in their data.
	afterChart := append(onCluster, pulumi.DependsOn([]pulumi.Resource{release, aws.accessEntry}))
	classSpec := pulumi.All(aws.nodeRole.Name, args.PrivateSubnetIDs, args.SecurityGroupID).ApplyT(func(v []any) map[string]any {
		return helmvalues.Map(nodepools.NodeClass(nodepools.NodeClassArgs{
			Guarantees:      args.Guarantees,
			ImageVersion:    args.ImageVersion,
			Role:            v[0].(string),
			SubnetIDs:       v[1].([]string),
			SecurityGroupID: v[2].(string),
		}))
	}).(pulumi.MapOutput)
	nodeClass, err := apiextensions.NewCustomResource(ctx, name+"-node-class", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(nodepools.NodeClassAPIVersion),
		Kind:        pulumi.String(nodepools.NodeClassKind),
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(nodepools.NodeClassName)},
		OtherFields: kubernetes.UntypedArgs{"spec": classSpec},
	}, afterChart...)
	if err != nil {
		return nil, err
	}
	for _, pool := range args.Pools {
		created, err := apiextensions.NewCustomResource(ctx, name+"-"+pool.Role, &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String(nodepools.NodePoolAPIVersion),
			Kind:        pulumi.String(nodepools.NodePoolKind),
			Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(nodepools.Name(pool.Role))},
			OtherFields: kubernetes.UntypedArgs{"spec": helmvalues.Map(nodepools.NodePool(pool))},
		}, append(onCluster, pulumi.DependsOn([]pulumi.Resource{release, aws.accessEntry, nodeClass}))...)
		if err != nil {
			return nil, err
		}
		k.Ready = append(k.Ready, created)
	}

	k.RoleArn = aws.controllerRole.Arn
	k.NodeRoleArn = aws.nodeRole.Arn
	k.QueueName = aws.queue.Name
	return k, ctx.RegisterResourceOutputs(k, pulumi.Map{
		"roleArn":     k.RoleArn,
		"nodeRoleArn": k.NodeRoleArn,
		"queueName":   k.QueueName,
	})
}

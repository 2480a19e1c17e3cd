// Package cluster is where Milvus runs. In create mode it declares the EKS
// cluster with its IAM OIDC provider, the EKS-managed VPC CNI add-on and a
// managed node group with its own IAM role (Cluster); a cluster someone else
// runs is found and reached by the package existing. Either way the rest of
// the stack gets an Access, with the Kubernetes provider every Kubernetes
// resource of the stack must use.
package cluster

import (
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-eks/sdk/v2/go/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
)

// TypeToken is the Cluster component's type.
const TypeToken = "milvus-eks:cluster:Cluster"

// NodePolicies are the AWS managed policies a node's instance role needs: join
// the cluster, let the VPC CNI manage pod addresses, pull images from ECR (the
// EKS user guide, "Amazon EKS node IAM role").
var NodePolicies = []string{
	"AmazonEKSWorkerNodePolicy",
	"AmazonEKS_CNI_Policy",
	"AmazonEC2ContainerRegistryReadOnly",
}

// NodeAmiType is the managed node group's image family.
const NodeAmiType = "AL2023_x86_64_STANDARD"

// Cluster is the EKS cluster and what the rest of the stack needs from it.
type Cluster struct {
	pulumi.ResourceState

	Name            pulumi.StringOutput `pulumi:"clusterName"`
	Kubeconfig      pulumi.StringOutput `pulumi:"kubeconfig"`
	OidcProviderArn pulumi.StringOutput `pulumi:"oidcProviderArn"`
	// OidcIssuerURL is the cluster's OIDC issuer, https:// included.
	OidcIssuerURL pulumi.StringOutput `pulumi:"oidcIssuer"`

	// Provider talks to this cluster; every Kubernetes resource takes it.
	Provider *kubernetes.Provider
	// NodeGroup is what Milvus' pods run on.
	NodeGroup *eks.ManagedNodeGroup
}

// Args describe the cluster to create.
type Args struct {
	// Name is the EKS cluster's name; Version its Kubernetes version.
	Name    string
	Version string
	// Region names the partition of the AWS managed policies the nodes get.
	Region string
	// The network the cluster and its nodes run in: nodes only in the
	// private subnets; the public ones hold load balancers.
	VpcID            pulumi.StringInput
	PublicSubnetIDs  pulumi.StringArrayInput
	PrivateSubnetIDs pulumi.StringArrayInput
	Nodes            NodeGroup
}

// NodeGroup sizes the managed node group.
type NodeGroup struct {
	InstanceTypes                 []string
	MinSize, DesiredSize, MaxSize int
	DiskSizeGiB                   int
}

// Access is how the rest of the stack reaches this cluster.
func (c *Cluster) Access() Access {
	return Access{
		Name:            c.Name,
		Kubeconfig:      c.Kubeconfig,
		OidcProviderArn: c.OidcProviderArn,
		OidcIssuerURL:   c.OidcIssuerURL,
		Provider:        c.Provider,
		Nodes:           c.NodeGroup,
	}
}

// New declares the cluster.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	c := &Cluster{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	nodeRole, err := iam.NewRole(ctx, name+"-node", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(iampolicy.ServiceTrust("ec2.amazonaws.com").JSON()),
		Description:      pulumi.String("Instance role of the Milvus EKS nodes of " + args.Name),
	}, parent)
	if err != nil {
		return nil, err
	}
	for _, policy := range NodePolicies {
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-node-"+policy, &iam.RolePolicyAttachmentArgs{
			Role:      nodeRole.Name,
			PolicyArn: pulumi.String(iampolicy.ManagedPolicyArn(args.Region, policy)),
		}, parent); err != nil {
			return nil, err
		}
	}

	skipDefaultNodeGroup := true
	useDefaultVpcCni := true
	cluster, err := eks.NewCluster(ctx, name, &eks.ClusterArgs{
		Name:               pulumi.String(args.Name),
		Version:            pulumi.String(args.Version),
		VpcId:              args.VpcID,
		PublicSubnetIds:    args.PublicSubnetIDs,
		PrivateSubnetIds:   args.PrivateSubnetIDs,
		CreateOidcProvider: pulumi.Bool(true),
		// The managed node group below replaces pulumi-eks' default one.
		SkipDefaultNodeGroup: &skipDefaultNodeGroup,
		// Keep the CNI EKS installs and manage it as an EKS add-on below,
		// instead of pulumi-eks applying its own manifest with kubectl.
		UseDefaultVpcCni: &useDefaultVpcCni,
		// The nodes' role must be mapped in the cluster before they can join.
		InstanceRoles: iam.RoleArray{nodeRole},
	}, parent)
	if err != nil {
		return nil, err
	}

	if _, err := awseks.NewAddon(ctx, name+"-vpc-cni", &awseks.AddonArgs{
		ClusterName: cluster.EksCluster.Name(),
		AddonName:   pulumi.String("vpc-cni"),
		// Adopt the CNI that EKS installed when it created the cluster.
		ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
		ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
	}, parent); err != nil {
		return nil, err
	}

	nodeGroup, err := eks.NewManagedNodeGroup(ctx, name+"-nodes", &eks.ManagedNodeGroupArgs{
		Cluster:  cluster,
		NodeRole: nodeRole,
		// Amazon Linux 2 images stop at Kubernetes 1.32; AL2023 covers every
		// version EKS supports today.
		AmiType:       pulumi.String(NodeAmiType),
		InstanceTypes: pulumi.ToStringArray(args.Nodes.InstanceTypes),
		// Nodes only in the private subnets; the public ones hold load balancers.
		SubnetIds: args.PrivateSubnetIDs,
		DiskSize:  pulumi.Int(args.Nodes.DiskSizeGiB),
		ScalingConfig: &awseks.NodeGroupScalingConfigArgs{
			MinSize:     pulumi.Int(args.Nodes.MinSize),
			DesiredSize: pulumi.Int(args.Nodes.DesiredSize),
			MaxSize:     pulumi.Int(args.Nodes.MaxSize),
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	oidc := cluster.Core.OidcProvider()
	c.Name = cluster.EksCluster.Name()
	c.Kubeconfig = pulumi.ToSecret(cluster.KubeconfigJson).(pulumi.StringOutput)
	c.OidcProviderArn = oidc.Arn()
	// IAM reports the provider's URL without a scheme; issuers carry one.
	c.OidcIssuerURL = oidc.Url().ApplyT(func(url string) string {
		return "https://" + trust.IssuerHost(url)
	}).(pulumi.StringOutput)
	c.NodeGroup = nodeGroup

	c.Provider, err = kubernetes.NewProvider(ctx, name, &kubernetes.ProviderArgs{
		Kubeconfig: c.Kubeconfig,
	}, parent)
	if err != nil {
		return nil, err
	}

	return c, ctx.RegisterResourceOutputs(c, c.Access().Outputs())
}

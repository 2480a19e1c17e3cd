// Package cluster is where Milvus runs. In create mode it declares the EKS
// cluster with its IAM OIDC provider, the EKS-managed VPC CNI add-on and a
// managed node group with its own IAM role (Cluster); in existing mode it
// looks up a cluster someone else runs and declares nothing of it (Find,
// Existing). Either way it gives the rest of the stack an Access, with the
// Kubernetes provider every Kubernetes resource of the stack must use.
package cluster

import (
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-eks/sdk/v2/go/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing/discovery"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
	"github.com/milvus-eks/milvus-eks/infra/components/network"
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

// Outputs are the cluster's outputs, by the names a platform stack exports
// them (infra/existingcluster): a component's, and the stack's, so that a
// stack of this project can serve as another's platform.
func (a Access) Outputs() pulumi.Map {
	return pulumi.Map{
		discovery.ClusterNameOutput:     a.Name,
		discovery.KubeconfigOutput:      a.Kubeconfig,
		discovery.OidcProviderArnOutput: a.OidcProviderArn,
		discovery.OidcIssuerOutput:      a.OidcIssuerURL,
	}
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

// New declares the cluster in net's subnets.
func New(ctx *pulumi.Context, name string, cfg config.Config, net *network.Network, opts ...pulumi.ResourceOption) (*Cluster, error) {
	c := &Cluster{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	nodeRole, err := iam.NewRole(ctx, name+"-node", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(iampolicy.ServiceTrust("ec2.amazonaws.com").JSON()),
		Description:      pulumi.String("Instance role of the Milvus EKS nodes of " + cfg.ClusterName),
	}, parent)
	if err != nil {
		return nil, err
	}
	for _, policy := range NodePolicies {
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-node-"+policy, &iam.RolePolicyAttachmentArgs{
			Role:      nodeRole.Name,
			PolicyArn: pulumi.String(iampolicy.ManagedPolicyArn(cfg.Region, policy)),
		}, parent); err != nil {
			return nil, err
		}
	}

	skipDefaultNodeGroup := true
	useDefaultVpcCni := true
	cluster, err := eks.NewCluster(ctx, name, &eks.ClusterArgs{
		Name:               pulumi.String(cfg.ClusterName),
		Version:            pulumi.String(cfg.KubernetesVersion),
		VpcId:              net.VpcID,
		PublicSubnetIds:    net.PublicSubnetIDs,
		PrivateSubnetIds:   net.PrivateSubnetIDs,
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
		InstanceTypes: pulumi.ToStringArray(cfg.NodeGroup.InstanceTypes),
		// Nodes only in the private subnets; the public ones hold load balancers.
		SubnetIds: net.PrivateSubnetIDs,
		DiskSize:  pulumi.Int(cfg.NodeGroup.DiskSizeGiB),
		ScalingConfig: &awseks.NodeGroupScalingConfigArgs{
			MinSize:     pulumi.Int(cfg.NodeGroup.MinSize),
			DesiredSize: pulumi.Int(cfg.NodeGroup.DesiredSize),
			MaxSize:     pulumi.Int(cfg.NodeGroup.MaxSize),
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

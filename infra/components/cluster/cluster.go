// Package cluster is where Milvus runs. In create mode it declares the EKS
// cluster with its IAM OIDC provider, the EKS-managed VPC CNI add-on and a
// managed node group with its own IAM role (Cluster); a cluster someone else
// runs is found and reached by the package existing. Either way the rest of
// the stack gets an Access, with the Kubernetes provider every Kubernetes
// resource of the stack must use.
package cluster

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-eks/sdk/v2/go/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/controlplane"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/kubeconfig"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/nodeguarantees"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
)

// TypeToken is the Cluster component's type.
const TypeToken = "milvus-eks:cluster:Cluster"

// NodePolicies are the AWS managed policies a node's instance role needs:
// join the cluster and pull images from ECR (the EKS user guide, "Amazon
// EKS node IAM role"). The VPC CNI's policy is not among them: the CNI has
// a role of its own (CNIPolicy), so that no pod can borrow the node's.
var NodePolicies = []string{
	"AmazonEKSWorkerNodePolicy",
	"AmazonEC2ContainerRegistryReadOnly",
}

// CNIPolicy is the VPC CNI's managed policy, held by its own IRSA role,
// bound to the aws-node ServiceAccount in kube-system.
const (
	CNIPolicy         = "AmazonEKS_CNI_Policy"
	CNINamespace      = "kube-system"
	CNIServiceAccount = "aws-node"
)

// CNISettings are the VPC CNI add-on's configuration values: its network
// policy agent enforces the NetworkPolicies of Milvus' namespace (off by
// default, when the CNI ignores them). EKS reads the values as strings.
type CNISettings struct {
	EnableNetworkPolicy string `json:"enableNetworkPolicy"`
}

// CNIConfiguration is the add-on's configuration, as the JSON EKS takes.
func CNIConfiguration() string {
	raw, err := json.Marshal(CNISettings{EnableNetworkPolicy: "true"})
	if err != nil {
		panic(err)
	}
	return string(raw)
}

// CNITag is the node group's tag that names the VPC CNI add-on it waits for.
const CNITag = "milvus-eks/vpc-cni-addon"

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
	// LaunchTemplateID is the nodes' launch template, which the post-deploy
	// checks (verify/) read.
	LaunchTemplateID pulumi.StringOutput
	// Arn is the EKS cluster's ARN; SecurityGroupID the security group EKS
	// creates for it, which the managed nodes carry (their launch template
	// names none): what AMP's managed collector joins to reach them.
	Arn             pulumi.StringOutput
	SecurityGroupID pulumi.StringOutput
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
	ControlPlane     ControlPlane
	// Protect keeps `pulumi destroy` from deleting the cluster (production).
	Protect bool
}

// ControlPlane is who reaches the cluster's API, from where, and what it
// logs (controlplane says how each becomes EKS settings).
type ControlPlane struct {
	// Admins and Viewers are IAM principal ARNs given access entries.
	Admins, Viewers []string
	// PublicCidrs may reach the public endpoint; none turns it off.
	PublicCidrs []string
	Logs        bool
	// ReleaseNamespaces hold the stack's Helm releases, whose Secrets the
	// viewers may read.
	ReleaseNamespaces []string
}

// NodeGroup sizes the managed node group, and labels its nodes.
type NodeGroup struct {
	InstanceTypes        []string
	MinSize, DesiredSize int
	DiskSizeGiB          int
	// Labels are the nodes' Kubernetes labels (the system pool's, with
	// Karpenter).
	Labels map[string]string
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
	authenticationMode := eks.AuthenticationMode(controlplane.AuthenticationMode)
	var logTypes pulumi.StringArrayInput
	if args.ControlPlane.Logs {
		logTypes = pulumi.ToStringArray(controlplane.LogTypes)
	}
	cluster, err := eks.NewCluster(ctx, name, &eks.ClusterArgs{
		Name:             pulumi.String(args.Name),
		Version:          pulumi.String(args.Version),
		VpcId:            args.VpcID,
		PublicSubnetIds:  args.PublicSubnetIDs,
		PrivateSubnetIds: args.PrivateSubnetIDs,
		// The IAM OIDC provider is declared below, not by pulumi-eks: its
		// Go SDK cannot read the component's core (where the provider is)
		// once the cluster has access entries (pulumi/pulumi-eks#1435).
		CreateOidcProvider: pulumi.Bool(false),
		// The managed node group below replaces pulumi-eks' default one.
		SkipDefaultNodeGroup: &skipDefaultNodeGroup,
		// Keep the CNI EKS installs and manage it as an EKS add-on below,
		// instead of pulumi-eks applying its own manifest with kubectl.
		UseDefaultVpcCni: &useDefaultVpcCni,
		// Access entries only. EKS gives the managed node group's role its
		// own entry; pulumi-eks gives the principal that creates the
		// cluster an administrator's entry, which EKS lists like any other.
		AuthenticationMode: &authenticationMode,
		AccessEntries:      accessEntries(args),
		// The API is always reachable from inside the VPC; from outside
		// only from the listed blocks, or not at all.
		EndpointPrivateAccess:  pulumi.Bool(true),
		EndpointPublicAccess:   pulumi.Bool(controlplane.PublicAccess(args.ControlPlane.PublicCidrs)),
		PublicAccessCidrs:      publicCidrs(args.ControlPlane.PublicCidrs),
		EnabledClusterLogTypes: logTypes,
	}, parent, pulumi.Protect(args.Protect))
	if err != nil {
		return nil, err
	}

	// The cluster's IAM OIDC provider, which every IRSA role trusts. Its
	// audience is STS; no thumbprint, as IAM verifies EKS' issuer with its
	// own trusted CAs and fills it in (CreateOpenIDConnectProvider,
	// ThumbprintList).
	issuer := cluster.EksCluster.Identities().ApplyT(func(identities []awseks.ClusterIdentity) (string, error) {
		if len(identities) == 0 || len(identities[0].Oidcs) == 0 || identities[0].Oidcs[0].Issuer == nil {
			return "", fmt.Errorf("EKS reported no OIDC issuer for cluster %s", args.Name)
		}
		return *identities[0].Oidcs[0].Issuer, nil
	}).(pulumi.StringOutput)
	oidc, err := iam.NewOpenIdConnectProvider(ctx, name+"-oidc", &iam.OpenIdConnectProviderArgs{
		Url:           issuer,
		ClientIdLists: pulumi.StringArray{pulumi.String(trust.STSAudience)},
	}, parent)
	if err != nil {
		return nil, err
	}

	cniRole, err := irsa.New(ctx, name+"-vpc-cni", irsa.Args{
		OidcProviderArn: oidc.Arn,
		OidcIssuerURL:   issuer,
		Namespace:       CNINamespace,
		ServiceAccount:  CNIServiceAccount,
		Policies:        []irsa.Policy{{Name: CNIPolicy, Arn: pulumi.String(iampolicy.ManagedPolicyArn(args.Region, CNIPolicy))}},
	}, parent)
	if err != nil {
		return nil, err
	}
	cni, err := awseks.NewAddon(ctx, name+"-vpc-cni", &awseks.AddonArgs{
		ClusterName: cluster.EksCluster.Name(),
		AddonName:   pulumi.String("vpc-cni"),
		// Adopt the CNI that EKS installed when it created the cluster.
		ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
		ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
		ServiceAccountRoleArn:    cniRole.Arn,
		ConfigurationValues:      pulumi.String(CNIConfiguration()),
	}, parent)
	if err != nil {
		return nil, err
	}

	// Karpenter's node class is built from the same guarantees.
	g := nodeguarantees.Of(args.Nodes.DiskSizeGiB)
	launchTemplate, err := ec2.NewLaunchTemplate(ctx, name+"-nodes", &ec2.LaunchTemplateArgs{
		Description: pulumi.String("Nodes of " + args.Name + ": IMDSv2 only, out of pods' reach; an encrypted gp3 root volume"),
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String(g.HTTPTokens),
			HttpPutResponseHopLimit: pulumi.Int(g.HopLimit),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String(g.RootDevice),
			Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize:          pulumi.Int(g.SizeGiB),
				VolumeType:          pulumi.String(g.VolumeType),
				Encrypted:           pulumi.String(strconv.FormatBool(g.Encrypted)),
				DeleteOnTermination: pulumi.String(strconv.FormatBool(g.DeleteOnTermination)),
			},
		}},
	}, parent)
	if err != nil {
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
		// The root volume's size is the launch template's: EKS refuses a
		// disk size beside one.
		LaunchTemplate: &awseks.NodeGroupLaunchTemplateArgs{
			Id:      launchTemplate.ID(),
			Version: launchTemplate.LatestVersion.ApplyT(func(v int) string { return strconv.Itoa(v) }).(pulumi.StringOutput),
		},
		// Nothing scales the group (no autoscaler runs on it), so its
		// maximum is the size it keeps; Karpenter's pools are what grow.
		ScalingConfig: &awseks.NodeGroupScalingConfigArgs{
			MinSize:     pulumi.Int(args.Nodes.MinSize),
			DesiredSize: pulumi.Int(args.Nodes.DesiredSize),
			MaxSize:     pulumi.Int(args.Nodes.DesiredSize),
		},
		Labels: nodeLabels(args.Nodes.Labels),
		// Nodes that came up before the CNI add-on had its role would run
		// an aws-node without credentials. A DependsOn on pulumi-eks'
		// component does not reach the aws.eks.NodeGroup it creates inside
		// (its code passes its own dependsOn), but an input does: the tag
		// carries the add-on's ARN, so the node group itself depends on the
		// add-on. The ARN never changes for a cluster's add-on.
		Tags: pulumi.StringMap{CNITag: cni.Arn},
	}, parent)
	if err != nil {
		return nil, err
	}

	c.Name = cluster.EksCluster.Name()
	c.Arn = cluster.EksCluster.Arn()
	c.SecurityGroupID = cluster.EksCluster.VpcConfig().ClusterSecurityGroupId().Elem()
	// The kubeconfig is the project's own, like an existing cluster's: it
	// names no AWS profile or role, so that whoever runs Pulumi next (a
	// person with AWS_PROFILE set, CI with its role) reaches the cluster
	// with their own credentials.
	c.Kubeconfig = pulumi.ToSecret(pulumi.All(c.Name, cluster.EksCluster.Endpoint(), cluster.EksCluster.CertificateAuthority().Data().Elem()).ApplyT(
		func(v []any) (string, error) {
			return kubeconfig.Of(kubeconfig.Cluster{Name: v[0].(string), Region: args.Region, Endpoint: v[1].(string), CertificateAuthorityData: v[2].(string)})
		})).(pulumi.StringOutput)
	c.OidcProviderArn = oidc.Arn
	c.OidcIssuerURL = issuer
	c.NodeGroup = nodeGroup
	c.LaunchTemplateID = launchTemplate.ID().ToStringOutput()

	c.Provider, err = kubernetes.NewProvider(ctx, name, &kubernetes.ProviderArgs{
		Kubeconfig: c.Kubeconfig,
	}, parent)
	if err != nil {
		return nil, err
	}

	componentOutputs := c.Access().Outputs()
	componentOutputs["launchTemplateId"] = c.LaunchTemplateID
	return c, ctx.RegisterResourceOutputs(c, componentOutputs)
}

// accessEntries are the administrators' and viewers' entries.
func accessEntries(args Args) map[string]eks.AccessEntryArgs {
	var entries map[string]eks.AccessEntryArgs
	for _, e := range controlplane.Entries(args.Region, args.ControlPlane.Admins, args.ControlPlane.Viewers, args.ControlPlane.ReleaseNamespaces) {
		if entries == nil {
			entries = map[string]eks.AccessEntryArgs{}
		}
		policies := map[string]eks.AccessPolicyAssociationInput{}
		for _, p := range e.Policies {
			scope := awseks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")}
			if len(p.Namespaces) > 0 {
				scope = awseks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("namespace"), Namespaces: pulumi.ToStringArray(p.Namespaces)}
			}
			policies[p.Name] = eks.AccessPolicyAssociationArgs{PolicyArn: pulumi.String(p.PolicyArn), AccessScope: scope}
		}
		entries[e.Name] = eks.AccessEntryArgs{PrincipalArn: pulumi.String(e.PrincipalArn), AccessPolicies: policies}
	}
	return entries
}

// publicCidrs are the blocks that reach the public endpoint; none when it
// is off, since EKS refuses CIDRs for an endpoint that is not there.
func publicCidrs(cidrs []string) pulumi.StringArrayInput {
	if len(cidrs) == 0 {
		return nil
	}
	return pulumi.ToStringArray(cidrs)
}

// nodeLabels are the node group's labels; none when empty.
func nodeLabels(labels map[string]string) pulumi.StringMapInput {
	if len(labels) == 0 {
		return nil
	}
	return pulumi.ToStringMap(labels)
}

package karpenter

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/karpentervalues"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/published"
	"github.com/milvus-eks/milvus-eks/infra/facts"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
)

// DiscoveryTag marks the subnets and security group Karpenter's nodes use,
// as its guides tag them. The node class selects them by ID all the same,
// so that a subnet tagged by mistake is never picked.
const DiscoveryTag = "karpenter.sh/discovery"

// SkippedPolicies are the published policies the stack leaves out: the
// zonal shift one serves settings.enableZonalShift, which it leaves off.
var SkippedPolicies = []string{"ZonalShiftPolicy"}

// NodeAccessEntryType is the access entry that lets an EC2 Linux node of
// the nodes' role join the cluster.
const NodeAccessEntryType = "EC2_LINUX"

// awsResources are what Karpenter needs of AWS.
type awsResources struct {
	nodeRole       *iam.Role
	accessEntry    *awseks.AccessEntry
	queue          *sqs.Queue
	controllerRole *irsa.Role
}

// declareAWS declares the nodes' role and access entry, the interruption
// queue with its policy and rules, the controller's policies and role, and
// the discovery tags.
func declareAWS(ctx *pulumi.Context, name string, args Args, parent pulumi.ResourceOption) (awsResources, error) {
	var out awsResources
	var err error
	// The nodes' role has what the node group's has, no more: the VPC
	// CNI's policy is on its own IRSA role (cluster.CNIPolicy), where the
	// published template puts it on the nodes.
	out.nodeRole, err = iam.NewRole(ctx, name+"-node", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(iampolicy.ServiceTrust("ec2.amazonaws.com").JSON()),
		Description:      pulumi.String("Instance role of the nodes Karpenter starts for " + args.ClusterName),
	}, parent)
	if err != nil {
		return out, err
	}
	for _, policy := range cluster.NodePolicies {
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-node-"+policy, &iam.RolePolicyAttachmentArgs{
			Role:      out.nodeRole.Name,
			PolicyArn: pulumi.String(iampolicy.ManagedPolicyArn(args.Region, policy)),
		}, parent); err != nil {
			return out, err
		}
	}
	out.accessEntry, err = awseks.NewAccessEntry(ctx, name+"-node", &awseks.AccessEntryArgs{
		ClusterName:  pulumi.String(args.ClusterName),
		PrincipalArn: out.nodeRole.Arn,
		Type:         pulumi.String(NodeAccessEntryType),
	}, parent)
	if err != nil {
		return out, err
	}

	queue, err := published.InterruptionQueue()
	if err != nil {
		return out, err
	}
	out.queue, err = sqs.NewQueue(ctx, name+"-interruptions", &sqs.QueueArgs{
		// The published template names the queue after the cluster, and
		// the chart's settings.interruptionQueue takes the name.
		Name:                    pulumi.String(args.ClusterName),
		MessageRetentionSeconds: pulumi.Int(queue.RetentionSeconds),
		SqsManagedSseEnabled:    pulumi.Bool(queue.ManagedSSE),
	}, parent)
	if err != nil {
		return out, err
	}
	queuePolicy := out.queue.Arn.ApplyT(func(arn string) (string, error) { return published.QueuePolicy(arn) }).(pulumi.StringOutput)
	if _, err := sqs.NewQueuePolicy(ctx, name+"-interruptions", &sqs.QueuePolicyArgs{
		QueueUrl: out.queue.Url,
		Policy:   queuePolicy,
	}, parent); err != nil {
		return out, err
	}
	rules, err := published.Rules()
	if err != nil {
		return out, err
	}
	for _, r := range rules {
		logical := name + "-" + strings.TrimSuffix(r.Resource, "Rule")
		rule, err := cloudwatch.NewEventRule(ctx, logical, &cloudwatch.EventRuleArgs{
			Description:  pulumi.String("Sends " + r.Resource + "'s events to Karpenter's interruption queue of " + args.ClusterName),
			EventPattern: pulumi.String(r.Pattern),
		}, parent)
		if err != nil {
			return out, err
		}
		if _, err := cloudwatch.NewEventTarget(ctx, logical, &cloudwatch.EventTargetArgs{
			Rule:     rule.Name,
			Arn:      out.queue.Arn,
			TargetId: pulumi.String(r.TargetID),
		}, parent); err != nil {
			return out, err
		}
	}

	resources, err := published.ControllerPolicyResources(SkippedPolicies...)
	if err != nil {
		return out, err
	}
	// The documents, in the resources' order, once the account (the nodes'
	// role's) and the queue are known.
	documents := pulumi.All(out.nodeRole.Arn, out.queue.Arn).ApplyT(func(v []any) ([]string, error) {
		values, err := valuesOf(args, v[0].(string), v[1].(string))
		if err != nil {
			return nil, err
		}
		policies, err := published.ControllerPolicies(values, SkippedPolicies...)
		var texts []string
		for _, p := range policies {
			texts = append(texts, p.Document)
		}
		return texts, err
	}).(pulumi.StringArrayOutput)
	var policies []irsa.Policy
	for i, resource := range resources {
		policy, err := iam.NewPolicy(ctx, name+"-"+resource, &iam.PolicyArgs{
			Description: pulumi.String("Karpenter's " + resource + " for " + args.ClusterName + ", as Karpenter " + published.Version + " publishes it"),
			Policy:      documents.Index(pulumi.Int(i)),
		}, parent)
		if err != nil {
			return out, err
		}
		policies = append(policies, irsa.Policy{Name: resource, Arn: policy.Arn})
	}
	out.controllerRole, err = irsa.New(ctx, name, irsa.Args{
		OidcProviderArn: args.Cluster.OidcProviderArn,
		OidcIssuerURL:   args.Cluster.OidcIssuerURL,
		Namespace:       karpentervalues.Namespace,
		ServiceAccount:  karpentervalues.ServiceAccountName,
		Policies:        policies,
	}, parent)
	if err != nil {
		return out, err
	}

	if args.TagSubnets == 0 {
		return out, nil
	}
	for i := range args.TagSubnets {
		if _, err := ec2.NewTag(ctx, fmt.Sprintf("%s-subnet-%d", name, i), &ec2.TagArgs{
			ResourceId: args.PrivateSubnetIDs.ToStringArrayOutput().Index(pulumi.Int(i)),
			Key:        pulumi.String(DiscoveryTag),
			Value:      pulumi.String(args.ClusterName),
		}, parent); err != nil {
			return out, err
		}
	}
	_, err = ec2.NewTag(ctx, name+"-security-group", &ec2.TagArgs{
		ResourceId: args.SecurityGroupID,
		Key:        pulumi.String(DiscoveryTag),
		Value:      pulumi.String(args.ClusterName),
	}, parent)
	return out, err
}

// valuesOf are the template's values in this stack: the account is the
// nodes' role's.
func valuesOf(args Args, nodeRoleArn, queueArn string) (published.Values, error) {
	parts := strings.Split(nodeRoleArn, ":")
	if len(parts) < 5 || parts[4] == "" {
		return published.Values{}, fmt.Errorf("karpenter: the nodes' role ARN %q names no account", nodeRoleArn)
	}
	return published.Values{
		ClusterName: args.ClusterName,
		Region:      args.Region,
		Partition:   facts.Partition(args.Region),
		AccountID:   parts[4],
		NodeRoleArn: nodeRoleArn,
		QueueArn:    queueArn,
	}, nil
}

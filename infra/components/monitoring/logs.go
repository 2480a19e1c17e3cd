package monitoring

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/containerlogs"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
)

// Logs ships the pods' logs of a cluster the stack creates.
type Logs struct {
	Cluster cluster.Access
	// ClusterName names the log groups.
	ClusterName string
}

// shipLogs declares the log groups with their retention, the add-on's
// role, and the add-on.
func shipLogs(ctx *pulumi.Context, name string, args Args, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	l := args.Logs
	var groups []pulumi.Resource
	for _, group := range containerlogs.LogGroups(l.ClusterName) {
		g, err := cloudwatch.NewLogGroup(ctx, name+"-"+group, &cloudwatch.LogGroupArgs{
			Name:            pulumi.String(group),
			RetentionInDays: pulumi.Int(args.LogRetentionDays),
		}, parent)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		groups = append(groups, g)
	}
	role, err := irsa.New(ctx, name+"-logs", irsa.Args{
		OidcProviderArn: l.Cluster.OidcProviderArn,
		OidcIssuerURL:   l.Cluster.OidcIssuerURL,
		Namespace:       containerlogs.Namespace,
		ServiceAccount:  containerlogs.ServiceAccount,
		Policies:        []irsa.Policy{{Name: containerlogs.Policy, Arn: pulumi.String(iampolicy.ManagedPolicyArn(args.Region, containerlogs.Policy))}},
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	// The groups must exist before Fluent Bit writes, or it creates them
	// without retention and the stack's creation of them fails; nothing
	// in the add-on's inputs names them.
	_, err = awseks.NewAddon(ctx, name+"-logs", &awseks.AddonArgs{
		ClusterName:           l.Cluster.Name,
		AddonName:             pulumi.String(containerlogs.AddonName),
		ServiceAccountRoleArn: role.Arn,
		ConfigurationValues:   pulumi.String(containerlogs.ConfigurationValues()),
	}, parent, pulumi.DependsOn(append(groups, l.Cluster.WaitForNodes()...)))
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return pulumi.String(containerlogs.LogGroups(l.ClusterName)[0]).ToStringOutput(), nil
}

package cluster

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/controlplane"
)

// AdminsWhoCreate lists the administrators (ARNs) that are the principal
// running Pulumi, when this run creates the cluster. EKS gives the principal
// that creates a cluster an administrator's access entry of its own
// (pulumi-eks asks it to, bootstrapClusterCreatorAdminPermissions), and a
// second entry for the same principal fails the update
// (ResourceInUseException): such an administrator must wait until someone
// else has created the cluster. Once the cluster exists, its creator is no
// longer known, and nothing is listed.
func AdminsWhoCreate(ctx *pulumi.Context, clusterName string, admins []string) ([]string, error) {
	if len(admins) == 0 {
		return nil, nil
	}
	if _, err := awseks.LookupCluster(ctx, &awseks.LookupClusterArgs{Name: clusterName}); err == nil {
		return nil, nil
	} else if !strings.Contains(err.Error(), "couldn't find resource") {
		// Whether the cluster exists cannot be told (a preview role may
		// lack eks:DescribeCluster): say nothing rather than guess.
		return nil, nil
	}
	caller, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, arn := range admins {
		if controlplane.SamePrincipal(caller.Arn, arn) {
			out = append(out, arn)
		}
	}
	return out, nil
}

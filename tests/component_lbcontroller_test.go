package tests

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/lbcontroller"
	"github.com/milvus-eks/milvus-eks/infra/components/lbcontroller/controllervalues"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy/controllerpolicy"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// The controller gets the IAM policy its release publishes, through its own
// IRSA role, and the chart is pinned, atomic, and told its cluster, region
// and VPC.
func TestLoadBalancerControllerComponent(t *testing.T) {
	s, err := mockcloud.RunPart("eu-west-1", func(ctx *pulumi.Context) error {
		access, err := mockcloud.ClusterAccess(ctx, nil)
		if err != nil {
			return err
		}
		_, err = lbcontroller.New(ctx, "load-balancer-controller", lbcontroller.Args{
			Chart: controllerChart, Region: "eu-west-1", VpcID: pulumi.String("vpc-0123456789abcdef0"), Cluster: access,
		})
		return err
	})
	require.NoError(t, err)

	published, err := controllerpolicy.ForChart("3.5.0")
	require.NoError(t, err)
	assert.JSONEq(t, published, s.Of("aws:iam/policy:Policy")[0].Input("policy").StringValue())

	release := s.Of("kubernetes:helm.sh/v3:Release")[0]
	provider := s.Of("pulumi:providers:kubernetes")[0]
	assert.Equal(t, provider.URN+"::"+provider.ID, release.Provider)
	assert.Equal(t, "3.5.0", release.Input("version").StringValue())
	assert.True(t, release.Input("atomic").BoolValue())
	role := "arn:aws:iam::" + mockcloud.AccountID + ":role/load-balancer-controller"
	assert.Equal(t, controllervalues.Build(mockcloud.ClusterName, "eu-west-1", "vpc-0123456789abcdef0", role).Map(),
		mockcloud.Plain(release.Input("values")))
}

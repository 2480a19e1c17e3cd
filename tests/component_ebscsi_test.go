package tests

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/ebscsi"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// The driver runs under its own IRSA role, once the nodes exist; its
// encrypted gp3 class becomes the default, and gp2 stops being one. Every
// Kubernetes object goes through the cluster's provider.
func TestEbsCsiComponent(t *testing.T) {
	s, err := mockcloud.RunPart("us-east-2", func(ctx *pulumi.Context) error {
		// Anything stands for the node group: the driver only waits for it.
		nodes, err := ec2.NewVpc(ctx, "nodes", &ec2.VpcArgs{})
		if err != nil {
			return err
		}
		access, err := mockcloud.ClusterAccess(ctx, nodes)
		if err != nil {
			return err
		}
		_, err = ebscsi.New(ctx, "ebs-csi-driver", ebscsi.Args{Version: "v1.48.0-eksbuild.1", Region: "us-east-2", Cluster: access})
		return err
	})
	require.NoError(t, err)
	nodes := s.Of("aws:ec2/vpc:Vpc")[0]
	provider := s.Of("pulumi:providers:kubernetes")[0]

	addon := s.Of("aws:eks/addon:Addon")[0]
	assert.Equal(t, map[string]any{
		"clusterName": mockcloud.ClusterName, "addonName": ebscsi.AddonName, "addonVersion": "v1.48.0-eksbuild.1",
		"serviceAccountRoleArn": "arn:aws:iam::" + mockcloud.AccountID + ":role/ebs-csi-driver",
	}, mockcloud.Plain(addon.Input()))
	assert.True(t, addon.DependsOn(nodes), "the add-on becomes active only once its pods are scheduled")

	role := s.Of("aws:iam/role:Role")[0]
	assert.JSONEq(t, trust.WebIdentityTrust(mockcloud.OidcProviderArn("us-east-2"), mockcloud.OidcIssuerHost("us-east-2"), ebscsi.Namespace, ebscsi.ServiceAccount).JSON(),
		role.Input("assumeRolePolicy").StringValue())
	assert.Equal(t, "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
		s.Of("aws:iam/rolePolicyAttachment:RolePolicyAttachment")[0].Input("policyArn").StringValue())

	gp3 := s.Of("kubernetes:storage.k8s.io/v1:StorageClass")[0]
	assert.Equal(t, map[string]any{"type": "gp3", "encrypted": "true"}, mockcloud.Plain(gp3.Input("parameters")))
	assert.Equal(t, "true", gp3.Input("metadata", "annotations", ebscsi.DefaultClassAnnotation).StringValue())
	assert.Equal(t, "WaitForFirstConsumer", gp3.Input("volumeBindingMode").StringValue())
	gp2 := s.Of("kubernetes:storage.k8s.io/v1:StorageClassPatch")[0]
	assert.Equal(t, "false", gp2.Input("metadata", "annotations", ebscsi.DefaultClassAnnotation).StringValue())
	for _, r := range []*mockcloud.Resource{gp3, gp2} {
		assert.Equal(t, provider.URN+"::"+provider.ID, r.Provider, r.Type)
	}
}

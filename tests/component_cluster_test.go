package tests

import (
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// The cluster is created with its OIDC provider in the given subnets, its
// nodes only in the private ones, with a role that has the node policies;
// the Kubernetes provider reaches it with its kubeconfig, kept secret.
func TestClusterComponent(t *testing.T) {
	var access cluster.Access
	s, err := mockcloud.RunPart("us-west-2", func(ctx *pulumi.Context) error {
		c, err := cluster.New(ctx, "cluster", cluster.Args{
			Name: "milvus-test", Version: "1.34", Region: "us-west-2",
			VpcID:            pulumi.String("vpc-0123456789abcdef0"),
			PublicSubnetIDs:  pulumi.ToStringArray([]string{"subnet-public-a", "subnet-public-b"}),
			PrivateSubnetIDs: pulumi.ToStringArray([]string{"subnet-private-a", "subnet-private-b"}),
			Nodes:            cluster.NodeGroup{InstanceTypes: []string{"m6i.xlarge"}, MinSize: 1, DesiredSize: 2, DiskSizeGiB: 50},
			// With an access entry, pulumi-eks' core holds references its Go
			// SDK cannot read: the component must not read it.
			ControlPlane: cluster.ControlPlane{Admins: []string{"arn:aws:iam::111122223333:role/milvus-eks-test-deploy"}},
		})
		if c != nil {
			access = c.Access()
		}
		return err
	})
	require.NoError(t, err)

	eks := s.Of("eks:index:Cluster")[0]
	assert.Equal(t, "milvus-test", eks.Input("name").StringValue())
	assert.Equal(t, "1.34", eks.Input("version").StringValue())
	assert.False(t, eks.Input("createOidcProvider").BoolValue(), "the component declares the OIDC provider itself")
	oidc := s.Of("aws:iam/openIdConnectProvider:OpenIdConnectProvider")[0]
	assert.Equal(t, map[string]any{
		"url":           "https://" + mockcloud.OidcIssuerHost("us-west-2"),
		"clientIdLists": []any{"sts.amazonaws.com"},
	}, mockcloud.Plain(oidc.Input()), "the issuer EKS reports, STS as the audience, and no thumbprint: IAM verifies EKS' issuer itself")
	assert.Contains(t, oidc.Dependencies, s.StandIns[0].URN, "the provider waits for the EKS cluster")
	cniRole := s.Named("aws:iam/role:Role", "cluster-vpc-cni")[0]
	assert.Contains(t, cniRole.Dependencies, oidc.URN)
	assert.Contains(t, cniRole.Input("assumeRolePolicy").StringValue(), `"Federated":"`+mockcloud.OidcProviderArn("us-west-2")+`"`)
	// The CNI enforces NetworkPolicies (Milvus' namespace has some).
	cni := s.Named("aws:eks/addon:Addon", "cluster-vpc-cni")[0]
	assert.Equal(t, `{"enableNetworkPolicy":"true"}`, cni.Input("configurationValues").StringValue())
	assert.Equal(t, []any{"subnet-private-a", "subnet-private-b"}, mockcloud.Plain(eks.Input("privateSubnetIds")))

	nodes := s.Of("eks:index:ManagedNodeGroup")[0]
	assert.Equal(t, []any{"subnet-private-a", "subnet-private-b"}, mockcloud.Plain(nodes.Input("subnetIds")))
	assert.Equal(t, map[string]any{"minSize": float64(1), "desiredSize": float64(2), "maxSize": float64(2)}, mockcloud.Plain(nodes.Input("scalingConfig")))
	assert.Equal(t, cluster.NodeAmiType, nodes.Input("amiType").StringValue())

	var attached []string
	for _, a := range s.Of("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if a.Input("role").StringValue() == "cluster-node" {
			attached = append(attached, a.Input("policyArn").StringValue())
		}
	}
	var want []string
	for _, p := range cluster.NodePolicies {
		want = append(want, iampolicy.ManagedPolicyArn("us-west-2", p))
	}
	// The engine registers the attachments concurrently.
	sort.Strings(want)
	sort.Strings(attached)
	assert.Equal(t, want, attached)

	provider := s.Of("pulumi:providers:kubernetes")[0]
	assert.True(t, provider.Input("kubeconfig").IsSecret(), "the kubeconfig is a secret")
	component := s.Of(cluster.TypeToken)[0]
	for _, r := range []*mockcloud.Resource{eks, oidc, nodes, provider} {
		assert.Equal(t, component.URN, r.Parent, r.Type)
	}
	assert.NotNil(t, access.Nodes, "pods wait for the node group")
}

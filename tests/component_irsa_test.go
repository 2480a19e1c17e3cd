package tests

import (
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/irsa"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// The role trusts exactly one ServiceAccount of one cluster, and has each
// policy attached under its own name.
func TestIRSAComponent(t *testing.T) {
	const provider = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-2.amazonaws.com/id/EXAMPLE"
	s, err := mockcloud.RunPart("us-east-2", func(ctx *pulumi.Context) error {
		_, err := irsa.New(ctx, "app", irsa.Args{
			OidcProviderArn: pulumi.String(provider),
			OidcIssuerURL:   pulumi.String("https://oidc.eks.us-east-2.amazonaws.com/id/EXAMPLE"),
			Namespace:       "apps",
			ServiceAccount:  "app",
			Policies: []irsa.Policy{
				{Name: "s3", Arn: pulumi.String("arn:aws:iam::111122223333:policy/s3")},
				{Name: "kms", Arn: pulumi.String("arn:aws:iam::111122223333:policy/kms")},
			},
		})
		return err
	})
	require.NoError(t, err)

	role := s.Of("aws:iam/role:Role")[0]
	assert.Equal(t, s.Of(irsa.TypeToken)[0].URN, role.Parent)
	assert.JSONEq(t, trust.WebIdentityTrust(provider, "https://oidc.eks.us-east-2.amazonaws.com/id/EXAMPLE", "apps", "app").JSON(),
		role.Input("assumeRolePolicy").StringValue())
	var attached []string
	for _, a := range s.Of("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		attached = append(attached, a.Name+" "+a.Input("policyArn").StringValue())
	}
	sort.Strings(attached) // the engine registers them concurrently
	assert.Equal(t, []string{"app-kms arn:aws:iam::111122223333:policy/kms", "app-s3 arn:aws:iam::111122223333:policy/s3"}, attached)
}

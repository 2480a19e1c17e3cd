// Package irsa declares IAM roles for Kubernetes ServiceAccounts (IRSA): a
// role that only one ServiceAccount of one cluster may assume, through the
// cluster's IAM OIDC provider, with policies attached.
package irsa

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
)

// TypeToken is the Role component's type.
const TypeToken = "milvus-eks:irsa:Role"

// Policy is a policy to attach, under a short name that names the attachment.
type Policy struct {
	Name string
	Arn  pulumi.StringInput
}

// Args says which ServiceAccount may assume the role and what it may do.
type Args struct {
	OidcProviderArn pulumi.StringInput
	OidcIssuerURL   pulumi.StringInput
	Namespace       string
	ServiceAccount  string
	Policies        []Policy
}

// Role is the IAM role and its attachments.
type Role struct {
	pulumi.ResourceState

	Arn  pulumi.StringOutput `pulumi:"arn"`
	Name pulumi.StringOutput `pulumi:"name"`
}

// New declares the role. Its name is left to Pulumi, which adds a random
// suffix: IAM names are account-wide, and dev and prod may share an account.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Role, error) {
	r := &Role{}
	if err := ctx.RegisterComponentResource(TypeToken, name, r, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(r)

	trust := pulumi.All(args.OidcProviderArn, args.OidcIssuerURL).ApplyT(func(v []any) string {
		return trust.WebIdentityTrust(v[0].(string), v[1].(string), args.Namespace, args.ServiceAccount).JSON()
	}).(pulumi.StringOutput)
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		AssumeRolePolicy: trust,
		Description:      pulumi.String("Assumed by the ServiceAccount " + args.Namespace + "/" + args.ServiceAccount + " through IRSA"),
	}, parent)
	if err != nil {
		return nil, err
	}
	// The ARN is handed out only once every policy is attached, so that
	// whatever uses it (the ServiceAccount annotation) waits for a role that
	// can do its job, through data dependencies alone.
	ready := []any{role.Arn}
	for _, p := range args.Policies {
		attachment, err := iam.NewRolePolicyAttachment(ctx, name+"-"+p.Name, &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: p.Arn,
		}, parent)
		if err != nil {
			return nil, err
		}
		ready = append(ready, attachment.ID())
	}

	r.Arn = pulumi.All(ready...).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput)
	r.Name = role.Name
	return r, ctx.RegisterResourceOutputs(r, pulumi.Map{"arn": r.Arn, "name": r.Name})
}

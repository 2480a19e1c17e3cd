// Package storage declares the S3 bucket that holds Milvus' data and the IAM
// policy that grants access to it and nothing else.
package storage

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
)

// TypeToken is the Storage component's type.
const TypeToken = "milvus-eks:storage:Storage"

// Storage is the bucket and its access policy.
type Storage struct {
	pulumi.ResourceState

	BucketName pulumi.StringOutput `pulumi:"bucketName"`
	BucketArn  pulumi.StringOutput `pulumi:"bucketArn"`
	// PolicyArn is the managed policy that lets Milvus list, read, write and
	// delete the bucket's objects.
	PolicyArn pulumi.StringOutput `pulumi:"policyArn"`
}

// New declares the bucket as the Milvus guide makes it: private, with object
// ownership ObjectWriter, named by config or generated from a prefix.
func New(ctx *pulumi.Context, name string, cfg config.Bucket, opts ...pulumi.ResourceOption) (*Storage, error) {
	st := &Storage{}
	if err := ctx.RegisterComponentResource(TypeToken, name, st, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(st)

	args := &s3.BucketV2Args{ForceDestroy: pulumi.Bool(cfg.ForceDestroy)}
	if cfg.Name != "" {
		args.Bucket = pulumi.String(cfg.Name)
	} else {
		args.BucketPrefix = pulumi.String(cfg.NamePrefix)
	}
	bucket, err := s3.NewBucketV2(ctx, name, args, parent)
	if err != nil {
		return nil, err
	}
	ownership, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule: &s3.BucketOwnershipControlsRuleArgs{
			ObjectOwnership: pulumi.String("ObjectWriter"),
		},
	}, parent)
	if err != nil {
		return nil, err
	}
	// S3 rejects an ACL while the bucket's ownership setting disables ACLs
	// (the default for new buckets), and nothing in the ACL's arguments refers
	// to the ownership controls: hence the explicit dependency.
	if _, err := s3.NewBucketAclV2(ctx, name, &s3.BucketAclV2Args{
		Bucket: bucket.ID(),
		Acl:    pulumi.String("private"),
	}, parent, pulumi.DependsOn([]pulumi.Resource{ownership})); err != nil {
		return nil, err
	}

	policy, err := iam.NewPolicy(ctx, name+"-access", &iam.PolicyArgs{
		Description: pulumi.String("Lets Milvus list, read, write and delete the objects of its bucket"),
		Policy: bucket.Arn.ApplyT(func(arn string) string {
			return iampolicy.S3Access(arn).JSON()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}

	st.BucketName = bucket.Bucket
	st.BucketArn = bucket.Arn
	st.PolicyArn = policy.Arn
	return st, ctx.RegisterResourceOutputs(st, pulumi.Map{
		"bucketName": st.BucketName,
		"bucketArn":  st.BucketArn,
		"policyArn":  st.PolicyArn,
	})
}

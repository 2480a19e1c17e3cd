// Package storage declares the S3 bucket that holds Milvus' data and the IAM
// policy that grants access to it and nothing else.
//
// Beyond the guide's private bucket with ObjectWriter ownership, the bucket
// is safe by default: every public access block setting on, default
// encryption, a policy that refuses requests without TLS, a lifecycle that
// cleans up what uploads leave behind, and, where configured, versioning and
// protection from `pulumi destroy`.
package storage

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/storage/s3policy"
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

// Lifecycle periods that are not configuration.
const (
	// abortMultipartUploadDays frees the parts of uploads that never
	// completed (a crashed flush), which S3 otherwise keeps and bills.
	abortMultipartUploadDays = 7
)

// Args describe the bucket.
type Args struct {
	// Name is the exact bucket name; empty means "generate one from NamePrefix".
	Name       string
	NamePrefix string
	// ForceDestroy lets `pulumi destroy` delete a bucket that still holds objects.
	ForceDestroy bool
	// Retain protects the bucket in Pulumi (protect) and leaves it in AWS,
	// with its settings, when it leaves the stack (retainOnDelete).
	Retain bool
	// Versioning keeps overwritten and deleted objects as noncurrent
	// versions, which expire after NoncurrentVersionDays.
	Versioning            bool
	NoncurrentVersionDays int
	// KmsKeyArn, when set, encrypts objects with that KMS key (SSE-KMS)
	// instead of S3-managed keys (SSE-S3), and lets Milvus use the key.
	KmsKeyArn string
}

// New declares the bucket as the Milvus guide makes it: private, with object
// ownership ObjectWriter, named or generated from a prefix; and hardened as
// the package comment says.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Storage, error) {
	st := &Storage{}
	if err := ctx.RegisterComponentResource(TypeToken, name, st, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(st)

	bucketArgs := &s3.BucketV2Args{ForceDestroy: pulumi.Bool(args.ForceDestroy)}
	if args.Name != "" {
		bucketArgs.Bucket = pulumi.String(args.Name)
	} else {
		bucketArgs.BucketPrefix = pulumi.String(args.NamePrefix)
	}
	// A retained bucket cannot be deleted through Pulumi (protect), and
	// leaving the stack leaves it in AWS with its data (retainOnDelete). Its
	// settings are retained with it: a bucket left behind stays closed,
	// encrypted and versioned.
	bucket, err := s3.NewBucketV2(ctx, name, bucketArgs, parent,
		pulumi.Protect(args.Retain), pulumi.RetainOnDelete(args.Retain))
	if err != nil {
		return nil, err
	}
	settings := pulumi.Composite(parent, pulumi.RetainOnDelete(args.Retain))
	block, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, settings)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules:  s3.BucketServerSideEncryptionConfigurationV2RuleArray{encryptionRule(args.KmsKeyArn)},
	}, settings); err != nil {
		return nil, err
	}
	// S3 refuses a bucket policy while it changes the public access block
	// of the same bucket (OperationAborted); nothing in the policy's
	// arguments refers to the block.
	if _, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: bucket.Arn.ApplyT(func(arn string) string {
			return s3policy.DenyInsecureTransport(arn).JSON()
		}).(pulumi.StringOutput),
	}, settings, pulumi.DependsOn([]pulumi.Resource{block})); err != nil {
		return nil, err
	}
	lifecycleOpts := []pulumi.ResourceOption{settings}
	if args.Versioning {
		versioning, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
			Bucket: bucket.ID(),
			VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{
				Status: pulumi.String("Enabled"),
			},
		}, settings)
		if err != nil {
			return nil, err
		}
		// S3 applies noncurrent-version rules only once versioning is on;
		// the lifecycle's arguments do not mention it.
		lifecycleOpts = append(lifecycleOpts, pulumi.DependsOn([]pulumi.Resource{versioning}))
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules:  lifecycleRules(args),
	}, lifecycleOpts...); err != nil {
		return nil, err
	}

	ownership, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule: &s3.BucketOwnershipControlsRuleArgs{
			ObjectOwnership: pulumi.String("ObjectWriter"),
		},
	}, settings)
	if err != nil {
		return nil, err
	}
	// S3 rejects an ACL while the bucket's ownership setting disables ACLs
	// (the default for new buckets), and nothing in the ACL's arguments refers
	// to the ownership controls: hence the explicit dependency.
	if _, err := s3.NewBucketAclV2(ctx, name, &s3.BucketAclV2Args{
		Bucket: bucket.ID(),
		Acl:    pulumi.String("private"),
	}, settings, pulumi.DependsOn([]pulumi.Resource{ownership})); err != nil {
		return nil, err
	}

	policy, err := iam.NewPolicy(ctx, name+"-access", &iam.PolicyArgs{
		Description: pulumi.String("Lets Milvus list, read, write and delete the objects of its bucket"),
		Policy: bucket.Arn.ApplyT(func(arn string) string {
			return s3policy.S3Access(arn, args.KmsKeyArn).JSON()
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

// encryptionRule is SSE-S3, or SSE-KMS with the given key. With KMS, an S3
// Bucket Key cuts the KMS requests (and their cost) to one per bucket key
// rather than one per object.
func encryptionRule(kmsKeyArn string) s3.BucketServerSideEncryptionConfigurationV2RuleArgs {
	if kmsKeyArn == "" {
		return s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}
	}
	return s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
		ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm:   pulumi.String("aws:kms"),
			KmsMasterKeyId: pulumi.String(kmsKeyArn),
		},
		BucketKeyEnabled: pulumi.Bool(true),
	}
}

// lifecycleRules always abort stale multipart uploads; with versioning they
// also expire noncurrent versions, and the delete markers left with none.
func lifecycleRules(args Args) s3.BucketLifecycleConfigurationV2RuleArray {
	everything := &s3.BucketLifecycleConfigurationV2RuleFilterArgs{}
	rules := s3.BucketLifecycleConfigurationV2RuleArray{
		s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String("abort-incomplete-multipart-uploads"),
			Status: pulumi.String("Enabled"),
			Filter: everything,
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(abortMultipartUploadDays),
			},
		},
	}
	if args.Versioning {
		rules = append(rules, s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String("expire-noncurrent-versions"),
			Status: pulumi.String("Enabled"),
			Filter: everything,
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(args.NoncurrentVersionDays),
			},
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{
				ExpiredObjectDeleteMarker: pulumi.Bool(true),
			},
		})
	}
	return rules
}

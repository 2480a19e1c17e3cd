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
	"strings"

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
	// delete the bucket's objects; unset without Args.AccessPolicy.
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
	// AccessPolicy declares the managed policy that lets Milvus list, read,
	// write and delete the bucket's objects (PolicyArn). The backup bucket
	// has none: its two roles get narrower policies of their own.
	AccessPolicy bool
	// ObjectLock, when set, makes every new object version write-once for
	// its days (S3 Object Lock's default retention). It needs Versioning,
	// and can only be chosen when the bucket is created.
	ObjectLock *ObjectLock
	// ReplicateTo, when set, copies every new object version under its
	// prefix, deletions included, to another bucket (S3 replication). It
	// needs Versioning, here and there.
	ReplicateTo *Replication
}

// Replication is where a bucket's objects are copied to.
type Replication struct {
	// BucketArn is the destination bucket, versioned, usually in another
	// region.
	BucketArn pulumi.StringInput
	// Prefix is what is replicated: the keys under Prefix/.
	Prefix string
}

// ObjectLock is a bucket's default retention: Mode GOVERNANCE (lifted by a
// principal allowed s3:BypassGovernanceRetention) or COMPLIANCE (lifted by
// no one, root included), for Days.
type ObjectLock struct {
	Mode string
	Days int
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
	if args.ObjectLock != nil {
		bucketArgs.ObjectLockEnabled = pulumi.Bool(true)
	}
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
		if args.ReplicateTo != nil {
			if err := declareReplication(ctx, name, bucket, *args.ReplicateTo, versioning, settings); err != nil {
				return nil, err
			}
		}
		if lock := args.ObjectLock; lock != nil {
			// S3 refuses an Object Lock configuration on a bucket whose
			// versioning is not yet enabled.
			if _, err := s3.NewBucketObjectLockConfigurationV2(ctx, name, &s3.BucketObjectLockConfigurationV2Args{
				Bucket: bucket.ID(),
				Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{
					DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
						Mode: pulumi.String(lock.Mode),
						Days: pulumi.Int(lock.Days),
					},
				},
			}, settings, pulumi.DependsOn([]pulumi.Resource{versioning})); err != nil {
				return nil, err
			}
		}
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

	st.BucketName = bucket.Bucket
	st.BucketArn = bucket.Arn
	outputs := pulumi.Map{"bucketName": st.BucketName, "bucketArn": st.BucketArn}
	if args.AccessPolicy {
		policy, err := iam.NewPolicy(ctx, name+"-access", &iam.PolicyArgs{
			Description: pulumi.String("Lets Milvus list, read, write and delete the objects of its bucket"),
			Policy: bucket.Arn.ApplyT(func(arn string) string {
				return s3policy.S3Access(arn, args.KmsKeyArn).JSON()
			}).(pulumi.StringOutput),
		}, parent)
		if err != nil {
			return nil, err
		}
		st.PolicyArn = policy.Arn
		outputs["policyArn"] = st.PolicyArn
	}
	return st, ctx.RegisterResourceOutputs(st, outputs)
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

// declareReplication declares the role S3 replicates with, its policy, and
// the replication rule, once versioning is on (S3 refuses a replication
// configuration before).
func declareReplication(ctx *pulumi.Context, name string, bucket *s3.BucketV2, to Replication, versioning pulumi.Resource, settings pulumi.ResourceOption) error {
	role, err := iam.NewRole(ctx, name+"-replication", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(s3policy.ReplicationTrust().JSON()),
		Description:      pulumi.String("Lets S3 replicate the backups to their copy in another region"),
	}, settings)
	if err != nil {
		return err
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-replication", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: pulumi.All(bucket.Arn, to.BucketArn).ApplyT(func(v []any) string {
			return s3policy.ReplicationAccess(v[0].(string), v[1].(string), to.Prefix).JSON()
		}).(pulumi.StringOutput),
	}, settings)
	if err != nil {
		return err
	}
	_, err = s3.NewBucketReplicationConfig(ctx, name, &s3.BucketReplicationConfigArgs{
		Bucket: bucket.ID(),
		// The role's ARN is only handed over with its policy in place.
		Role: pulumi.All(role.Arn, policy.ID()).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput),
		Rules: s3.BucketReplicationConfigRuleArray{s3.BucketReplicationConfigRuleArgs{
			Id:       pulumi.String("replicate-" + strings.ReplaceAll(to.Prefix, "/", "-")),
			Status:   pulumi.String("Enabled"),
			Priority: pulumi.Int(1),
			Filter:   &s3.BucketReplicationConfigRuleFilterArgs{Prefix: pulumi.String(to.Prefix + "/")},
			// A pruned backup is pruned in the copy too: its versions stay
			// until the copy's lifecycle expires them.
			DeleteMarkerReplication: &s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs{Status: pulumi.String("Enabled")},
			Destination:             &s3.BucketReplicationConfigRuleDestinationArgs{Bucket: to.BucketArn},
		}},
	}, settings, pulumi.DependsOn([]pulumi.Resource{versioning}))
	return err
}

package storage_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/storage"
	"github.com/milvus-eks/milvus-eks/infra/components/storage/s3policy"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

const (
	typeBucket     = "aws:s3/bucketV2:BucketV2"
	typeVersioning = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typeLifecycle  = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	typePolicy     = "aws:iam/policy:Policy"
	bucketArn      = "arn:aws:s3:::milvus-bucket-" + mockcloud.BucketSuffix
)

func declare(t *testing.T, args storage.Args) *mockcloud.Stack {
	t.Helper()
	s, err := mockcloud.RunPart("us-east-2", func(ctx *pulumi.Context) error {
		_, err := storage.New(ctx, "storage", args)
		return err
	})
	require.NoError(t, err)
	return s
}

// The guide's bucket, hardened, with the policy that grants Milvus its four
// actions on it and nothing else.
func TestBucketAndItsPolicy(t *testing.T) {
	s := declare(t, storage.Args{NamePrefix: "milvus-bucket-", NoncurrentVersionDays: 30})
	assert.Equal(t, map[string]int{
		storage.TypeToken: 1, typeBucket: 1, typePolicy: 1, typeLifecycle: 1,
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     1,
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": 1,
		"aws:s3/bucketPolicy:BucketPolicy":                                                           1,
		"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     1,
		"aws:s3/bucketAclV2:BucketAclV2":                                                             1,
	}, s.TypeCounts())

	bucket := s.Of(typeBucket)[0]
	assert.Equal(t, "milvus-bucket-", bucket.Input("bucketPrefix").StringValue())
	assert.False(t, bucket.Protect || bucket.RetainOnDelete)
	assert.JSONEq(t, s3policy.S3Access(bucketArn, "").JSON(), s.Of(typePolicy)[0].Input("policy").StringValue())
	assert.JSONEq(t, s3policy.DenyInsecureTransport(bucketArn).JSON(),
		s.Of("aws:s3/bucketPolicy:BucketPolicy")[0].Input("policy").StringValue())
	assert.Equal(t, "ObjectWriter", s.Of("aws:s3/bucketOwnershipControls:BucketOwnershipControls")[0].Input("rule", "objectOwnership").StringValue())
}

// A retained, versioned bucket is protected and left in AWS with its
// settings; its noncurrent versions expire once versioning is on.
func TestRetainedVersionedBucket(t *testing.T) {
	s := declare(t, storage.Args{Name: "acme-milvus", Retain: true, Versioning: true, NoncurrentVersionDays: 7})
	bucket := s.Of(typeBucket)[0]
	assert.Equal(t, "acme-milvus", bucket.Input("bucket").StringValue())
	assert.True(t, bucket.Protect && bucket.RetainOnDelete)
	for _, r := range s.Resources {
		if r.Custom && r.Type != typePolicy {
			assert.True(t, r.RetainOnDelete, "%s is retained with the bucket", r.Type)
		}
	}
	lifecycle := s.Of(typeLifecycle)[0]
	assert.True(t, lifecycle.DependsOn(s.Of(typeVersioning)[0]), "the lifecycle waits for versioning")
	assert.Equal(t, float64(7), lifecycle.Input("rules").ArrayValue()[1].ObjectValue()["noncurrentVersionExpiration"].ObjectValue()["noncurrentDays"].NumberValue())
}

package tests

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/storage"
	"github.com/milvus-eks/milvus-eks/infra/components/storage/s3policy"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// generatedBucketArn is the ARN of the bucket a prefix generates.
const generatedBucketArn = "arn:aws:s3:::" + generatedBucketName

func declareStorage(t *testing.T, args storage.Args) *mockcloud.Stack {
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
func TestStorageComponent(t *testing.T) {
	s := declareStorage(t, storage.Args{NamePrefix: "milvus-bucket-", NoncurrentVersionDays: 30, AccessPolicy: true})
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
	assert.JSONEq(t, s3policy.S3Access(generatedBucketArn, "").JSON(), s.Of(typePolicy)[0].Input("policy").StringValue())
	assert.JSONEq(t, s3policy.DenyInsecureTransport(generatedBucketArn).JSON(),
		s.Of("aws:s3/bucketPolicy:BucketPolicy")[0].Input("policy").StringValue())
	assert.Equal(t, "ObjectWriter", s.Of("aws:s3/bucketOwnershipControls:BucketOwnershipControls")[0].Input("rule", "objectOwnership").StringValue())
}

// A retained, versioned bucket is protected and left in AWS with its
// settings; its noncurrent versions expire once versioning is on.
func TestStorageComponentRetainedVersioned(t *testing.T) {
	s := declareStorage(t, storage.Args{Name: "acme-milvus", Retain: true, Versioning: true, NoncurrentVersionDays: 7})
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

// The backup bucket: no access policy of its own, and with Object Lock its
// default retention, set once versioning is on.
func TestStorageComponentLockedWithoutAccessPolicy(t *testing.T) {
	s := declareStorage(t, storage.Args{NamePrefix: "milvus-backups-", Versioning: true, NoncurrentVersionDays: 30,
		ObjectLock: &storage.ObjectLock{Mode: "COMPLIANCE", Days: 14}})
	assert.Empty(t, s.Of(typePolicy), "the backup roles bring their own policies")
	assert.True(t, s.Of(typeBucket)[0].Input("objectLockEnabled").BoolValue())
	lock := s.Of(typeObjectLock)
	require.Len(t, lock, 1)
	assert.Equal(t, map[string]any{"defaultRetention": map[string]any{"mode": "COMPLIANCE", "days": float64(14)}}, mockcloud.Plain(lock[0].Input("rule")))
	assert.True(t, lock[0].DependsOn(s.Of(typeVersioning)[0]), "S3 refuses a lock before versioning")

	unlocked := declareStorage(t, storage.Args{NamePrefix: "milvus-backups-", Versioning: true, NoncurrentVersionDays: 30})
	assert.Empty(t, unlocked.Of(typeObjectLock))
	assert.True(t, unlocked.Of(typeBucket)[0].Input("objectLockEnabled").IsNull())
}

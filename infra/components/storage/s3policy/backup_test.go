package s3policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

var buckets = Buckets{
	MilvusArn: "arn:aws:s3:::milvus-bucket-abc", RootPath: "milvus/prod",
	BackupArn: "arn:aws:s3:::milvus-backups-abc", BackupPrefix: "backups",
}

func TestBackupAccess(t *testing.T) {
	assert.JSONEq(t, `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "ListMilvusObjects", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::milvus-bucket-abc"],
	     "Condition": {"StringLike": {"s3:prefix": "milvus/prod/*"}}},
	    {"Sid": "ReadMilvusObjects", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::milvus-bucket-abc/milvus/prod/*"]},
	    {"Sid": "ListBackups", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::milvus-backups-abc"]},
	    {"Sid": "WriteBackups", "Effect": "Allow", "Action": ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
	     "Resource": ["arn:aws:s3:::milvus-backups-abc/backups/*"]}
	  ]
	}`, BackupAccess(buckets).JSON())
}

func TestRestoreAccess(t *testing.T) {
	with := buckets
	with.KmsKeyArn = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	assert.JSONEq(t, `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "ListBackups", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::milvus-backups-abc"]},
	    {"Sid": "ReadBackups", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::milvus-backups-abc/backups/*"]},
	    {"Sid": "ListRestoreCopies", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::milvus-bucket-abc"],
	     "Condition": {"StringLike": {"s3:prefix": "restore-temp-*"}}},
	    {"Sid": "WriteRestoreCopies", "Effect": "Allow", "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
	     "Resource": ["arn:aws:s3:::milvus-bucket-abc/restore-temp-*"]},
	    {"Sid": "UseBucketKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
	     "Resource": ["arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"]}
	  ]
	}`, RestoreAccess(with).JSON())
}

// Neither role gets a wildcard action, nor anything in Milvus' bucket
// beyond what it names.
func TestBackupRolesHaveNoWildcards(t *testing.T) {
	for _, doc := range []string{BackupAccess(buckets).JSON(), RestoreAccess(buckets).JSON()} {
		assert.NotContains(t, doc, `s3:*`)
		assert.NotContains(t, doc, `"arn:aws:s3:::milvus-bucket-abc/*"`)
	}
}

// With Milvus at its bucket's root, the backup role reads all of Milvus'
// objects and lists the bucket without a prefix condition.
func TestBackupAccessAtTheRoot(t *testing.T) {
	root := buckets
	root.RootPath = ""
	assert.JSONEq(t, `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "ListMilvusObjects", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::milvus-bucket-abc"]},
	    {"Sid": "ReadMilvusObjects", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::milvus-bucket-abc/*"]},
	    {"Sid": "ListBackups", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::milvus-backups-abc"]},
	    {"Sid": "WriteBackups", "Effect": "Allow", "Action": ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
	     "Resource": ["arn:aws:s3:::milvus-backups-abc/backups/*"]}
	  ]
	}`, BackupAccess(root).JSON())
}

func TestReplicationAccess(t *testing.T) {
	assert.JSONEq(t, `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "ReadReplicationConfiguration", "Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": ["arn:aws:s3:::milvus-backups-abc"]},
	    {"Sid": "ReadSourceVersions", "Effect": "Allow", "Action": ["s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"],
	     "Resource": ["arn:aws:s3:::milvus-backups-abc/backups/*"]},
	    {"Sid": "ReplicateIntoDestination", "Effect": "Allow", "Action": ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
	     "Resource": ["arn:aws:s3:::milvus-backups-xyz/backups/*"]}
	  ]
	}`, ReplicationAccess("arn:aws:s3:::milvus-backups-abc", "arn:aws:s3:::milvus-backups-xyz", "backups").JSON())
	assert.JSONEq(t, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": ["sts:AssumeRole"]}]}`, ReplicationTrust().JSON())
}

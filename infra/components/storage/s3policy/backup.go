package s3policy

import "github.com/milvus-eks/milvus-eks/infra/iampolicy"

// What milvus-backup v0.5.16 does with S3 (internal/storage and its callers
// at that tag): it lists with ListObjectsV2 (s3:ListBucket), reads with
// GetObject, writes with PutObject, CopyObject (a PUT naming its source,
// which needs s3:GetObject on the source) and, past 500 MiB, multipart
// copies it aborts on failure, and deletes one key at a time. Every command
// first lists the backup bucket with an empty prefix, to see that it
// exists, so s3:ListBucket on that bucket cannot be held to the prefix.
var (
	BackupObjectActions  = []string{"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"}
	SourceObjectActions  = []string{"s3:GetObject"}
	RestoreObjectActions = []string{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"}
)

// RestoreTempPrefix starts the keys a restore from another bucket writes at
// the root of Milvus' bucket (restore-temp-<task>-<db>-<collection>/),
// from which Milvus imports, and which the tool deletes after.
const RestoreTempPrefix = "restore-temp-"

// Buckets are the two buckets of a backup, as ARNs, and the prefixes in
// them; in a stack that backs up into Milvus' bucket, the two ARNs are the
// same.
type Buckets struct {
	MilvusArn, RootPath     string
	BackupArn, BackupPrefix string
	// KmsKeyArn is the key that encrypts them, if a KMS key does.
	KmsKeyArn string
}

// BackupAccess is the policy of the backup job's role: read Milvus' objects
// under its root path, and read, write and delete the backups under their
// prefix. Nothing else is writable.
func BackupAccess(b Buckets) iampolicy.Document {
	return withKMS(iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{
			{Sid: "ListMilvusObjects", Effect: "Allow", Action: BucketActions, Resource: []string{b.MilvusArn}, Condition: prefixCondition(b.RootPath)},
			{Sid: "ReadMilvusObjects", Effect: "Allow", Action: SourceObjectActions, Resource: []string{objectsUnder(b.MilvusArn, b.RootPath)}},
			{Sid: "ListBackups", Effect: "Allow", Action: BucketActions, Resource: []string{b.BackupArn}},
			{Sid: "WriteBackups", Effect: "Allow", Action: BackupObjectActions, Resource: []string{objectsUnder(b.BackupArn, b.BackupPrefix)}},
		},
	}, b.KmsKeyArn)
}

// RestoreAccess is the policy of the restore job's role: read the backups,
// and write, read and delete in Milvus' bucket only the temporary copies a
// restore makes at its root, from which Milvus imports.
func RestoreAccess(b Buckets) iampolicy.Document {
	return withKMS(iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{
			{Sid: "ListBackups", Effect: "Allow", Action: BucketActions, Resource: []string{b.BackupArn}},
			{Sid: "ReadBackups", Effect: "Allow", Action: SourceObjectActions, Resource: []string{objectsUnder(b.BackupArn, b.BackupPrefix)}},
			{Sid: "ListRestoreCopies", Effect: "Allow", Action: BucketActions, Resource: []string{b.MilvusArn},
				Condition: map[string]map[string]string{"StringLike": {"s3:prefix": RestoreTempPrefix + "*"}}},
			{Sid: "WriteRestoreCopies", Effect: "Allow", Action: RestoreObjectActions, Resource: []string{b.MilvusArn + "/" + RestoreTempPrefix + "*"}},
		},
	}, b.KmsKeyArn)
}

// objectsUnder is the ARN of a bucket's objects under a prefix, or of all
// its objects for none (Milvus at its bucket's root).
func objectsUnder(bucketArn, prefix string) string {
	if prefix == "" {
		return bucketArn + "/*"
	}
	return bucketArn + "/" + prefix + "/*"
}

// prefixCondition holds a listing to a prefix; none for the bucket's root.
func prefixCondition(prefix string) map[string]map[string]string {
	if prefix == "" {
		return nil
	}
	return map[string]map[string]string{"StringLike": {"s3:prefix": prefix + "/*"}}
}

func withKMS(doc iampolicy.Document, kmsKeyArn string) iampolicy.Document {
	if kmsKeyArn != "" {
		doc.Statement = append(doc.Statement, iampolicy.Statement{Sid: "UseBucketKey", Effect: "Allow", Action: KMSActions, Resource: []string{kmsKeyArn}})
	}
	return doc
}

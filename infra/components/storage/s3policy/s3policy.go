// Package s3policy holds the policy documents of Milvus' bucket: the identity
// policy that lets Milvus use the bucket and nothing else, and the bucket
// policy that refuses requests without TLS.
package s3policy

import "github.com/milvus-eks/milvus-eks/infra/iampolicy"

// The S3 actions Milvus needs on its bucket, as the Milvus guide "Configure S3
// Access by IAM Role" grants them: list the bucket, read, write and delete its
// objects. Nothing else: no bucket configuration, no other bucket.
var (
	BucketActions = []string{"s3:ListBucket"}
	ObjectActions = []string{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"}
)

// KMSActions are what reading and writing objects encrypted with a KMS key
// takes besides the S3 actions (the S3 User Guide, "Using server-side
// encryption with AWS KMS keys"): a data key to encrypt each new object,
// and decryption to read one or to finish a multipart upload.
var KMSActions = []string{"kms:Decrypt", "kms:GenerateDataKey"}

// S3Access is the policy that lets Milvus use the bucket with the given ARN
// (arn:aws:s3:::<bucket>) and nothing else; with a KMS key ARN, also that
// key, for the bucket's encryption.
func S3Access(bucketArn, kmsKeyArn string) iampolicy.Document {
	doc := iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{
			{Effect: "Allow", Action: BucketActions, Resource: []string{bucketArn}},
			{Effect: "Allow", Action: ObjectActions, Resource: []string{bucketArn + "/*"}},
		},
	}
	if kmsKeyArn != "" {
		doc.Statement = append(doc.Statement, iampolicy.Statement{Effect: "Allow", Action: KMSActions, Resource: []string{kmsKeyArn}})
	}
	return doc
}

// DenyInsecureTransport is a bucket policy that refuses every request to the
// bucket and its objects made without TLS, whoever makes it.
func DenyInsecureTransport(bucketArn string) iampolicy.Document {
	return iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{{
			Sid:       "DenyInsecureTransport",
			Effect:    "Deny",
			Principal: &iampolicy.Principal{AWS: "*"},
			Action:    []string{"s3:*"},
			Resource:  []string{bucketArn, bucketArn + "/*"},
			Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}},
		}},
	}
}

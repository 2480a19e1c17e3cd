package s3policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestS3Access(t *testing.T) {
	const guide = `
	    {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::milvus-bucket-abc"]},
	    {"Effect": "Allow", "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::milvus-bucket-abc/*"]}`
	tests := []struct {
		name, kmsKeyArn, want string
	}{
		{"SSE-S3: the guide's two statements", "", `{"Version": "2012-10-17", "Statement": [` + guide + `]}`},
		{"SSE-KMS: and the key", "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
			`{"Version": "2012-10-17", "Statement": [` + guide + `,
			  {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": ["arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"]}]}`},
	}
	for _, tt := range tests {
		assert.JSONEq(t, tt.want, S3Access("arn:aws:s3:::milvus-bucket-abc", tt.kmsKeyArn).JSON(), tt.name)
	}
}

func TestDenyInsecureTransport(t *testing.T) {
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny",`+
		`"Principal":{"AWS":"*"},"Action":["s3:*"],`+
		`"Resource":["arn:aws:s3:::milvus-bucket-abc","arn:aws:s3:::milvus-bucket-abc/*"],`+
		`"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
		DenyInsecureTransport("arn:aws:s3:::milvus-bucket-abc").JSON())
}

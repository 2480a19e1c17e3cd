package iampolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestS3Access(t *testing.T) {
	got := S3Access("arn:aws:s3:::milvus-bucket-abc").JSON()
	assert.JSONEq(t, `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::milvus-bucket-abc"]},
	    {"Effect": "Allow", "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::milvus-bucket-abc/*"]}
	  ]
	}`, got)
}

func TestWebIdentityTrust(t *testing.T) {
	const provider = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
		`"Principal":{"Federated":"` + provider + `"},` +
		`"Action":["sts:AssumeRoleWithWebIdentity"],` +
		`"Condition":{"StringEquals":{` +
		`"oidc.eks.us-east-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud":"sts.amazonaws.com",` +
		`"oidc.eks.us-east-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":"system:serviceaccount:milvus:milvus-s3-access-sa"}}}]}`

	// The issuer may come with or without its scheme; the condition keys never have it.
	for _, issuer := range []string{
		"https://oidc.eks.us-east-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
		"oidc.eks.us-east-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
	} {
		assert.Equal(t, want, WebIdentityTrust(provider, issuer, "milvus", "milvus-s3-access-sa").JSON(), issuer)
	}
}

func TestServiceTrust(t *testing.T) {
	assert.Equal(t,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`,
		ServiceTrust("ec2.amazonaws.com").JSON())
}

func TestManagedPolicyArn(t *testing.T) {
	tests := map[string]string{
		"us-east-2":     "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
		"cn-north-1":    "arn:aws-cn:iam::aws:policy/AmazonEKS_CNI_Policy",
		"us-gov-west-1": "arn:aws-us-gov:iam::aws:policy/AmazonEKS_CNI_Policy",
	}
	for region, want := range tests {
		assert.Equal(t, want, ManagedPolicyArn(region, "AmazonEKS_CNI_Policy"), region)
	}
}

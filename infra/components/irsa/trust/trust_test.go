package trust

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

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

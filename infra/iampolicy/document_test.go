package iampolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestGrants(t *testing.T) {
	doc, err := Parse(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
		{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":["a","b"]},
		{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`)
	require.NoError(t, err)
	assert.Equal(t, []Grant{
		{"s3:GetObject", "*"}, {"s3:GetObject", "a"}, {"s3:GetObject", "b"},
		{"s3:PutObject", "a"}, {"s3:PutObject", "b"},
	}, doc.Grants())

	_, err = Parse(`{"Statement":[{"Effect":"Allow","Action":{"s3":"GetObject"}}]}`)
	assert.EqualError(t, err, `iampolicy: parsing a policy: want a string or a list of strings, got {"s3":"GetObject"}`)
}

func TestManagedPolicyArnFollowsThePartition(t *testing.T) {
	assert.Equal(t, "arn:aws-us-gov:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", ManagedPolicyArn("us-gov-west-1", "service-role/AmazonEBSCSIDriverPolicy"))
}

// Policies read back from AWS may write condition values as JSON booleans
// or numbers, and a single statement without a list.
func TestParseLenientForms(t *testing.T) {
	doc, err := Parse(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*",
		"Resource":"arn:aws:s3:::b","Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:TlsVersion":1.2}}}}`)
	require.NoError(t, err)
	assert.Equal(t, []ParsedStatement{{
		Effect:    "Deny",
		Principal: map[string][]string{"AWS": {"*"}},
		Action:    []string{"s3:*"},
		Resource:  []string{"arn:aws:s3:::b"},
		Condition: map[string]map[string][]string{
			"Bool":            {"aws:SecureTransport": {"false"}},
			"NumericLessThan": {"s3:TlsVersion": {"1.2"}},
		},
	}}, doc.Statement)
}

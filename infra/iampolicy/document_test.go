package iampolicy

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)




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


	parsed, err := Parse(document)
	require.NoError(t, err)
	var actions []string
	for _, g := range parsed.Grants() {
		actions = append(actions, g.Action)
	}
	// What the controller does for Milvus' Service: find the subnets, make
	// the NLB and its target group, register pod IPs, open the nodes'
	// security groups to it.
	for _, action := range []string{
		"ec2:DescribeSubnets",
		"ec2:DescribeSecurityGroups",
		"ec2:AuthorizeSecurityGroupIngress",
		"ec2:CreateSecurityGroup",
		"elasticloadbalancing:CreateLoadBalancer",
		"elasticloadbalancing:CreateTargetGroup",
		"elasticloadbalancing:CreateListener",
		"elasticloadbalancing:RegisterTargets",
		"elasticloadbalancing:DeleteLoadBalancer",
		"iam:CreateServiceLinkedRole",
	} {
		assert.Contains(t, actions, action)
	}
	// The published policy grants no wildcard action.
	for _, action := range actions {
		assert.NotContains(t, action, "*", action)
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

func TestPartition(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-2":       "aws",
		"eu-central-1":    "aws",
		"cn-north-1":      "aws-cn",
		"us-gov-west-1":   "aws-us-gov",
		"us-iso-east-1":   "aws-iso",
		"us-isob-east-1":  "aws-iso-b",
		"eu-isoe-west-1":  "aws-iso-e",
		"us-isof-south-1": "aws-iso-f",
	} {
		assert.Equal(t, want, Partition(region), region)
	}
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


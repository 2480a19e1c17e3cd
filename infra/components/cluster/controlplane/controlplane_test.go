package controlplane

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEntries(t *testing.T) {
	got := Entries("us-east-2",
		[]string{"arn:aws:iam::111122223333:role/platform/platform-admin", "arn:aws:iam::111122223333:user/alice"},
		[]string{"arn:aws:iam::111122223333:role/milvus-eks-preview"})
	assert.Equal(t, []Entry{
		{Name: "admin-role-platform-admin", PrincipalArn: "arn:aws:iam::111122223333:role/platform/platform-admin", PolicyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"},
		{Name: "admin-user-alice", PrincipalArn: "arn:aws:iam::111122223333:user/alice", PolicyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"},
		{Name: "viewer-role-milvus-eks-preview", PrincipalArn: "arn:aws:iam::111122223333:role/milvus-eks-preview", PolicyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"},
	}, got)
	assert.Empty(t, Entries("us-east-2", nil, nil))
}

func TestPolicyArnFollowsThePartition(t *testing.T) {
	assert.Equal(t, "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", PolicyArn("cn-north-1", ViewPolicy))
}

func TestPublicAccess(t *testing.T) {
	assert.True(t, PublicAccess([]string{"198.51.100.0/24"}))
	assert.False(t, PublicAccess(nil))
}

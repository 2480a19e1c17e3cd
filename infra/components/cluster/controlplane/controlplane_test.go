package controlplane

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEntries(t *testing.T) {
	got := Entries("us-east-2",
		[]string{"arn:aws:iam::111122223333:role/platform/platform-admin", "arn:aws:iam::111122223333:user/alice"},
		[]string{"arn:aws:iam::111122223333:role/milvus-eks-preview"},
		[]string{"milvus", "kube-system"})
	admin := []Association{{Name: "cluster-admin", PolicyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"}}
	assert.Equal(t, []Entry{
		{Name: "admin-role-platform-admin", PrincipalArn: "arn:aws:iam::111122223333:role/platform/platform-admin", Policies: admin},
		{Name: "admin-user-alice", PrincipalArn: "arn:aws:iam::111122223333:user/alice", Policies: admin},
		// A preview reads the cluster, and the Secrets in which Helm keeps
		// the releases, and changes nothing.
		{Name: "viewer-role-milvus-eks-preview", PrincipalArn: "arn:aws:iam::111122223333:role/milvus-eks-preview", Policies: []Association{
			{Name: "view", PolicyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"},
			{Name: "releases", PolicyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy", Namespaces: []string{"milvus", "kube-system"}},
		}},
	}, got)
	assert.Empty(t, Entries("us-east-2", nil, nil, nil))
}

func TestPolicyArnFollowsThePartition(t *testing.T) {
	assert.Equal(t, "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", PolicyArn("cn-north-1", ViewPolicy))
}

func TestPublicAccess(t *testing.T) {
	assert.True(t, PublicAccess([]string{"198.51.100.0/24"}))
	assert.False(t, PublicAccess(nil))
}

func TestSamePrincipal(t *testing.T) {
	for _, tt := range []struct {
		caller, principal string
		same              bool
	}{
		{"arn:aws:sts::111122223333:assumed-role/milvus-eks-dev-deploy/github-actions", "arn:aws:iam::111122223333:role/milvus-eks-dev-deploy", true},
		{"arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123/alice", "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123", true},
		{"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/alice", true},
		{"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:role/alice", false},
		{"arn:aws:sts::111122223333:assumed-role/milvus-eks-dev-deploy/github-actions", "arn:aws:iam::444455556666:role/milvus-eks-dev-deploy", false},
		{"arn:aws:sts::111122223333:assumed-role/milvus-eks-dev-deploy/github-actions", "arn:aws:iam::111122223333:role/milvus-eks-prod-deploy", false},
		{"arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/root", false},
	} {
		assert.Equal(t, tt.same, SamePrincipal(tt.caller, tt.principal), "%s, %s", tt.caller, tt.principal)
	}
}

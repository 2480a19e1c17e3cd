// Package controlplane says who may reach the Kubernetes API of a cluster
// the stack creates, and what the control plane logs: the cluster's EKS
// access entries, as plain values the cluster component declares.
package controlplane

import (
	"regexp"
	"sort"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/facts"
)

// AuthenticationMode is EKS' access entries only: every principal that can
// reach the cluster is listed by `aws eks list-access-entries`, and nothing
// is read from the aws-auth ConfigMap.
const AuthenticationMode = "API"

// LogTypes are the control-plane logs sent to CloudWatch Logs when logging
// is on: API requests, the audit trail, and authentication decisions.
var LogTypes = []string{"api", "audit", "authenticator"}

// The EKS access policies this project grants (EKS user guide, "Review
// access policy permissions"). AmazonEKSViewPolicy reads most kinds but not
// Secrets; AmazonEKSAdminViewPolicy reads every kind, Secrets included.
const (
	ClusterAdminPolicy = "AmazonEKSClusterAdminPolicy"
	ViewPolicy         = "AmazonEKSViewPolicy"
	AdminViewPolicy    = "AmazonEKSAdminViewPolicy"
)

// Entry is one access entry: a principal and the policies it holds.
type Entry struct {
	// Name keys the entry among the cluster's ("admin-role-platform-admin").
	Name         string
	PrincipalArn string
	Policies     []Association
}

// Association is an access policy held cluster-wide, or in some namespaces
// only.
type Association struct {
	// Name keys the association among the entry's.
	Name       string
	PolicyArn  string
	Namespaces []string
}

// Entries are the access entries of administrators and viewers, in a stable
// order. Administrators hold AmazonEKSClusterAdminPolicy. Viewers, the
// roles that preview the stack, read the cluster with AmazonEKSViewPolicy,
// and the Helm releases' namespaces (releaseNamespaces) with
// AmazonEKSAdminViewPolicy: Helm keeps each release in a Secret there,
// which a preview of the release reads. They may change nothing.
func Entries(region string, admins, viewers, releaseNamespaces []string) []Entry {
	var out []Entry
	for _, arn := range admins {
		out = append(out, Entry{Name: entryName("admin", arn), PrincipalArn: arn, Policies: []Association{
			{Name: "cluster-admin", PolicyArn: PolicyArn(region, ClusterAdminPolicy)},
		}})
	}
	for _, arn := range viewers {
		out = append(out, Entry{Name: entryName("viewer", arn), PrincipalArn: arn, Policies: []Association{
			{Name: "view", PolicyArn: PolicyArn(region, ViewPolicy)},
			{Name: "releases", PolicyArn: PolicyArn(region, AdminViewPolicy), Namespaces: releaseNamespaces},
		}})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// PolicyArn is an EKS access policy's ARN in the region's partition.
func PolicyArn(region, policy string) string {
	return "arn:" + facts.Partition(region) + ":eks::aws:cluster-access-policy/" + policy
}

var unsafe = regexp.MustCompile(`[^a-zA-Z0-9-]+`)

// entryName keys an entry by its kind, the principal's type and name, so
// that reordering the lists replaces nothing.
func entryName(prefix, arn string) string {
	resource := arn[strings.LastIndex(arn, ":")+1:] // role/path/name or user/name
	kind, path, _ := strings.Cut(resource, "/")
	name := path[strings.LastIndex(path, "/")+1:]
	return prefix + "-" + kind + "-" + strings.Trim(unsafe.ReplaceAllString(name, "-"), "-")
}

// PublicAccess is whether the public API endpoint is on: only when CIDR
// blocks may reach it.
func PublicAccess(publicCidrs []string) bool { return len(publicCidrs) > 0 }

// SamePrincipal reports whether a caller (as STS names it: an IAM user's
// ARN, or a role's session, arn:aws:sts::<account>:assumed-role/<role>/<session>)
// is the IAM principal of an access entry's ARN: same account, kind and
// name. A session's ARN lacks its role's path, so the name decides.
func SamePrincipal(caller, principal string) bool {
	account, kind, name := principalOf(caller)
	pAccount, pKind, pName := principalOf(principal)
	return name != "" && account == pAccount && kind == pKind && name == pName
}

// principalOf is an ARN's account, principal kind (role or user) and name.
func principalOf(arn string) (account, kind, name string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return "", "", ""
	}
	account = parts[4]
	resource := strings.Split(parts[5], "/")
	switch {
	case parts[2] == "sts" && resource[0] == "assumed-role" && len(resource) == 3:
		return account, "role", resource[1]
	case parts[2] == "iam" && (resource[0] == "role" || resource[0] == "user") && len(resource) >= 2:
		return account, resource[0], resource[len(resource)-1]
	}
	return "", "", ""
}

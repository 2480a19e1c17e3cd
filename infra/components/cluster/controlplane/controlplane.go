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

// The EKS access policies this project grants (EKS user guide, "Associate
// access policies with access entries").
const (
	ClusterAdminPolicy = "AmazonEKSClusterAdminPolicy"
	ViewPolicy         = "AmazonEKSViewPolicy"
)

// Entry is one access entry: a principal and the policy it holds,
// cluster-wide.
type Entry struct {
	// Name keys the entry among the cluster's ("admin-platform-admin").
	Name         string
	PrincipalArn string
	PolicyArn    string
}

// Entries are the access entries of administrators and viewers, in a stable
// order.
func Entries(region string, admins, viewers []string) []Entry {
	var out []Entry
	for _, group := range []struct {
		prefix, policy string
		arns           []string
	}{{"admin", ClusterAdminPolicy, admins}, {"viewer", ViewPolicy, viewers}} {
		for _, arn := range group.arns {
			out = append(out, Entry{Name: entryName(group.prefix, arn), PrincipalArn: arn, PolicyArn: PolicyArn(region, group.policy)})
		}
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

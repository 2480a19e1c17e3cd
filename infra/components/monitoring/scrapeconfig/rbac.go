package scrapeconfig

import (
	"maps"
	"slices"
)

// PolicyRule is an RBAC rule, as a ClusterRole holds it.
type PolicyRule struct {
	APIGroups       []string
	Resources       []string
	NonResourceURLs []string
	Verbs           []string
}

// ReadVerbs are the verbs that change nothing.
var ReadVerbs = []string{"get", "list", "watch"}

// CollectorUser is the Kubernetes user AMP's guide binds the collector's
// role to ("Manually configuring Amazon EKS for scraper access").
const CollectorUser = "aps-collector-user"

// ReadRules are what the collector's configuration needs to read: pods to
// discover the Milvus, etcd and kube-state-metrics targets; nodes to
// discover the kubelets, and nodes/proxy to read their /metrics and
// /metrics/cadvisor through the API server. Only reads: get on
// nodes/proxy is what a GET through the proxy needs, and the collector
// sends nothing else.
func ReadRules() []PolicyRule {
	return []PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"pods", "nodes"}, Verbs: []string{"list", "watch"}},
		{APIGroups: []string{""}, Resources: []string{"nodes/proxy"}, Verbs: []string{"get"}},
	}
}

// GeneratedAccessPolicy is the policy AMP gives the collector's access
// entry when it creates the scraper on a cluster in API authentication
// mode (AMP user guide, "Access entry policy created"): reads only as
// well, wider than ReadRules.
func GeneratedAccessPolicy() []PolicyRule {
	return []PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"nodes", "nodes/proxy", "nodes/metrics", "services", "endpoints", "pods", "ingresses", "configmaps"}, Verbs: ReadVerbs},
		{APIGroups: []string{"extensions", "networking.k8s.io"}, Resources: []string{"ingresses/status", "ingresses"}, Verbs: ReadVerbs},
		{APIGroups: []string{"metrics.eks.amazonaws.com"}, Resources: []string{"kcm/metrics", "ksh/metrics"}, Verbs: []string{"get"}},
		{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}},
	}
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

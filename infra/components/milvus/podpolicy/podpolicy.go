// Package podpolicy holds the policies over the pods of Milvus' release, as
// typed values the Milvus component declares: who may reach them and whom
// they may reach (NetworkPolicies), how many may be disrupted at once
// (PodDisruptionBudgets), and what the namespace admits (Pod Security
// labels). The chart renders none of them.
package podpolicy

// PodSecurity are the Pod Security admission labels of Milvus' namespace.
// baseline is enforced: no privileged container, host namespace, host path
// or added capability, which every pod of the release keeps to. restricted
// is not: Milvus' image runs as root (milvusvalues, security.go) and
// Pulsar's subchart sets no security context, so its pods would be refused;
// restricted is warned about and audited instead, so that the gap stays in
// sight. No version label: the levels are those of the API server's own
// version.
var PodSecurity = map[string]string{
	"pod-security.kubernetes.io/enforce": "baseline",
	"pod-security.kubernetes.io/warn":    "restricted",
	"pod-security.kubernetes.io/audit":   "restricted",
}

// Selector selects pods, or namespaces, by labels.
type Selector struct {
	MatchLabels      map[string]string `json:"matchLabels,omitempty"`
	MatchExpressions []Requirement     `json:"matchExpressions,omitempty"`
}

// Requirement is a selector's expression.
type Requirement struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values,omitempty"`
}

// All selects every pod of the namespace.
var All = Selector{}

// Package kubestate is kube-state-metrics as this stack runs it: one small
// pod in a namespace of its own, reading only Milvus' namespace and only
// the kinds the alerts and dashboards need (the backup CronJob and its
// Jobs, the pods' restarts and limits, the disruption budgets, the volume
// claims), so that a Role in that namespace is all it is granted.
package kubestate

import (
	"strconv"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/components/milvus/podpolicy"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/scrapeconfig"
)

// Name is the Deployment's and the ServiceAccount's name.
const Name = "kube-state-metrics"

// Namespace is where it runs: one per Milvus namespace it reads, so that
// two stacks on one cluster each run their own.
func Namespace(milvusNamespace string) string { return milvusNamespace + "-" + Name }

// Image is kube-state-metrics' release image, pinned: v2.18.0 is built on
// Kubernetes' 1.34 client (its README's compatibility matrix), the
// version the stack's clusters run.
const Image = "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.18.0"

// Port serves the metrics; TelemetryPort, its own.
const (
	Port          = 8080
	TelemetryPort = 8081
)

// UID is the image's unprivileged user (nobody), as its own manifests
// run it.
const UID = 65534

// Labels select the pod.
var Labels = map[string]string{"app.kubernetes.io/name": Name}

// Kind is a kind kube-state-metrics reports, by its --resources name and
// its API group and resource.
type Kind struct {
	Flag, Group, Resource string
}

// Kinds are what it reports.
var Kinds = []Kind{
	{"cronjobs", "batch", "cronjobs"},
	{"jobs", "batch", "jobs"},
	{"pods", "", "pods"},
	{"poddisruptionbudgets", "policy", "poddisruptionbudgets"},
	{"persistentvolumeclaims", "", "persistentvolumeclaims"},
	{"statefulsets", "apps", "statefulsets"},
	{"deployments", "apps", "deployments"},
}

// Args are its command-line arguments: the kinds, the one namespace, and
// its ports.
func Args(namespace string) []string {
	flags := make([]string, len(Kinds))
	for i, k := range Kinds {
		flags[i] = k.Flag
	}
	return []string{
		"--resources=" + strings.Join(flags, ","),
		"--namespaces=" + namespace,
		"--port=" + strconv.Itoa(Port),
		"--telemetry-port=" + strconv.Itoa(TelemetryPort),
	}
}

// Rules are its Role's rules in the namespace it reads: list and watch,
// per API group.
func Rules() []scrapeconfig.PolicyRule {
	var out []scrapeconfig.PolicyRule
	index := map[string]int{}
	for _, k := range Kinds {
		i, ok := index[k.Group]
		if !ok {
			i = len(out)
			index[k.Group] = i
			out = append(out, scrapeconfig.PolicyRule{APIGroups: []string{k.Group}, Verbs: []string{"list", "watch"}})
		}
		out[i].Resources = append(out[i].Resources, k.Resource)
	}
	return out
}

// Target is where the managed collector reads the one that reads
// milvusNamespace.
func Target(milvusNamespace string) scrapeconfig.Target {
	return scrapeconfig.Target{Namespace: Namespace(milvusNamespace), Labels: Labels, Port: Port}
}

// NetworkPolicies isolate its namespace: the collector, from the VPC's
// addresses, reads its metrics port; it reaches only the API server, on
// HTTPS (at the address the cluster gives every pod, which resolves no
// name).
func NetworkPolicies(vpcCidr string) []podpolicy.NetworkPolicy {
	return []podpolicy.NetworkPolicy{{
		Name: Name, PodSelector: podpolicy.Selector{MatchLabels: Labels}, Types: []string{"Ingress", "Egress"},
		Ingress: []podpolicy.Rule{{Peers: []podpolicy.Peer{{CIDR: vpcCidr}}, Ports: podpolicy.TCP(Port)}},
		Egress:  []podpolicy.Rule{{Peers: []podpolicy.Peer{{CIDR: podpolicy.Anywhere}}, Ports: podpolicy.TCP(podpolicy.HTTPS)}},
	}}
}

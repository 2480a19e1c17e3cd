// Package scrapeconfig is what Amazon Managed Service for Prometheus'
// managed collector reads in the cluster, as the Prometheus configuration
// its scraper takes, typed; and what it may read there (ReadRules).
//
// The collector runs outside the cluster, in the VPC, and reaches pods at
// their addresses; the kubelet and cAdvisor it reads through the API
// server's node proxy, as AWS's sample configuration does ("Using an AWS
// managed collector", AMP user guide). Its relabelling gives every Milvus
// series the labels the alert rules select on (alertrules): job,
// namespace, pod and, for Milvus, component.
package scrapeconfig

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// Config is a Prometheus configuration, of the sections the managed
// collector accepts (global, scrape_config, relabel_config,
// metric_relabel_configs, kubernetes_sd_config).
type Config struct {
	Global        Global `json:"global"`
	ScrapeConfigs []Job  `json:"scrape_configs"`
}

// Global holds the interval and the labels every series gets.
type Global struct {
	ScrapeInterval string            `json:"scrape_interval"`
	ExternalLabels map[string]string `json:"external_labels,omitempty"`
}

// Job is one scrape job.
type Job struct {
	JobName string `json:"job_name"`
	Scheme  string `json:"scheme,omitempty"`
	// HonorLabels keeps the labels a target exports over the target's:
	// kube-state-metrics' namespace and pod are the objects it describes.
	HonorLabels          bool           `json:"honor_labels,omitempty"`
	Authorization        *Authorization `json:"authorization,omitempty"`
	KubernetesSDConfigs  []KubernetesSD `json:"kubernetes_sd_configs"`
	RelabelConfigs       []Relabel      `json:"relabel_configs,omitempty"`
	MetricRelabelConfigs []Relabel      `json:"metric_relabel_configs,omitempty"`
}

// Authorization is the bearer token the collector presents to the API
// server; the file is the collector's own, as AWS's sample names it.
type Authorization struct {
	Type            string `json:"type"`
	CredentialsFile string `json:"credentials_file"`
}

// KubernetesSD discovers targets of one role, in some namespaces or all.
type KubernetesSD struct {
	Role       string      `json:"role"`
	Namespaces *Namespaces `json:"namespaces,omitempty"`
}

// Namespaces limits discovery.
type Namespaces struct {
	Names []string `json:"names"`
}

// Relabel is one relabelling step.
type Relabel struct {
	SourceLabels []string `json:"source_labels,omitempty"`
	Regex        string   `json:"regex,omitempty"`
	TargetLabel  string   `json:"target_label,omitempty"`
	Replacement  string   `json:"replacement,omitempty"`
	Action       string   `json:"action,omitempty"`
}

// Jobs, by what they read. The alert rules and dashboards select on them.
const (
	JobMilvus           = "milvus"
	JobEtcd             = "milvus-etcd"
	JobKubeStateMetrics = "kube-state-metrics"
	JobKubelet          = "kubelet"
	JobCadvisor         = "cadvisor"
	JobKarpenter        = "karpenter"
)

// ServiceAccountToken is where the collector keeps its token for the API
// server (AWS's sample configuration).
const ServiceAccountToken = "/var/run/secrets/kubernetes.io/serviceaccount/token"

// APIServer is the API server's address as the collector reaches it.
const APIServer = "kubernetes.default.svc:443"

// ClusterLabel is the label every series carries naming its cluster.
const ClusterLabel = "cluster"

// Interval is how often every target is read: AMP's price is per sample,
// and alerts that wait five or ten minutes need no finer grain.
const Interval = "30s"

// Target is a set of pods the collector reads: those of Namespace carrying
// Labels, whose containers declare Port; at MetricsPort instead when set,
// a port the pod serves metrics on without declaring it.
type Target struct {
	Namespace   string
	Labels      map[string]string
	Port        int
	MetricsPort int
}

// Settings are the targets of one stack.
type Settings struct {
	// ClusterName labels every series, so that one workspace may hold
	// several clusters.
	ClusterName string
	// Milvus is every Milvus component's pods, on the metrics port;
	// ComponentLabel is the pod label naming the component.
	Milvus         Target
	ComponentLabel string
	Etcd           Target
	// KubeStateMetrics is kube-state-metrics' pod.
	KubeStateMetrics Target
	// Karpenter is its controller's pods, when it runs the stack's pools;
	// nil otherwise.
	Karpenter *Target
}

// The only series kept of the nodes': what the rules and dashboards read.
// A node's kubelet and cAdvisor export thousands, and AMP prices every
// sample it ingests.
var (
	KubeletMetrics  = []string{"kubelet_volume_stats_used_bytes", "kubelet_volume_stats_capacity_bytes"}
	CadvisorMetrics = []string{"container_memory_working_set_bytes", "container_cpu_usage_seconds_total"}
	// KarpenterMetrics are its pools' use against their limits.
	KarpenterMetrics = []string{"karpenter_nodepools_usage", "karpenter_nodepools_limit"}
)

// Of is the collector's configuration for one stack.
func Of(s Settings) Config {
	milvus := podJob(JobMilvus, s.Milvus)
	milvus.RelabelConfigs = append(milvus.RelabelConfigs, Relabel{
		SourceLabels: []string{PodLabelMeta(s.ComponentLabel)}, TargetLabel: "component",
	})
	ksm := podJob(JobKubeStateMetrics, s.KubeStateMetrics)
	ksm.HonorLabels = true
	jobs := []Job{
		milvus,
		podJob(JobEtcd, s.Etcd),
		ksm,
		nodeJob(JobKubelet, "/metrics", KubeletMetrics),
		nodeJob(JobCadvisor, "/metrics/cadvisor", CadvisorMetrics),
	}
	if s.Karpenter != nil {
		karpenter := podJob(JobKarpenter, *s.Karpenter)
		karpenter.MetricRelabelConfigs = keepOnly(KarpenterMetrics)
		jobs = append(jobs, karpenter)
	}
	return Config{
		Global:        Global{ScrapeInterval: Interval, ExternalLabels: map[string]string{ClusterLabel: s.ClusterName}},
		ScrapeConfigs: jobs,
	}
}

// keepOnly keeps the series named, and drops the rest a target exports.
func keepOnly(names []string) []Relabel {
	return []Relabel{{Action: "keep", SourceLabels: []string{"__name__"}, Regex: strings.Join(names, "|")}}
}

// podJob reads the target's pods at their own address, and labels their
// series with the pod's namespace and name.
func podJob(name string, t Target) Job {
	var keep []Relabel
	for _, label := range sortedKeys(t.Labels) {
		keep = append(keep, Relabel{Action: "keep", SourceLabels: []string{PodLabelMeta(label)}, Regex: regexp.QuoteMeta(t.Labels[label])})
	}
	keep = append(keep,
		Relabel{Action: "keep", SourceLabels: []string{"__meta_kubernetes_pod_container_port_number"}, Regex: strconv.Itoa(t.Port)},
		// A pod that is not running has nothing to read.
		Relabel{Action: "drop", SourceLabels: []string{"__meta_kubernetes_pod_phase"}, Regex: "Pending|Succeeded|Failed"},
		Relabel{SourceLabels: []string{"__meta_kubernetes_namespace"}, TargetLabel: "namespace"},
		Relabel{SourceLabels: []string{"__meta_kubernetes_pod_name"}, TargetLabel: "pod"},
	)
	if t.MetricsPort != 0 {
		keep = append(keep, Relabel{SourceLabels: []string{"__meta_kubernetes_pod_ip"}, Regex: "(.+)", TargetLabel: "__address__", Replacement: "$1:" + strconv.Itoa(t.MetricsPort)})
	}
	return Job{
		JobName:             name,
		KubernetesSDConfigs: []KubernetesSD{{Role: "pod", Namespaces: &Namespaces{Names: []string{t.Namespace}}}},
		RelabelConfigs:      keep,
	}
}

// nodeJob reads every node's kubelet at path, through the API server's
// node proxy, keeping only the series named.
func nodeJob(name, path string, keep []string) Job {
	return Job{
		JobName:             name,
		Scheme:              "https",
		Authorization:       &Authorization{Type: "Bearer", CredentialsFile: ServiceAccountToken},
		KubernetesSDConfigs: []KubernetesSD{{Role: "node"}},
		RelabelConfigs: []Relabel{
			{TargetLabel: "__address__", Replacement: APIServer},
			{SourceLabels: []string{"__meta_kubernetes_node_name"}, Regex: "(.+)", TargetLabel: "__metrics_path__", Replacement: "/api/v1/nodes/$1/proxy" + path},
			{SourceLabels: []string{"__meta_kubernetes_node_name"}, TargetLabel: "node"},
		},
		MetricRelabelConfigs: keepOnly(keep),
	}
}

// PodLabelMeta is the discovery label that carries a pod label: Prometheus
// turns every character a label name may not hold into an underscore.
func PodLabelMeta(label string) string {
	return "__meta_kubernetes_pod_label_" + invalidLabelChars.ReplaceAllString(label, "_")
}

var invalidLabelChars = regexp.MustCompile(`[^a-zA-Z0-9_]`)

// YAML is the configuration as the scraper takes it.
func (c Config) YAML() string {
	raw, err := yaml.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("scrapeconfig: %v", err)) // plain structs always marshal
	}
	return string(raw)
}

package scrapeconfig_test

import (
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/alertrules"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/kubestate"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/promtool"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/scrapeconfig"
)

var prod = func() scrapeconfig.Settings {
	milvus, etcd := scrapeconfig.MilvusTargets("milvus", "milvus")
	return scrapeconfig.Settings{ClusterName: "milvus-prod", Milvus: milvus, ComponentLabel: "component", Etcd: etcd, KubeStateMetrics: kubestate.Target("milvus")}
}()

// The configuration exactly (testdata/prod.yaml, read in review).
func TestScrapeConfiguration(t *testing.T) {
	want, err := os.ReadFile("testdata/prod.yaml")
	require.NoError(t, err)
	assert.Equal(t, string(want), scrapeconfig.Of(prod).YAML())
}

// With Karpenter, its controller's pods are read too, keeping only its
// pools' use and limits.
func TestKarpenterJob(t *testing.T) {
	s := prod
	s.Karpenter = &scrapeconfig.Target{Namespace: "kube-system", Labels: map[string]string{"app.kubernetes.io/name": "karpenter"}, Port: 8080}
	jobs := scrapeconfig.Of(s).ScrapeConfigs
	require.Len(t, jobs, len(scrapeconfig.Of(prod).ScrapeConfigs)+1)
	karpenter := jobs[len(jobs)-1]
	assert.Equal(t, "karpenter", karpenter.JobName)
	assert.Equal(t, []string{"kube-system"}, karpenter.KubernetesSDConfigs[0].Namespaces.Names)
	assert.Equal(t, []scrapeconfig.Relabel{{Action: "keep", SourceLabels: []string{"__name__"}, Regex: "karpenter_nodepools_usage|karpenter_nodepools_limit"}}, karpenter.MetricRelabelConfigs)
	out, err := promtool.Run(t, map[string][]byte{"scrape.yaml": []byte(scrapeconfig.Of(s).YAML())}, "check", "config", "--syntax-only", "scrape.yaml")
	assert.NoError(t, err, "%s", out)
}

// Prometheus' own parser takes it (promtool check config; the token file
// is the collector's, so only the syntax is checked).
func TestScrapeConfigurationWithPromtool(t *testing.T) {
	out, err := promtool.Run(t, map[string][]byte{"scrape.yaml": []byte(scrapeconfig.Of(prod).YAML())}, "check", "config", "--syntax-only", "scrape.yaml")
	assert.NoError(t, err, "%s", out)
}

// What the collector may read, ours and the access entry AMP generates,
// is reads only; kube-state-metrics' Role too.
func TestTheCollectorOnlyReads(t *testing.T) {
	for name, rules := range map[string][]scrapeconfig.PolicyRule{
		"ReadRules": scrapeconfig.ReadRules(), "GeneratedAccessPolicy": scrapeconfig.GeneratedAccessPolicy(), "kube-state-metrics": kubestate.Rules(),
	} {
		for _, r := range rules {
			for _, verb := range r.Verbs {
				assert.Contains(t, scrapeconfig.ReadVerbs, verb, "%s grants %s on %v%v", name, verb, r.Resources, r.NonResourceURLs)
			}
			assert.NotContains(t, r.Resources, "*", name)
			assert.NotContains(t, r.Verbs, "*", name)
		}
	}
}

// Every job a rule selects is one the collector runs.
func TestTheRulesSelectJobsTheCollectorRuns(t *testing.T) {
	var jobs []string
	for _, j := range scrapeconfig.Of(prod).ScrapeConfigs {
		jobs = append(jobs, j.JobName)
	}
	for _, job := range alertrules.Jobs(alertrules.Of(alertrules.Settings{Namespace: "milvus", Release: "milvus", BackupCronJob: "milvus-backup"})) {
		assert.True(t, slices.Contains(jobs, job), "a rule selects job %q, which nothing scrapes", job)
	}
}

func TestPodLabelMeta(t *testing.T) {
	for label, want := range map[string]string{
		"app.kubernetes.io/name": "__meta_kubernetes_pod_label_app_kubernetes_io_name",
		"component":              "__meta_kubernetes_pod_label_component",
		"helm.sh/chart-1":        "__meta_kubernetes_pod_label_helm_sh_chart_1",
	} {
		assert.Equal(t, want, scrapeconfig.PodLabelMeta(label))
	}
}

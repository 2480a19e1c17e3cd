package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// Milvus' namespace enforces Pod Security's baseline, and warns about and
// audits restricted (podpolicy says why).
func TestMilvusNamespacePodSecurity(t *testing.T) {
	for _, name := range stacks {
		ns := deploy(t, name).one(t, typeNamespace, "milvus")
		assert.Equal(t, map[string]any{
			"name": "milvus",
			"labels": map[string]any{
				"pod-security.kubernetes.io/enforce": "baseline",
				"pod-security.kubernetes.io/warn":    "restricted",
				"pod-security.kubernetes.io/audit":   "restricted",
			},
		}, mockcloud.Plain(ns.Input("metadata")), name)
	}
}

// Each stack's NetworkPolicies and PodDisruptionBudgets, exactly as the
// API server gets them.
func TestNetworkPoliciesAndBudgetsPerStack(t *testing.T) {
	selector := func(labels map[string]any) map[string]any { return map[string]any{"matchLabels": labels} }
	milvus := selector(map[string]any{"app.kubernetes.io/name": "milvus", "app.kubernetes.io/instance": "milvus"})
	etcd := selector(map[string]any{"app.kubernetes.io/name": "etcd", "app.kubernetes.io/instance": "milvus"})
	tcp := func(ports ...float64) []any {
		var out []any
		for _, p := range ports {
			out = append(out, map[string]any{"protocol": "TCP", "port": p})
		}
		return out
	}
	milvusPorts := tcp(19530, 19529, 53100, 21123, 21124, 22222, 9091)
	policies := map[string]any{
		"milvus-default-deny": map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress", "Egress"}},
		"milvus-dns": map[string]any{
			"podSelector": map[string]any{}, "policyTypes": []any{"Egress"},
			"egress": []any{map[string]any{
				"to": []any{map[string]any{
					"namespaceSelector": selector(map[string]any{"kubernetes.io/metadata.name": "kube-system"}),
					"podSelector":       selector(map[string]any{"k8s-app": "kube-dns"}),
				}},
				"ports": []any{map[string]any{"protocol": "UDP", "port": float64(53)}, map[string]any{"protocol": "TCP", "port": float64(53)}},
			}},
		},
		"milvus-milvus": map[string]any{
			"podSelector": milvus, "policyTypes": []any{"Ingress", "Egress"},
			"ingress": []any{map[string]any{"from": []any{map[string]any{"podSelector": milvus}}, "ports": milvusPorts}},
			"egress": []any{
				map[string]any{"to": []any{map[string]any{"podSelector": milvus}}, "ports": milvusPorts},
				map[string]any{"to": []any{map[string]any{"podSelector": etcd}}, "ports": tcp(2379)},
				map[string]any{"to": []any{map[string]any{"ipBlock": map[string]any{"cidr": "0.0.0.0/0"}}}, "ports": tcp(443)},
			},
		},
		"milvus-milvus-api": map[string]any{
			"podSelector": selector(map[string]any{"app.kubernetes.io/name": "milvus", "app.kubernetes.io/instance": "milvus", "component": "proxy"}),
			"policyTypes": []any{"Ingress"},
			"ingress":     []any{map[string]any{"from": []any{map[string]any{"ipBlock": map[string]any{"cidr": "0.0.0.0/0"}}}, "ports": tcp(19530)}},
		},
		"milvus-etcd": map[string]any{
			"podSelector": etcd, "policyTypes": []any{"Ingress", "Egress"},
			"ingress": []any{
				map[string]any{"from": []any{map[string]any{"podSelector": milvus}}, "ports": tcp(2379)},
				map[string]any{"from": []any{map[string]any{"podSelector": etcd}}, "ports": tcp(2379, 2380)},
			},
			"egress": []any{map[string]any{"to": []any{map[string]any{"podSelector": etcd}}, "ports": tcp(2379, 2380)}},
		},
	}
	budget := func(component string) map[string]any {
		return map[string]any{
			"maxUnavailable": float64(1),
			"selector":       selector(map[string]any{"app.kubernetes.io/name": "milvus", "app.kubernetes.io/instance": "milvus", "component": component}),
		}
	}
	budgets := map[string]map[string]any{
		// One replica of each component: no budget, but the proxies', which
		// their autoscaler may run more of.
		"dev": {"milvus-proxy": budget("proxy")},
		"prod": {
			"milvus-mixcoord": budget("mixcoord"), "milvus-proxy": budget("proxy"), "milvus-querynode": budget("querynode"),
			"milvus-datanode": budget("datanode"), "milvus-streamingnode": budget("streamingnode"),
		},
	}
	for _, name := range stacks {
		d := deploy(t, name)
		got := map[string]any{}
		var backups, collector []string
		for _, r := range d.Of(typeNetworkPolicy) {
			if r.Name == "kube-state-metrics" {
				collector = append(collector, r.Name) // in its own namespace
				continue
			}
			assert.Equal(t, map[string]any{"name": r.Name, "namespace": "milvus"}, mockcloud.Plain(r.Input("metadata")), "%s: %s", name, r.Name)
			if strings.HasPrefix(r.Name, "milvus-backup") {
				// The backup pods' own (backupjob's test has them exactly).
				backups = append(backups, r.Name)
				continue
			}
			if strings.HasSuffix(r.Name, "-metrics-collector") {
				// The managed collector's way in (the monitoring
				// component's test has them exactly).
				collector = append(collector, r.Name)
				continue
			}
			got[r.Name] = mockcloud.Plain(r.Input("spec"))
		}
		assert.Equal(t, policies, got, name)
		if name == "prod" {
			assert.ElementsMatch(t, []string{"milvus-backup", "milvus-backup-management"}, backups, "prod runs backups")
			assert.ElementsMatch(t, []string{"milvus-metrics-collector", "milvus-etcd-metrics-collector", "kube-state-metrics"}, collector, "prod is monitored")
		} else {
			assert.Empty(t, backups, name)
			assert.Empty(t, collector, name)
		}
		gotBudgets := map[string]any{}
		for _, r := range d.Of(typeBudget) {
			gotBudgets[r.Name] = mockcloud.Plain(r.Input("spec"))
		}
		want := map[string]any{}
		for k, v := range budgets[name] {
			want[k] = v
		}
		assert.Equal(t, want, gotBudgets, name)
	}
}

// With Pulsar, its pods and its initialisation Jobs' get policies of their
// own, and Milvus may reach Pulsar's client ports.
func TestNetworkPoliciesWithPulsar(t *testing.T) {
	d := deployWith(t, "dev", stackConfig(t, "dev", map[string]string{"milvus:messageQueue": "pulsar"}))
	var names []string
	for _, r := range d.Of(typeNetworkPolicy) {
		names = append(names, r.Name)
	}
	assert.ElementsMatch(t, []string{"milvus-default-deny", "milvus-dns", "milvus-milvus", "milvus-milvus-api", "milvus-etcd", "milvus-pulsar", "milvus-pulsar-init"}, names)
	initJobs := d.one(t, typeNetworkPolicy, "milvus-pulsar-init")
	assert.Equal(t, map[string]any{"matchExpressions": []any{map[string]any{
		"key": "batch.kubernetes.io/job-name", "operator": "In", "values": []any{"milvus-pulsarv3-pulsar-init", "milvus-pulsarv3-bookie-init"},
	}}}, mockcloud.Plain(initJobs.Input("spec", "podSelector")))
}

package workloads

import (
	"fmt"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// The NetworkPolicies' allows are the ports the charts really use: what a
// group of pods (Milvus', etcd's, Pulsar's) may reach its own kind on is
// exactly what its containers declare, and for Milvus what its rendered
// configuration names too (the mixCoordinator's and the proxy's internal
// ports are in milvus.yaml, not among its containerPorts).
func TestNetworkPoliciesAllowThePortsTheChartsUse(t *testing.T) {
	groups := []struct {
		name   string
		labels func(Object) bool
	}{
		{"milvus", func(o Object) bool { return o.PodLabels()["app.kubernetes.io/name"] == "milvus" }},
		{"etcd", func(o Object) bool { return o.PodLabels()["app.kubernetes.io/name"] == "etcd" }},
		{"pulsar", func(o Object) bool { return o.PodLabels()["app"] == "pulsarv3" }},
	}
	for _, name := range snapshots {
		d := deploy(t, name)
		var policies []Object
		for _, o := range d.objects {
			if o.Kind == "NetworkPolicy" {
				policies = append(policies, o)
			}
		}
		require.NotEmpty(t, policies, name)
		for _, g := range groups {
			used := map[int]bool{}
			var pods []map[string]string
			for _, o := range d.objects {
				if !workloadKinds[o.Kind] || !g.labels(o) {
					continue
				}
				pods = append(pods, o.PodLabels())
				for _, port := range containerPorts(t, o) {
					used[port] = true
				}
			}
			if len(pods) == 0 {
				continue
			}
			if g.name == "milvus" {
				for _, port := range configuredPorts(t, d) {
					used[port] = true
				}
			}
			// What each pod of the group admits from the group's other pods.
			for _, pod := range pods {
				allowed := ingressPorts(t, policies, pod, pods)
				assert.Equal(t, sortedKeys(used), sortedKeys(allowed), "%s: %s pods %v: the ports used, left, and those its policies let the group reach", name, g.name, pod)
			}
		}
	}
}

// containerPorts are the ports a workload's containers declare.
func containerPorts(t *testing.T, o Object) []int {
	containers, _ := o.Get("spec", "template", "spec", "containers")
	var out []int
	for _, c := range containers.([]any) {
		ports, _ := c.(map[string]any)["ports"].([]any)
		for _, p := range ports {
			out = append(out, int(p.(map[string]any)["containerPort"].(float64)))
		}
	}
	return out
}

// configuredPorts are the gRPC ports the rendered milvus.yaml gives Milvus'
// components (the streaming node's is its containerPort alone). In 2.6 the
// mixCoordinator serves every coordinator on rootCoord's port; the other
// coordinators' ports in the file are left from 2.5 and nothing listens on
// them.
func configuredPorts(t *testing.T, d deployed) []int {
	t.Helper()
	for _, o := range d.objects {
		if o.Kind != "ConfigMap" || o.Source != "milvus/templates/configmap.yaml" {
			continue
		}
		text, _ := o.Get("data", "default.yaml")
		var config map[string]any
		require.NoError(t, yaml.Unmarshal([]byte(text.(string)), &config))
		var out []int
		for _, key := range [][2]string{{"proxy", "port"}, {"proxy", "internalPort"}, {"rootCoord", "port"}, {"queryNode", "port"}, {"dataNode", "port"}} {
			section, _ := config[key[0]].(map[string]any)
			v, ok := section[key[1]].(float64)
			require.True(t, ok, "milvus.yaml names %s.%s", key[0], key[1])
			out = append(out, int(v))
		}
		return out
	}
	t.Fatal("no milvus.yaml rendered")
	return nil
}

// ingressPorts are the ports the policies that select pod let any pod of
// the group reach it on.
func ingressPorts(t *testing.T, policies []Object, pod map[string]string, group []map[string]string) map[int]bool {
	t.Helper()
	out := map[int]bool{}
	for _, p := range policies {
		selector, _ := p.Get("spec", "podSelector")
		if !selects(selector, pod) {
			continue
		}
		rules, _ := p.Get("spec", "ingress")
		list, _ := rules.([]any)
		for _, r := range list {
			rule := r.(map[string]any)
			fromGroup := false
			from, _ := rule["from"].([]any)
			for _, peer := range from {
				s, ok := peer.(map[string]any)["podSelector"]
				if !ok {
					continue
				}
				for _, other := range group {
					fromGroup = fromGroup || selects(s, other)
				}
			}
			if !fromGroup {
				continue
			}
			ports, _ := rule["ports"].([]any)
			for _, port := range ports {
				out[int(port.(map[string]any)["port"].(float64))] = true
			}
		}
	}
	return out
}

// selects reports whether a label selector (matchLabels and In/Exists
// expressions) selects labels.
func selects(selector any, labels map[string]string) bool {
	s, _ := selector.(map[string]any)
	match, _ := s["matchLabels"].(map[string]any)
	for k, v := range match {
		if labels[k] != fmt.Sprint(v) {
			return false
		}
	}
	expressions, _ := s["matchExpressions"].([]any)
	for _, e := range expressions {
		expr := e.(map[string]any)
		value, has := labels[expr["key"].(string)]
		switch expr["operator"] {
		case "Exists":
			if !has {
				return false
			}
		case "In":
			found := false
			values, _ := expr["values"].([]any)
			for _, v := range values {
				found = found || has && v == value
			}
			if !found {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

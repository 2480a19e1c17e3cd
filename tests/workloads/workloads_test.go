package workloads

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/milvus-eks/milvus-eks/infra/components/backup/backupjob"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/kubestate"
)

// snapshots are the plans the program's tests keep in tests/testdata: the
// shipped stacks, the bring-your-own example and prod with Pulsar.
var snapshots = []string{"dev", "prod", "shared", "prod-pulsar"}

// deployed is what one plan puts in Kubernetes: each release rendered, and
// the program's own objects.
type deployed struct {
	snapshot Snapshot
	releases map[string][]Object // by release resource name
	objects  []Object            // everything, releases' objects first
}

func deploy(t *testing.T, name string) deployed {
	t.Helper()
	s, err := ReadSnapshot(name)
	require.NoError(t, err)
	d := deployed{snapshot: s, releases: map[string][]Object{}}
	for _, release := range s.Releases() {
		objects, err := Render(release)
		require.NoError(t, err, "%s: release %s", name, release.Name)
		require.NotEmpty(t, objects)
		d.releases[release.Name] = objects
		d.objects = append(d.objects, objects...)
	}
	d.objects = append(d.objects, s.Objects()...)
	return d
}

// podGroup names a workload as the plan's inventory does ("What runs"),
// from the labels the charts give its pods; "" for one it does not know.
func podGroup(o Object) string {
	labels := o.PodLabels()
	milvusComponents := map[string]string{
		"mixcoord": "mixCoordinator", "proxy": "proxy", "querynode": "queryNode",
		"datanode": "dataNode", "streamingnode": "streamingNode",
	}
	pulsarComponents := map[string]string{
		"zookeeper": "pulsar zookeeper", "bookie": "pulsar bookie", "broker": "pulsar broker",
		"proxy": "pulsar proxy", "recovery": "pulsar recovery",
	}
	switch {
	case labels["app.kubernetes.io/name"] == "milvus":
		return milvusComponents[labels["component"]]
	case labels["app.kubernetes.io/name"] == "etcd":
		return "etcd"
	case labels["app"] == "pulsarv3":
		return pulsarComponents[labels["component"]]
	case labels["app.kubernetes.io/name"] == "aws-load-balancer-controller":
		return "aws-load-balancer-controller"
	case labels["app.kubernetes.io/name"] == "karpenter":
		return "karpenter"
	case labels["app.kubernetes.io/name"] == backupjob.AppName:
		return "milvus-backup (CronJob)"
	case labels["app.kubernetes.io/name"] == kubestate.Name:
		return "kube-state-metrics"
	}
	return ""
}

var workloadKinds = map[string]bool{"Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true}

// What the plans say each stack runs ("What runs", the capacity check's
// sums, the cost's volumes) is what the charts render: the same workloads,
// replicas, requests (CPU, memory, ephemeral storage) and volume claims,
// and nothing else that runs.
func TestThePlansRunWhatTheChartsRender(t *testing.T) {
	for _, name := range snapshots {
		t.Run(name, func(t *testing.T) {
			d := deploy(t, name)
			type group struct {
				replicas               int
				cpu, memory, ephemeral resource.Quantity
				volumes                []string
			}
			rendered := map[string]group{}
			for _, o := range d.objects {
				if o.Kind == "CronJob" {
					require.Equal(t, "Forbid", mustGet(t, o, "spec", "concurrencyPolicy"), "%s: %s runs one job at a time", name, o.ID())
					o = o.JobOf()
				} else if !workloadKinds[o.Kind] {
					continue
				}
				g := podGroup(o)
				require.NotEmpty(t, g, "%s: %s (%s) runs pods the plan does not count", name, o.ID(), o.Source)
				require.NotContains(t, rendered, g, "%s: two workloads count as %s", name, g)
				replicas := 1
				if r, ok := o.Get("spec", "replicas"); ok {
					replicas = int(r.(float64))
				} else if floor, ok := autoscaledFloor(d.objects, o); ok {
					replicas = floor // the plan counts an autoscaled workload at its floor
				}
				cpu, memory, ephemeral := podRequests(t, o)
				rendered[g] = group{replicas: replicas, cpu: cpu, memory: memory, ephemeral: ephemeral, volumes: claims(t, o)}
			}
			counted := map[string]bool{}
			for _, p := range d.snapshot.Runs.Pods {
				// The add-ons' pods a chart of the stack renders, by release.
				charted := map[string]string{"aws-load-balancer-controller": "load-balancer-controller", "karpenter": "karpenter"}
				if p.AddOn && charted[p.Name] == "" {
					continue // EKS add-ons, which no chart of the stack renders
				}
				if p.AddOn && len(d.releases[charted[p.Name]]) == 0 {
					continue
				}
				counted[p.Name] = true
				got, ok := rendered[p.Name]
				if !assert.True(t, ok, "%s: the plan counts %s, which the charts do not render", name, p.Name) {
					continue
				}
				assert.Equal(t, p.Replicas, got.replicas, "%s: %s replicas", name, p.Name)
				assert.True(t, got.cpu.Equal(resource.MustParse(p.CPU)), "%s: %s CPU request: plan %s, chart %s", name, p.Name, p.CPU, got.cpu.String())
				assert.True(t, got.memory.Equal(resource.MustParse(p.Memory)), "%s: %s memory request: plan %s, chart %s", name, p.Name, p.Memory, got.memory.String())
				assert.True(t, got.ephemeral.Equal(resource.MustParse(p.EphemeralStorage)), "%s: %s ephemeral storage request: plan %s, chart %s", name, p.Name, p.EphemeralStorage, got.ephemeral.String())
				var want []string
				want = append(want, p.Volumes...)
				sort.Strings(want)
				assert.Equal(t, want, got.volumes, "%s: %s volume claims", name, p.Name)
			}
			for g := range rendered {
				assert.True(t, counted[g], "%s: the charts render %s, which the plan does not count", name, g)
			}
		})
	}
}

func mustGet(t *testing.T, o Object, path ...string) any {
	t.Helper()
	v, ok := o.Get(path...)
	require.True(t, ok, "%s has no %v", o.ID(), path)
	return v
}

// podRequests sums what one pod's containers request, as the scheduler
// does (init containers run before, one at a time, and request less here).
func podRequests(t *testing.T, o Object) (cpu, memory, ephemeral resource.Quantity) {
	t.Helper()
	containers, _ := o.Get("spec", "template", "spec", "containers")
	for _, c := range containers.([]any) {
		requests, _ := c.(map[string]any)["resources"].(map[string]any)["requests"].(map[string]any)
		for key, total := range map[string]*resource.Quantity{"cpu": &cpu, "memory": &memory, "ephemeral-storage": &ephemeral} {
			if v, ok := requests[key]; ok {
				total.Add(resource.MustParse(fmt.Sprint(v)))
			}
		}
	}
	return cpu, memory, ephemeral
}

// claims are a StatefulSet's volume claims as the inventory writes them,
// "data 20 GiB", named by the claim template's last word.
func claims(t *testing.T, o Object) []string {
	t.Helper()
	templates, _ := o.Get("spec", "volumeClaimTemplates")
	list, _ := templates.([]any)
	out := []string{}
	for _, tpl := range list {
		c := objectOf(tpl.(map[string]any), o.Source)
		size, ok := c.Get("spec", "resources", "requests", "storage")
		require.True(t, ok, "%s: claim %s has no size", o.ID(), c.Name)
		q := resource.MustParse(fmt.Sprint(size))
		words := strings.Split(c.Name, "-")
		out = append(out, fmt.Sprintf("%s %d GiB", words[len(words)-1], q.Value()>>30))
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// autoscaledFloor is the minReplicas of the HorizontalPodAutoscaler that
// scales a workload the chart renders without replicas.
func autoscaledFloor(objects []Object, target Object) (int, bool) {
	for _, o := range objects {
		if o.Kind != "HorizontalPodAutoscaler" {
			continue
		}
		kind, _ := o.Get("spec", "scaleTargetRef", "kind")
		name, _ := o.Get("spec", "scaleTargetRef", "name")
		if kind == target.Kind && name == target.Name {
			if floor, ok := o.Get("spec", "minReplicas"); ok {
				return int(floor.(float64)), true
			}
		}
	}
	return 0, false
}

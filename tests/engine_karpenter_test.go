//go:build engine

package tests

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/nodepools"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/published"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// Karpenter's custom resources, as dev's and prod's plans declare them,
// admitted by a real API server (kube-apiserver 1.34 on loopback) that
// holds the CRDs of the vendored chart: their OpenAPI schemas and CEL
// rules judge the stack's EC2NodeClass and NodePools. A NodePool that
// breaks one of those rules (a budget with a schedule and no duration) is
// refused, which shows the rules are enforced. Run with:
//
//	eval "$(bash .ci/kube-tools)"
//	go test -tags engine -run TestRealEngineAPIServerAdmitsKarpentersResources ./tests
func TestRealEngineAPIServerAdmitsKarpentersResources(t *testing.T) {
	kube := startKubernetes(t)
	ctx := context.Background()
	crds := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	for _, crd := range chartCRDs(t) {
		_, err := kube.Dynamic.Resource(crds).Create(ctx, crd, k8smeta.CreateOptions{})
		require.NoError(t, err, crd.GetName())
		waitFor(t, "CRD "+crd.GetName()+" established", func() error {
			got, err := kube.Dynamic.Resource(crds).Get(ctx, crd.GetName(), k8smeta.GetOptions{})
			if err != nil {
				return err
			}
			conditions, _, _ := unstructured.NestedSlice(got.Object, "status", "conditions")
			for _, c := range conditions {
				if m, _ := c.(map[string]any); m["type"] == "Established" && m["status"] == "True" {
					return nil
				}
			}
			return fmt.Errorf("not established yet")
		})
	}

	classes := schema.GroupVersionResource{Group: "karpenter.k8s.aws", Version: "v1", Resource: "ec2nodeclasses"}
	pools := schema.GroupVersionResource{Group: "karpenter.sh", Version: "v1", Resource: "nodepools"}
	for _, stack := range []string{"dev", "prod"} {
		d := deploy(t, stack)
		class := planned(t, d.only(t, typeNodeClass), stack)
		// The mock's subnet IDs are names; EC2's have the form the CRD
		// asks for.
		spec := class.Object["spec"].(map[string]any)
		for i, term := range spec["subnetSelectorTerms"].([]any) {
			term.(map[string]any)["id"] = fmt.Sprintf("subnet-0%016x", i)
		}
		_, err := kube.Dynamic.Resource(classes).Create(ctx, class, k8smeta.CreateOptions{})
		require.NoError(t, err, "%s: the API server admits the EC2NodeClass", stack)
		for _, r := range d.Of(typeNodePool) {
			pool := planned(t, r, stack)
			_, err := kube.Dynamic.Resource(pools).Create(ctx, pool, k8smeta.CreateOptions{})
			require.NoError(t, err, "%s: the API server admits NodePool %s", stack, pool.GetName())
		}
	}

	broken := planned(t, deploy(t, "prod").one(t, typeNodePool, "karpenter-core"), "broken")
	budgets, _, _ := unstructured.NestedSlice(broken.Object, "spec", "disruption", "budgets")
	delete(budgets[1].(map[string]any), "duration")
	require.NoError(t, unstructured.SetNestedSlice(broken.Object, budgets, "spec", "disruption", "budgets"))
	_, err := kube.Dynamic.Resource(pools).Create(ctx, broken, k8smeta.CreateOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "'schedule' must be set with 'duration'")
}

// planned is a custom resource as the plan declares it, named for the
// stack so that both stacks' fit in one cluster.
func planned(t *testing.T, r *mockcloud.Resource, stack string) *unstructured.Unstructured {
	t.Helper()
	o := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": r.Input("apiVersion").StringValue(),
		"kind":       r.Input("kind").StringValue(),
		"spec":       mockcloud.Plain(r.Input("spec")),
	}}
	name := r.Input("metadata", "name").StringValue()
	o.SetName(stack + "-" + name)
	if o.GetKind() == nodepools.NodePoolKind {
		// Each stack's pools point at its own class.
		require.NoError(t, unstructured.SetNestedField(o.Object, stack+"-"+nodepools.NodeClassName, "spec", "template", "spec", "nodeClassRef", "name"))
	}
	return o
}

// chartCRDs are the CRDs the vendored Karpenter chart carries (crds/).
func chartCRDs(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	archive, ok := charts.Find(charts.Karpenter, published.Version)
	require.True(t, ok)
	f, err := os.Open(filepath.Join(projectDir, filepath.FromSlash(archive.Path())))
	require.NoError(t, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	require.NoError(t, err)
	var out []*unstructured.Unstructured
	files := tar.NewReader(gz)
	for {
		h, err := files.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if !strings.HasPrefix(h.Name, "karpenter/crds/") || !strings.HasSuffix(h.Name, ".yaml") {
			continue
		}
		raw, err := io.ReadAll(files)
		require.NoError(t, err)
		// Through JSON, so that numbers are what unstructured objects hold.
		var parsed map[string]any
		require.NoError(t, yaml.Unmarshal(raw, &parsed), h.Name)
		text, err := json.Marshal(parsed)
		require.NoError(t, err)
		var crd map[string]any
		require.NoError(t, json.Unmarshal(text, &crd))
		out = append(out, &unstructured.Unstructured{Object: crd})
	}
	require.Len(t, out, 5, "the chart's CRDs")
	return out
}

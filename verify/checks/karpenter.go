package checks

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/karpentervalues"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/nodepools"
	"github.com/milvus-eks/milvus-eks/infra/facts"
)

// Dynamic reads custom resources (Karpenter's NodePools); client-go's
// dynamic client and its fake have it.
type Dynamic = dynamic.Interface

// NodePoolResource is Karpenter's NodePool API.
var NodePoolResource = schema.GroupVersionResource{Group: "karpenter.sh", Version: "v1", Resource: "nodepools"}

// The pools the stack declares, and which of Milvus' pods belong on each:
// the query nodes on the query pool, every other pod of the namespace on
// the core pool.
var (
	stackPools      = []string{facts.PoolQuery, facts.PoolCore}
	queryNodeLabels = "app.kubernetes.io/name=milvus,component=querynode"
)

// CheckKarpenter checks that Karpenter's controller is ready, that each of
// the stack's NodePools is Ready, and that Milvus' pods run on the nodes of
// the pool meant for them.
func CheckKarpenter(ctx context.Context, k Kubernetes, d Dynamic, out Outputs, o Options) []Result {
	var results []Result
	const controller = "Karpenter's controller"
	deployment, err := call(ctx, o, func(ctx context.Context) (int32, error) {
		dep, err := k.AppsV1().Deployments(karpentervalues.Namespace).Get(ctx, karpentervalues.ReleaseName, metav1.GetOptions{})
		if err != nil {
			return 0, err
		}
		return dep.Status.ReadyReplicas, nil
	})
	switch {
	case err != nil:
		results = append(results, fail(controller, "a ready replica", err.Error()))
	case deployment < 1:
		results = append(results, fail(controller, "a ready replica", "none ready"))
	default:
		results = append(results, pass(controller, "a ready replica", fmt.Sprintf("%d ready", deployment)))
	}

	for _, role := range stackPools {
		name := nodepools.Name(role)
		check := "the NodePool " + name
		pool, err := call(ctx, o, func(ctx context.Context) (*unstructured.Unstructured, error) {
			return d.Resource(NodePoolResource).Get(ctx, name, metav1.GetOptions{})
		})
		if err != nil {
			results = append(results, fail(check, "Ready", err.Error()))
			continue
		}
		results = append(results, readiness(check, pool))
	}

	nodes, err := call(ctx, o, func(ctx context.Context) (map[string]string, error) {
		list, err := k.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		pools := map[string]string{}
		for _, n := range list.Items {
			pools[n.Name] = n.Labels[facts.PoolLabel]
		}
		return pools, nil
	})
	if err != nil {
		return append(results, fail("the nodes' pools", "each node's "+facts.PoolLabel+" label", err.Error()))
	}
	queryPods, err := call(ctx, o, func(ctx context.Context) (map[string]bool, error) {
		list, err := k.CoreV1().Pods(out.MilvusNamespace).List(ctx, metav1.ListOptions{LabelSelector: queryNodeLabels})
		if err != nil {
			return nil, err
		}
		names := map[string]bool{}
		for _, p := range list.Items {
			names[p.Name] = true
		}
		return names, nil
	})
	if err != nil {
		return append(results, fail("the query nodes' pool", "pods "+queryNodeLabels, err.Error()))
	}
	pods, err := call(ctx, o, func(ctx context.Context) ([]podNode, error) {
		list, err := k.CoreV1().Pods(out.MilvusNamespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		var out []podNode
		for _, p := range list.Items {
			if p.Status.Phase == "Succeeded" || p.Status.Phase == "Failed" {
				continue // a finished backup Job's pod
			}
			out = append(out, podNode{pod: p.Name, node: p.Spec.NodeName})
		}
		return out, nil
	})
	if err != nil {
		return append(results, fail("Milvus' pods' pools", "the pods of "+out.MilvusNamespace, err.Error()))
	}
	for _, p := range pods {
		want := facts.PoolCore
		if queryPods[p.pod] {
			want = facts.PoolQuery
		}
		check := "the pool of pod " + p.pod
		expected := fmt.Sprintf("a node of %s", nodepools.Name(want))
		switch got := nodes[p.node]; {
		case p.node == "":
			results = append(results, fail(check, expected, "not scheduled"))
		case got != want:
			results = append(results, fail(check, expected, fmt.Sprintf("node %s, of pool %q", p.node, got)))
		default:
			results = append(results, pass(check, expected, "node "+p.node))
		}
	}
	return results
}

type podNode struct{ pod, node string }

// readiness reads a NodePool's Ready condition.
func readiness(check string, pool *unstructured.Unstructured) Result {
	conditions, _, _ := unstructured.NestedSlice(pool.Object, "status", "conditions")
	for _, c := range conditions {
		condition, _ := c.(map[string]any)
		if condition["type"] != "Ready" {
			continue
		}
		if condition["status"] == "True" {
			return pass(check, "Ready", "Ready")
		}
		return fail(check, "Ready", fmt.Sprintf("not Ready: %v", condition["message"]))
	}
	return fail(check, "Ready", "no Ready condition yet")
}

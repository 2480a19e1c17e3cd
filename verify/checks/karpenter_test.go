package checks

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
)

func nodePool(name, ready string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "karpenter.sh/v1", "kind": "NodePool",
		"metadata": map[string]any{"name": name},
		"status":   map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": ready, "message": "NodeClassReady=False"}}},
	}}
}

func node(name, pool string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"milvus-eks/pool": pool}}}
}

func pod(name, nodeName string, labels map[string]string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "milvus", Labels: labels}, Spec: corev1.PodSpec{NodeName: nodeName}, Status: corev1.PodStatus{Phase: corev1.PodRunning}}
}

func TestCheckKarpenter(t *testing.T) {
	query := map[string]string{"app.kubernetes.io/name": "milvus", "component": "querynode"}
	k := fake.NewSimpleClientset(
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "karpenter", Namespace: "kube-system"}, Status: appsv1.DeploymentStatus{ReadyReplicas: 2}},
		node("ip-10-0-1-1", "query"), node("ip-10-0-2-2", "core"), node("ip-10-0-3-3", "system"),
		pod("milvus-querynode-0", "ip-10-0-1-1", query),
		pod("milvus-etcd-0", "ip-10-0-2-2", nil),
		pod("milvus-proxy-1", "ip-10-0-3-3", map[string]string{"app.kubernetes.io/name": "milvus", "component": "proxy"}),
		pod("milvus-datanode-1", "", nil),
	)
	d := dynamicfake.NewSimpleDynamicClient(runtime.NewScheme(), nodePool("milvus-query", "True"), nodePool("milvus-core", "False"))
	var got []string
	for _, r := range CheckKarpenter(context.Background(), k, d, Outputs{MilvusNamespace: "milvus"}, Options{}) {
		got = append(got, r.String())
	}
	assert.Equal(t, []string{
		"PASS  Karpenter's controller: expected a ready replica; found 2 ready",
		"PASS  the NodePool milvus-query: expected Ready; found Ready",
		"FAIL  the NodePool milvus-core: expected Ready; found not Ready: NodeClassReady=False",
		"FAIL  the pool of pod milvus-datanode-1: expected a node of milvus-core; found not scheduled",
		"PASS  the pool of pod milvus-etcd-0: expected a node of milvus-core; found node ip-10-0-2-2",
		"FAIL  the pool of pod milvus-proxy-1: expected a node of milvus-core; found node ip-10-0-3-3, of pool \"system\"",
		"PASS  the pool of pod milvus-querynode-0: expected a node of milvus-query; found node ip-10-0-1-1",
	}, got)
}

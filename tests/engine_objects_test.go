//go:build engine

package tests

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	pcorev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	pmetav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/kubeconfig"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/podpolicy"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// What the deploying test reads from the API server and compares with the
// offline plan, what it plays in AWS' place, and the faults it must catch.

// get reads the live object a planned one names.
func (k *localKubernetes) get(t *testing.T, planned map[string]any) *unstructured.Unstructured {
	t.Helper()
	live, err := k.lookup(t, planned)
	require.NoError(t, err)
	return live
}

func (k *localKubernetes) lookup(t *testing.T, planned map[string]any) (*unstructured.Unstructured, error) {
	t.Helper()
	o := &unstructured.Unstructured{Object: planned}
	gvk := o.GroupVersionKind()
	mapping, err := k.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	require.NoError(t, err, "%s", gvk)
	return k.Dynamic.Resource(mapping.Resource).Namespace(o.GetNamespace()).Get(context.Background(), o.GetName(), k8smeta.GetOptions{})
}

// objectDifferences says where a live object departs from the planned one
// in what the plan sets: labels, annotations, and the spec (or a
// ConfigMap's data, a Secret's type). The API server's own additions
// (defaults, status, managed fields) are not differences.
func objectDifferences(planned map[string]any, live *unstructured.Unstructured) []string {
	var out []string
	metadata, _ := planned["metadata"].(map[string]any)
	for _, field := range []string{"labels", "annotations"} {
		if want, ok := metadata[field]; ok {
			got, _, _ := unstructured.NestedFieldNoCopy(live.Object, "metadata", field)
			out = append(out, subsetDifferences("metadata."+field, want, jsonRoundTrip(nil, got))...)
		}
	}
	for _, field := range []string{"spec", "type", "data"} {
		if want, ok := planned[field]; ok {
			out = append(out, subsetDifferences(field, jsonRoundTrip(nil, want), jsonRoundTrip(nil, live.Object[field]))...)
		}
	}
	return out
}

// subsetDifferences lists where got lacks or contradicts what want holds:
// every key of a map, every element of a list, every scalar.
func subsetDifferences(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: planned an object, found %v", path, got)}
		}
		var out []string
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, subsetDifferences(path+"."+k, w[k], g[k])...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: planned %v, found %v", path, want, got)}
		}
		var out []string
		for i := range w {
			out = append(out, subsetDifferences(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return out
	default:
		if !reflect.DeepEqual(want, got) {
			return []string{fmt.Sprintf("%s: planned %v, found %v", path, want, got)}
		}
		return nil
	}
}

// jsonRoundTrip makes values from the plan and from the API server
// comparable: both as JSON decodes them.
func jsonRoundTrip(t *testing.T, v any) any {
	raw, err := json.Marshal(v)
	if t != nil {
		require.NoError(t, err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil && t != nil {
		t.Fatal(err)
	}
	return out
}

// releaseValues are the values Helm stored for a release's latest
// revision: its release Secret holds the release as gzipped JSON, base64
// encoded (Helm's storage driver "secret").
func releaseValues(ctx context.Context, t *testing.T, kube *localKubernetes, namespace, name string) any {
	t.Helper()
	secrets, err := kube.Client.CoreV1().Secrets(namespace).List(ctx, k8smeta.ListOptions{LabelSelector: "owner=helm,name=" + name})
	require.NoError(t, err)
	require.NotEmpty(t, secrets.Items, "no Helm release %s in %s", name, namespace)
	latest := secrets.Items[0]
	for _, s := range secrets.Items {
		if s.Labels["version"] > latest.Labels["version"] {
			latest = s
		}
	}
	encoded, err := base64.StdEncoding.DecodeString(string(latest.Data["release"]))
	require.NoError(t, err)
	reader, err := gzip.NewReader(bytes.NewReader(encoded))
	require.NoError(t, err)
	raw, err := io.ReadAll(reader)
	require.NoError(t, err)
	var release struct {
		Config map[string]any `json:"config"`
	}
	require.NoError(t, json.Unmarshal(raw, &release))
	return jsonRoundTrip(t, release.Config)
}

// serveLoadBalancers plays the AWS Load Balancer Controller's part that
// the provider waits for: each LoadBalancer Service it hands an NLB
// (aws-load-balancer-type external) gets the address the fake cloud names.
func serveLoadBalancers(ctx context.Context, t *testing.T, kube *localKubernetes, region string) {
	for ctx.Err() == nil {
		services, err := kube.Client.CoreV1().Services("").List(ctx, k8smeta.ListOptions{})
		if err == nil {
			for _, svc := range services.Items {
				if svc.Spec.Type != "LoadBalancer" || len(svc.Status.LoadBalancer.Ingress) > 0 ||
					!strings.EqualFold(svc.Annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "external") {
					continue
				}
				name := svc.Annotations["service.beta.kubernetes.io/aws-load-balancer-name"]
				svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{Hostname: mockcloud.LoadBalancerHost(region, name)}}
				if _, err := kube.Client.CoreV1().Services(svc.Namespace).UpdateStatus(ctx, &svc, k8smeta.UpdateOptions{}); err != nil && ctx.Err() == nil {
					t.Logf("serveLoadBalancers: %s/%s: %v", svc.Namespace, svc.Name, err)
				}
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// A wrong annotation in the program is a difference the object check
// reports, by its path.
func assertAWrongAnnotationIsFound(t *testing.T, kube *localKubernetes) {
	planned := map[string]any{"metadata": map[string]any{"annotations": map[string]any{trust.RoleArnAnnotation: "arn:aws:iam::000000000000:role/the-planned-one"}}}
	live := &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"annotations": map[string]any{trust.RoleArnAnnotation: "arn:aws:iam::000000000000:role/another"}}}}
	assert.Equal(t, []string{"metadata.annotations.eks.amazonaws.com/role-arn: planned arn:aws:iam::000000000000:role/the-planned-one, found arn:aws:iam::000000000000:role/another"},
		objectDifferences(planned, live))
}

// An object the API server refuses fails `pulumi up` with the server's
// own words, through the same provider and the program's kubeconfig.
func assertTheAPIServerRefusesABadObject(t *testing.T, kube *localKubernetes) {
	ctx := context.Background()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "state"), 0o755))
	program := func(ctx *pulumi.Context) error {
		text, err := kubeconfig.Of(kubeconfig.Cluster{Name: "local", Region: "us-east-2", Endpoint: kube.Endpoint, CertificateAuthorityData: kube.CAData})
		if err != nil {
			return err
		}
		provider, err := kubernetes.NewProvider(ctx, "local", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String(text)})
		if err != nil {
			return err
		}
		_, err = pcorev1.NewService(ctx, "out-of-range", &pcorev1.ServiceArgs{
			Metadata: &pmetav1.ObjectMetaArgs{Name: pulumi.String("out-of-range"), Namespace: pulumi.String("default")},
			Spec: &pcorev1.ServiceSpecArgs{
				Selector: pulumi.StringMap{"app": pulumi.String("none")},
				Ports:    pcorev1.ServicePortArray{&pcorev1.ServicePortArgs{Port: pulumi.Int(70000)}},
			},
		}, pulumi.Provider(provider))
		return err
	}
	env := map[string]string{
		"PULUMI_BACKEND_URL": "file://" + filepath.Join(dir, "state"), "PULUMI_CONFIG_PASSPHRASE": "engine-test",
		"PULUMI_SKIP_UPDATE_CHECK": "true", "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PATH":                     os.Getenv("MILVUS_EKS_KUBERNETES_PROVIDER") + string(os.PathListSeparator) + os.Getenv("PATH"),
		"MILVUS_EKS_STANDIN_TOKEN": kube.Token,
	}
	s, err := auto.UpsertStackInlineSource(ctx, "refused", "refused", program, auto.WorkDir(dir), auto.EnvVars(env))
	require.NoError(t, err)
	var out strings.Builder
	_, err = s.Up(ctx, optup.ProgressStreams(&out))
	require.Error(t, err)
	assert.Contains(t, out.String(), "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive")
}

// A namespace with the stack's Pod Security labels refuses a privileged
// pod: what makes "every pod was admitted" mean something.
func assertPodSecurityRefusesAPrivilegedPod(t *testing.T, kube *localKubernetes) {
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: k8smeta.ObjectMeta{Name: "seeded-privileged", Labels: podpolicy.PodSecurity}}
	_, err := kube.Client.CoreV1().Namespaces().Create(ctx, ns, k8smeta.CreateOptions{})
	require.NoError(t, err)
	privileged := true
	pod := &corev1.Pod{
		ObjectMeta: k8smeta.ObjectMeta{Name: "privileged", Namespace: ns.Name},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "c", Image: "milvusdb/milvus:v2.6.15",
			SecurityContext: &corev1.SecurityContext{Privileged: &privileged},
		}}},
	}
	_, err = kube.Client.CoreV1().Pods(ns.Name).Create(ctx, pod, k8smeta.CreateOptions{})
	require.Error(t, err)
	assert.True(t, apierrors.IsForbidden(err), "%v", err)
	assert.Contains(t, err.Error(), `violates PodSecurity "baseline:latest": privileged`)
}

// createEKSDefaults makes what EKS puts in every new cluster and the stack
// relies on: the gp2 StorageClass, default, whose mark the EBS CSI
// component's patch takes off.
func (k *localKubernetes) createEKSDefaults(t *testing.T) {
	t.Helper()
	gp2 := &storagev1.StorageClass{
		ObjectMeta: k8smeta.ObjectMeta{
			Name:        "gp2",
			Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"},
		},
		Provisioner: "kubernetes.io/aws-ebs",
		Parameters:  map[string]string{"type": "gp2", "fsType": "ext4"},
	}
	_, err := k.Client.StorageV1().StorageClasses().Create(context.Background(), gp2, k8smeta.CreateOptions{})
	require.NoError(t, err)
}

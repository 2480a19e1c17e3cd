//go:build engine

package tests

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/approval"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
)

// The Kubernetes half of the stack, deployed for real: the program on the
// real engine, with the real Kubernetes provider (.ci/kube-tools), onto a
// real API server on loopback, in bring-your-own-cluster mode. The stand-in
// AWS provider finds the cluster at that server, and the stand-in `aws`
// prints its token as `aws eks get-token` would, so the program's own
// kubeconfig is the one used. Run with:
//
//	eval "$(bash .ci/engine-tools)" && eval "$(bash .ci/kube-tools)"
//	go test -tags engine -run TestRealEngineDeploysTheKubernetesHalf ./tests
//
// For the shared example, then dev's Milvus settings beside it on the same
// cluster: `pulumi up` succeeds; every Kubernetes object the offline plan
// lists is in the API server with the plan's labels, annotations and spec;
// the ServiceAccount names the role; the release holds the plan's values;
// every pod of every workload passes admission (Pod Security included);
// a second `up` changes nothing; a preview after one sizing key changes
// shows an update of the release alone; `destroy --run-program` leaves
// nothing of ours behind.
//
// The releases skip Helm's wait (skipAwait, and atomic off, which would
// wait regardless), in this test's program only: with no kubelet no pod
// becomes ready, and simulating one (a scheduler, kwok's fake nodes,
// pre-bound volumes) would prove readiness of nothing real. What the test
// proves instead is that every pod is admitted. The load balancer Service's
// address is given as the controller would (serveLoadBalancers).
func TestRealEngineDeploysTheKubernetesHalf(t *testing.T) {
	if _, err := exec.LookPath("pulumi"); err != nil {
		t.Fatal("no pulumi CLI on the PATH: run `eval \"$(bash .ci/engine-tools)\"` first")
	}
	if os.Getenv("MILVUS_EKS_KUBERNETES_PROVIDER") == "" {
		t.Fatal("no MILVUS_EKS_KUBERNETES_PROVIDER: run `eval \"$(bash .ci/kube-tools)\"` first")
	}
	kube := startKubernetes(t)
	kube.createEKSDefaults(t)
	// An inline program runs in this process: the EBS CSI driver's delete
	// hook, which reaches the cluster through the program's kubeconfig,
	// runs the stand-in `aws eks get-token` from here.
	t.Setenv("MILVUS_EKS_STANDIN_TOKEN", kube.Token)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go serveLoadBalancers(ctx, t, kube, "us-east-2")

	for _, c := range []struct {
		name, base string
		set        map[string]any
	}{
		// The bring-your-own example as shipped, but for its bucket, which
		// it retains: protected, it would stop the destroy this test runs.
		{"shared", stackfile.Examples["shared"], map[string]any{
			config.FullName("bucketRetain"): false,
		}},
		// dev's Milvus settings, in a namespace of their own beside it,
		// steered to the owner's nodes by label as an existing cluster's
		// stack is (Karpenter comes only with a cluster the stack creates:
		// TestRealEngineAPIServerAdmitsKarpentersResources).
		{"dev", "Pulumi.dev.yaml", map[string]any{
			config.FullName("clusterMode"):         config.ClusterExisting,
			config.FullName("existingClusterName"): "local",
			config.FullName("milvusNamespace"):     "milvus-dev",
			config.FullName("nodePools"): map[string]any{"enabled": false,
				"querySelector": map[string]any{"workload": "milvus-query"}, "coreSelector": map[string]any{"workload": "milvus"}},
		}},
		// The same with the add-ons the stack can install on a cluster it
		// does not own (the Load Balancer Controller's release, the gp3
		// StorageClass, and the patch that takes gp2's default mark off),
		// with backups: their CronJob, ConfigMap, ServiceAccounts and
		// NetworkPolicies; and monitored: the collector's ClusterRole,
		// binding and NetworkPolicies, and kube-state-metrics' namespace,
		// Role in Milvus' namespace and Deployment, whose pod the restricted
		// Pod Security level must admit.
		{"addons", "Pulumi.dev.yaml", map[string]any{
			config.FullName("clusterMode"):            config.ClusterExisting,
			config.FullName("existingClusterName"):    "local",
			config.FullName("milvusNamespace"):        "milvus-addons",
			config.FullName("nodePools"):              map[string]any{"enabled": false},
			config.FullName("ebsCsiDriver"):           "true",
			config.FullName("loadBalancerController"): "true",
			config.FullName("backup"):                 map[string]any{"enabled": true},
			config.FullName("monitoring"):             map[string]any{"enabled": true, "alertEmails": []any{"oncall@example.com"}},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := newDeploying(t, kube, c.name, c.base, c.set)
			for _, step := range []struct {
				name string
				run  func(*testing.T)
			}{
				{"up", d.up},
				{"objects", d.checkObjects},
				{"pods admitted", d.checkPodsAdmitted},
				{"second up", d.upChangesNothing},
				{"preview of one key", d.previewOfOneSizingKey},
				{"destroy", d.destroy},
			} {
				start := time.Now()
				step.run(t)
				t.Logf("%s: %s took %s", c.name, step.name, time.Since(start).Round(time.Second))
			}
		})
	}
	t.Run("seeded", func(t *testing.T) {
		assertAWrongAnnotationIsFound(t, kube)
		assertTheAPIServerRefusesABadObject(t, kube)
		assertPodSecurityRefusesAPrivilegedPod(t, kube)
	})
}

// deploying is one stack of the deploying test: its workspace, its stack,
// and the offline plan of the same configuration.
type deploying struct {
	name    string
	kube    *localKubernetes
	stack   auto.Stack
	offline *mockcloud.Stack
	// namespace is Milvus' namespace in this stack.
	namespace string
}

// newDeploying writes the stack's file (the base stack file with set over
// it; when set moves the stack onto an existing cluster, without what
// describes a cluster the stack would create) in a
// workspace of its own, and plans the same configuration offline.
func newDeploying(t *testing.T, kube *localKubernetes, name, base string, set map[string]any) *deploying {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	copyFile(t, filepath.Join(projectDir, "Pulumi.yaml"), filepath.Join(dir, "Pulumi.yaml"))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, charts.Dir), 0o755))
	for _, archive := range charts.Vendored() {
		copyFile(t, filepath.Join(projectDir, archive.Path()), filepath.Join(dir, archive.Path()))
	}

	var file struct {
		Config map[string]any `yaml:"config"`
	}
	raw, err := os.ReadFile(filepath.Join(projectDir, base))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(raw, &file))
	if _, guest := set[config.FullName("clusterMode")]; guest {
		for _, k := range config.Keys {
			if k.CreateOnly || k.Group == config.GroupCluster {
				delete(file.Config, k.FullName())
			}
		}
	}
	for k, v := range set {
		file.Config[k] = v
	}
	stackFile := filepath.Join(dir, "Pulumi."+name+".yaml")
	raw, err = yaml.Marshal(file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(stackFile, raw, 0o644))

	settings, err := stackfile.FileConfig(dir, stackFile)
	require.NoError(t, err)
	for _, key := range stackfile.DeployerSecrets[name] {
		settings.Values[config.FullName(key)], settings.Secret[config.FullName(key)] = testRootPassword, true
	}
	offline, err := run(name, settings)
	require.NoError(t, err, "%s: the offline plan", name)
	cfg, err := config.Load(settings, name)
	require.NoError(t, err)

	require.NoError(t, os.MkdirAll(filepath.Join(dir, "state"), 0o755))
	env := map[string]string{
		"PULUMI_BACKEND_URL":                          "file://" + filepath.Join(dir, "state"),
		"PULUMI_CONFIG_PASSPHRASE":                    "engine-test",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		// The real Kubernetes provider before the stand-in one.
		"PATH": os.Getenv("MILVUS_EKS_KUBERNETES_PROVIDER") + string(os.PathListSeparator) + os.Getenv("PATH"),
		// Where the stand-in AWS provider's clusters are, and the token
		// the stand-in `aws eks get-token` prints.
		"MILVUS_EKS_STANDIN_API_SERVER":    kube.Endpoint,
		"MILVUS_EKS_STANDIN_API_SERVER_CA": kube.CAData,
		"MILVUS_EKS_STANDIN_TOKEN":         kube.Token,
	}
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(dir), auto.Program(skippingHelmWaits(engineProgram)), auto.EnvVars(env))
	require.NoError(t, err)
	s, err := auto.UpsertStack(ctx, name, ws)
	require.NoError(t, err)
	for _, key := range stackfile.DeployerSecrets[name] {
		require.NoError(t, s.SetConfig(ctx, config.FullName(key), auto.ConfigValue{Value: testRootPassword, Secret: true}))
	}
	// A failed step leaves the stack deployed: take it down before the
	// next stack shares the API server (a no-op after d.destroy).
	t.Cleanup(func() {
		if t.Failed() {
			_, _ = s.Destroy(ctx, optdestroy.RunProgram(true))
		}
	})
	return &deploying{name: name, kube: kube, stack: s, offline: offline, namespace: cfg.Milvus.Namespace}
}

// skippingHelmWaits runs program with every Helm release told not to wait
// for its workloads, which no kubelet will ever run, and every Deployment
// of the program's own (kube-state-metrics) likewise: this test's own
// setting, which no stack file can reach.
func skippingHelmWaits(program pulumi.RunFunc) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		err := ctx.RegisterResourceTransform(func(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
			switch args.Type {
			case "kubernetes:helm.sh/v3:Release":
				args.Props["skipAwait"] = pulumi.Bool(true)
				args.Props["atomic"] = pulumi.Bool(false) // Helm waits for an atomic release regardless
			case "kubernetes:apps/v1:Deployment":
				meta, ok := args.Props["metadata"].(pulumi.Map)
				if !ok {
					panic(fmt.Sprintf("a Deployment's metadata is a %T", args.Props["metadata"]))
				}
				annotations, _ := meta["annotations"].(pulumi.Map)
				if annotations == nil {
					annotations = pulumi.Map{}
				}
				annotations["pulumi.com/skipAwait"] = pulumi.String("true")
				meta["annotations"] = annotations
			default:
				return nil
			}
			return &pulumi.ResourceTransformResult{Props: args.Props, Opts: args.Opts}
		})
		if err != nil {
			return err
		}
		return program(ctx)
	}
}

func (d *deploying) up(t *testing.T) {
	t.Helper()
	var out strings.Builder
	_, err := d.stack.Up(context.Background(), optup.ProgressStreams(&out))
	require.NoError(t, err, "%s: pulumi up:\n%s", d.name, out.String())
}

// checkObjects holds every Kubernetes object of the offline plan against
// the API server's, the ServiceAccount's role, and the release's values.
func (d *deploying) checkObjects(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	var releases []*mockcloud.Resource
	for _, r := range d.offline.Resources {
		switch {
		case !strings.HasPrefix(r.Type, "kubernetes:"), strings.HasPrefix(r.Type, "pulumi:providers:"):
		case r.Type == "kubernetes:helm.sh/v3:Release":
			releases = append(releases, r)
		default:
			planned := mockcloud.Plain(r.Input()).(map[string]any)
			live := d.kube.get(t, planned)
			assert.Empty(t, objectDifferences(planned, live), "%s: %s %s, the plan's against the API server's", d.name, r.Type, r.Name)
			if r.Type == "kubernetes:core/v1:ServiceAccount" && r.Name == "monitoring-kube-state-metrics" {
				// kube-state-metrics reads the API, not AWS: no role.
				assert.NotContains(t, live.GetAnnotations(), trust.RoleArnAnnotation, "%s: the ServiceAccount %s names no role", d.name, r.Name)
			} else if r.Type == "kubernetes:core/v1:ServiceAccount" {
				// Milvus', and the backups' two, each name a role of the
				// plan.
				annotated := live.GetAnnotations()[trust.RoleArnAnnotation]
				var roles []string
				for _, role := range d.offline.Of("aws:iam/role:Role") {
					if role.Outputs["arn"].StringValue() == annotated {
						roles = append(roles, role.Name)
					}
				}
				assert.Len(t, roles, 1, "%s: the ServiceAccount %s names %q, a role of the plan", d.name, r.Name, annotated)
			}
		}
	}
	require.NotEmpty(t, releases)
	for _, r := range releases {
		inputs := mockcloud.Plain(r.Input()).(map[string]any)
		got := releaseValues(ctx, t, d.kube, inputs["namespace"].(string), inputs["name"].(string))
		assert.Equal(t, jsonRoundTrip(t, inputs["values"]), got, "%s: release %s holds the plan's values", d.name, r.Name)
	}
}

// checkPodsAdmitted waits until every Deployment and StatefulSet in
// Milvus' namespace has all its pods: each was admitted, Pod Security
// included (no kubelet runs them).
func (d *deploying) checkPodsAdmitted(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	workloads := 0
	deadline := time.Now().Add(90 * time.Second)
	for {
		var missing []string
		deployments, err := d.kube.Client.AppsV1().Deployments(d.namespace).List(ctx, k8smeta.ListOptions{})
		require.NoError(t, err)
		statefulSets, err := d.kube.Client.AppsV1().StatefulSets(d.namespace).List(ctx, k8smeta.ListOptions{})
		require.NoError(t, err)
		workloads = len(deployments.Items) + len(statefulSets.Items)
		check := func(kind, name string, want int32, selector *k8smeta.LabelSelector) {
			pods, err := d.kube.Client.CoreV1().Pods(d.namespace).List(ctx, k8smeta.ListOptions{LabelSelector: k8smeta.FormatLabelSelector(selector)})
			require.NoError(t, err)
			if int32(len(pods.Items)) < want {
				missing = append(missing, fmt.Sprintf("%s %s has %d of %d pods", kind, name, len(pods.Items), want))
			}
		}
		for _, w := range deployments.Items {
			check("Deployment", w.Name, *w.Spec.Replicas, w.Spec.Selector)
		}
		for _, w := range statefulSets.Items {
			// A StatefulSet makes its pods one by one, each once the one
			// before is ready: with no kubelet, the first is all there is.
			check("StatefulSet", w.Name, 1, w.Spec.Selector)
		}
		for _, job := range d.jobsOfCronJobs(t) {
			check("Job", job, 1, &k8smeta.LabelSelector{MatchLabels: map[string]string{"batch.kubernetes.io/job-name": job}})
		}
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			events, _ := d.kube.Client.CoreV1().Events(d.namespace).List(ctx, k8smeta.ListOptions{FieldSelector: "type=Warning"})
			var warnings []string
			for _, e := range events.Items {
				warnings = append(warnings, e.InvolvedObject.Kind+" "+e.InvolvedObject.Name+": "+e.Message)
			}
			t.Fatalf("%s: pods were not admitted:\n%s\nwarnings:\n%s", d.name, strings.Join(missing, "\n"), strings.Join(warnings, "\n"))
		}
		time.Sleep(time.Second)
	}
	assert.NotZero(t, workloads, "%s: the release made no workloads in %s", d.name, d.namespace)
}

// jobsOfCronJobs starts a Job from each CronJob of the namespace, once, as
// `kubectl create job --from=cronjob/...` does, so that Pod Security
// admits (or refuses) the pod a scheduled run would make, and returns the
// Jobs' names.
func (d *deploying) jobsOfCronJobs(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	cronJobs, err := d.kube.Client.BatchV1().CronJobs(d.namespace).List(ctx, k8smeta.ListOptions{})
	require.NoError(t, err)
	var names []string
	for _, cj := range cronJobs.Items {
		name := cj.Name + "-admission"
		job := &batchv1.Job{ObjectMeta: k8smeta.ObjectMeta{Name: name, Namespace: d.namespace, Labels: cj.Spec.JobTemplate.Labels}, Spec: cj.Spec.JobTemplate.Spec}
		if _, err := d.kube.Client.BatchV1().Jobs(d.namespace).Create(ctx, job, k8smeta.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			require.NoError(t, err)
		}
		names = append(names, name)
	}
	return names
}

func (d *deploying) upChangesNothing(t *testing.T) {
	t.Helper()
	result, err := d.stack.Up(context.Background())
	require.NoError(t, err)
	for op, n := range *result.Summary.ResourceChanges {
		assert.Equal(t, "same", op, "%s: a second update changes nothing, yet %d resources would %s", d.name, n, op)
	}
}

// previewOfOneSizingKey changes the proxies' CPU limit: the preview shows an
// update of Milvus' release and nothing else.
func (d *deploying) previewOfOneSizingKey(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	key := config.FullName("proxy") + ".cpuLimit"
	require.NoError(t, d.stack.SetConfigWithOptions(ctx, key, auto.ConfigValue{Value: "3500m"}, &auto.ConfigOptions{Path: true}))
	changes := approval.Changes(previewSteps(t, d.stack))
	require.Len(t, changes, 1, "%s: %v", d.name, changes)
	assert.Equal(t, "update", changes[0].Op)
	assert.True(t, strings.HasSuffix(changes[0].URN, "$kubernetes:helm.sh/v3:Release::milvus"), changes[0].URN)
	require.NoError(t, d.stack.RemoveConfigWithOptions(ctx, key, &auto.ConfigOptions{Path: true}))
}

// destroy runs the program's destroy and waits for the namespace to go;
// nothing the stack made is left.
func (d *deploying) destroy(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	var out strings.Builder
	_, err := d.stack.Destroy(ctx, optdestroy.RunProgram(true), optdestroy.ProgressStreams(&out))
	require.NoError(t, err)
	// The EBS CSI driver's delete hook reports a failure as a warning, and
	// the destroy goes on: here it must have reached the API server.
	assert.NotContains(t, out.String(), "volumes-released", "%s: the delete hook failed", d.name)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		_, err := d.kube.Client.CoreV1().Namespaces().Get(ctx, d.namespace, k8smeta.GetOptions{})
		if apierrors.IsNotFound(err) {
			break
		}
		require.NoError(t, err)
		require.True(t, time.Now().Before(deadline), "%s: namespace %s is still there two minutes after destroy", d.name, d.namespace)
		time.Sleep(time.Second)
	}
	for _, r := range d.offline.Resources {
		if !strings.HasPrefix(r.Type, "kubernetes:") || strings.HasPrefix(r.Type, "pulumi:providers:") || r.Type == "kubernetes:helm.sh/v3:Release" || strings.HasSuffix(r.Type, "Patch") {
			continue
		}
		planned := mockcloud.Plain(r.Input()).(map[string]any)
		_, err := d.kube.lookup(t, planned)
		assert.True(t, apierrors.IsNotFound(err), "%s: %s %s is left after destroy (%v)", d.name, r.Type, r.Name, err)
	}
	// Nothing the charts made outside the namespace is left either.
	for _, gvr := range []schema.GroupVersionResource{
		{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"},
		{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"},
	} {
		list, err := d.kube.Dynamic.Resource(gvr).List(ctx, k8smeta.ListOptions{})
		require.NoError(t, err)
		for _, o := range list.Items {
			assert.NotEqual(t, d.namespace, o.GetAnnotations()["meta.helm.sh/release-namespace"], "%s: %s %s is left after destroy", d.name, gvr.Resource, o.GetName())
		}
	}
}

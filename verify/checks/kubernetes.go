package checks

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
)

// Kubernetes is the cluster's API; client-go's clientset and its fake have it.
type Kubernetes = kubernetes.Interface

// Names the checks rely on.
const (
	// MilvusPodSelector selects the pods of Milvus' own components; the
	// chart's etcd and Pulsar pods carry their own names and need no role.
	MilvusPodSelector = "app.kubernetes.io/name=milvus"
	// The variables the webhook injects into a pod whose ServiceAccount
	// carries a role.
	envRoleArn   = "AWS_ROLE_ARN"
	envTokenFile = "AWS_WEB_IDENTITY_TOKEN_FILE"
)

// CheckKubernetes checks the ServiceAccount's annotation and that every
// Milvus pod runs under it, with the identity the webhook injects, and is
// ready.
func CheckKubernetes(ctx context.Context, k Kubernetes, out Outputs, o Options) []Result {
	var results []Result
	ns, sa := out.MilvusNamespace, out.MilvusServiceAccount

	saCheck := fmt.Sprintf("the ServiceAccount %s/%s's %s annotation", ns, sa, trust.RoleArnAnnotation)
	account, err := call(ctx, o, func(ctx context.Context) (*corev1.ServiceAccount, error) {
		return k.CoreV1().ServiceAccounts(ns).Get(ctx, sa, metav1.GetOptions{})
	})
	switch {
	case err != nil:
		results = append(results, fail(saCheck, out.MilvusRoleArn, err.Error()))
	case account.Annotations[trust.RoleArnAnnotation] == "":
		results = append(results, fail(saCheck, out.MilvusRoleArn, "no annotation"))
	case account.Annotations[trust.RoleArnAnnotation] != out.MilvusRoleArn:
		results = append(results, fail(saCheck, out.MilvusRoleArn, account.Annotations[trust.RoleArnAnnotation]))
	default:
		results = append(results, pass(saCheck, out.MilvusRoleArn, "it"))
	}

	pods, err := call(ctx, o, func(ctx context.Context) (*corev1.PodList, error) {
		return k.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: MilvusPodSelector})
	})
	const podsCheck = "Milvus pods"
	switch {
	case err != nil:
		return append(results, fail(podsCheck, "pods "+MilvusPodSelector+" in "+ns, err.Error()))
	case len(pods.Items) == 0:
		return append(results, fail(podsCheck, "pods "+MilvusPodSelector+" in "+ns, "none"))
	}
	want := fmt.Sprintf("ServiceAccount %s, %s=%s, %s set, Ready", sa, envRoleArn, out.MilvusRoleArn, envTokenFile)
	for _, pod := range pods.Items {
		check := "Milvus pod " + pod.Name
		if problems := PodProblems(pod, sa, out.MilvusRoleArn); len(problems) > 0 {
			results = append(results, fail(check, want, strings.Join(problems, "; ")))
		} else {
			results = append(results, pass(check, want, "so"))
		}
	}
	return results
}

// PodProblems lists how a pod falls short of running under the Milvus role.
func PodProblems(pod corev1.Pod, serviceAccount, roleArn string) []string {
	var problems []string
	if got := pod.Spec.ServiceAccountName; got != serviceAccount {
		if got == "" {
			got = "default"
		}
		problems = append(problems, "ServiceAccount "+got)
	}
	for _, c := range pod.Spec.Containers {
		env := map[string]string{}
		for _, e := range c.Env {
			env[e.Name] = e.Value
		}
		switch role, ok := env[envRoleArn]; {
		case !ok:
			problems = append(problems, fmt.Sprintf("container %s has no %s (the pod identity webhook did not inject the role)", c.Name, envRoleArn))
		case role != roleArn:
			problems = append(problems, fmt.Sprintf("container %s has %s=%s", c.Name, envRoleArn, role))
		}
		if env[envTokenFile] == "" {
			problems = append(problems, fmt.Sprintf("container %s has no %s", c.Name, envTokenFile))
		}
	}
	ready := false
	for _, cond := range pod.Status.Conditions {
		if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
			ready = true
		}
	}
	if !ready {
		problems = append(problems, "not Ready (phase "+string(pod.Status.Phase)+")")
	}
	return problems
}

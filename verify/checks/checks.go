// Package checks checks a deployed stack against AWS and its cluster: the
// manual checks of the Milvus guide (the role's trust policy, its policy, the
// ServiceAccount's annotation), the pods' injected identity, and the data
// path itself: Milvus writes to S3 through the role.
//
// Every check talks to AWS, Kubernetes and Milvus through the small
// interfaces below, which the SDK clients satisfy and the tests fake.
package checks

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/milvus-eks/milvus-eks/infra/stack/outputs"
)

// Result is the outcome of one check.
type Result struct {
	Check    string
	Passed   bool
	Expected string
	Found    string
}

func (r Result) String() string {
	status := "FAIL"
	if r.Passed {
		status = "PASS"
	}
	return fmt.Sprintf("%s  %s: expected %s; found %s", status, r.Check, r.Expected, r.Found)
}

func pass(check, expected, found string) Result {
	return Result{Check: check, Passed: true, Expected: expected, Found: found}
}

func fail(check, expected, found string) Result {
	return Result{Check: check, Passed: false, Expected: expected, Found: found}
}

// Outputs are the stack outputs the checks read, by the contract's names
// (infra/stack/outputs).
type Outputs struct {
	Region               string
	ClusterName          string
	Kubeconfig           string
	OidcProviderArn      string
	OidcIssuer           string
	BucketName           string
	BucketArn            string
	S3PolicyArn          string
	MilvusRoleArn        string
	MilvusNamespace      string
	MilvusServiceAccount string
	MilvusEndpoint       string
	// MilvusRootPassword is absent when authentication is off.
	MilvusRootPassword string
	// MilvusRootPath prefixes Milvus' objects in the bucket; "" for none.
	MilvusRootPath string
	// MilvusMessageQueue is "woodpecker" or "pulsar"; absent from stacks
	// deployed before the output existed.
	MilvusMessageQueue string
	// MilvusURI is https:// when the load balancer speaks TLS.
	MilvusURI string
	// MilvusDNSName is the name clients use, which the load balancer's
	// certificate covers; absent when the stack sets none.
	MilvusDNSName string
	// NodeLaunchTemplateID is present when the stack created its cluster.
	NodeLaunchTemplateID string
	// The backups' outputs are present when the stack runs backups.
	BackupBucketName string
	BackupPrefix     string
	BackupCronJob    string
	BackupRoleArn    string
	// The monitoring's outputs are present when the stack is monitored.
	MonitoringWorkspaceArn string
	MonitoringScraperArn   string
	// KarpenterRoleArn is present when Karpenter runs the stack's pools.
	KarpenterRoleArn string
}

// outputField ties an output of the contract to the field it fills.
type outputField struct {
	name     string
	field    *string
	required bool
}

// fields are the outputs the checks read: all are required but the root
// password.
func (o *Outputs) fields() []outputField {
	return []outputField{
		{outputs.Region, &o.Region, true},
		{outputs.ClusterName, &o.ClusterName, true},
		{outputs.Kubeconfig, &o.Kubeconfig, true},
		{outputs.OidcProviderArn, &o.OidcProviderArn, true},
		{outputs.OidcIssuer, &o.OidcIssuer, true},
		{outputs.BucketName, &o.BucketName, true},
		{outputs.BucketArn, &o.BucketArn, true},
		{outputs.S3PolicyArn, &o.S3PolicyArn, true},
		{outputs.MilvusRoleArn, &o.MilvusRoleArn, true},
		{outputs.MilvusNamespace, &o.MilvusNamespace, true},
		{outputs.MilvusServiceAccount, &o.MilvusServiceAccount, true},
		{outputs.MilvusEndpoint, &o.MilvusEndpoint, true},
		{outputs.MilvusRootPassword, &o.MilvusRootPassword, false},
		{outputs.MilvusRootPath, &o.MilvusRootPath, false},
		{outputs.MilvusMessageQueue, &o.MilvusMessageQueue, false},
		{outputs.MilvusURI, &o.MilvusURI, false},
		{outputs.MilvusDNSName, &o.MilvusDNSName, false},
		{outputs.NodeLaunchTemplateID, &o.NodeLaunchTemplateID, false},
		{outputs.BackupBucketName, &o.BackupBucketName, false},
		{outputs.BackupPrefix, &o.BackupPrefix, false},
		{outputs.BackupCronJob, &o.BackupCronJob, false},
		{outputs.BackupRoleArn, &o.BackupRoleArn, false},
		{outputs.MonitoringWorkspaceArn, &o.MonitoringWorkspaceArn, false},
		{outputs.MonitoringScraperArn, &o.MonitoringScraperArn, false},
		{outputs.KarpenterRoleArn, &o.KarpenterRoleArn, false},
	}
}

// ParseOutputs reads the JSON of `pulumi stack output --json --show-secrets`
// and says which outputs the checks need but the stack lacks.
func ParseOutputs(raw []byte) (Outputs, error) {
	var values map[string]any
	if err := json.Unmarshal(raw, &values); err != nil {
		return Outputs{}, fmt.Errorf("reading the stack outputs: %w", err)
	}
	var out Outputs
	var missing, hidden []string
	for _, f := range out.fields() {
		switch v := values[f.name].(type) {
		case string:
			*f.field = v
		case nil:
		default:
			// A kubeconfig exported as an object (pulumi-eks') is JSON text
			// to a client.
			text, err := json.Marshal(v)
			if err != nil {
				return Outputs{}, fmt.Errorf("reading the stack output %s: %w", f.name, err)
			}
			*f.field = string(text)
		}
		if *f.field == "[secret]" {
			hidden = append(hidden, f.name)
		}
		if f.required && *f.field == "" {
			missing = append(missing, f.name)
		}
	}
	if len(hidden) > 0 {
		return Outputs{}, fmt.Errorf("the stack outputs hide their secrets: export them with `pulumi stack output --json --show-secrets`")
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return Outputs{}, fmt.Errorf("the stack outputs lack %s: is this a milvus-eks stack after `pulumi up`?", strings.Join(missing, ", "))
	}
	return out, nil
}

// Clients are what the checks talk to.
type Clients struct {
	IAM        IAM
	EKS        EKS
	S3         S3
	EC2        EC2
	ELB        ELB
	Kubernetes Kubernetes
	// Dynamic reads custom resources (Karpenter's NodePools).
	Dynamic Dynamic
	// Pods runs the metadata probe in the cluster.
	Pods   PodRunner
	Milvus Milvus
	// AMP and Prometheus are the workspace's, for a monitored stack.
	AMP        AMP
	Prometheus Prometheus
}

// Options tune the checks.
type Options struct {
	// CallTimeout bounds each call to AWS or Kubernetes.
	CallTimeout time.Duration
	// DataPathTimeout bounds the whole data-path check (flushing takes a
	// while on a busy cluster).
	DataPathTimeout time.Duration
	// RootPath is Milvus' root path in the bucket (the chart's
	// externalS3.rootPath; empty by default).
	RootPath string
	// CollectionName names the throw-away collection; empty means a unique
	// generated name.
	CollectionName string
	// ProbePodName names the metadata probe's pod; empty means a unique
	// generated name.
	ProbePodName string
	// Now is the time the backups' age is measured at; zero means now.
	Now time.Time
}

// Run runs every check in order and returns their results.
func Run(ctx context.Context, c Clients, out Outputs, o Options) []Result {
	var results []Result
	results = append(results, CheckIdentity(ctx, c.IAM, c.EKS, out, o)...)
	results = append(results, CheckPolicy(ctx, c.IAM, c.S3, out, o)...)
	results = append(results, CheckKubernetes(ctx, c.Kubernetes, out, o)...)
	results = append(results, CheckHardening(ctx, c, out, o)...)
	results = append(results, CheckDataPath(ctx, c.Milvus, c.S3, out, o)...)
	if out.BackupCronJob != "" {
		results = append(results, CheckBackups(ctx, c.Kubernetes, c.S3, out, o)...)
	}
	if out.MonitoringScraperArn != "" {
		results = append(results, CheckMonitoring(ctx, c.AMP, c.Prometheus, out, o)...)
	}
	if out.KarpenterRoleArn != "" {
		results = append(results, CheckKarpenter(ctx, c.Kubernetes, c.Dynamic, out, o)...)
	}
	return results
}

// call bounds one call with the per-call timeout.
func call[T any](ctx context.Context, o Options, f func(context.Context) (T, error)) (T, error) {
	timeout := o.CallTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return f(ctx)
}

// Package verify checks a deployed stack against AWS and its cluster: the
// manual checks of the Milvus guide (the role's trust policy, its policy, the
// ServiceAccount's annotation), the pods' injected identity, and the data
// path itself: Milvus writes to S3 through the role.
//
// Every check talks to AWS, Kubernetes and Milvus through the small
// interfaces below, which the SDK clients satisfy and the tests fake.
package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
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

// Outputs are the stack outputs the checks read (the README's contract).
type Outputs struct {
	Region               string `json:"region"`
	ClusterName          string `json:"clusterName"`
	Kubeconfig           string `json:"kubeconfig"`
	OidcProviderArn      string `json:"oidcProviderArn"`
	OidcIssuer           string `json:"oidcIssuer"`
	BucketName           string `json:"bucketName"`
	BucketArn            string `json:"bucketArn"`
	S3PolicyArn          string `json:"s3PolicyArn"`
	MilvusRoleArn        string `json:"milvusRoleArn"`
	MilvusNamespace      string `json:"milvusNamespace"`
	MilvusServiceAccount string `json:"milvusServiceAccount"`
	MilvusEndpoint       string `json:"milvusEndpoint"`
	// MilvusRootPassword is absent when authentication is off.
	MilvusRootPassword string `json:"milvusRootPassword"`
}

// ParseOutputs reads the JSON of `pulumi stack output --json --show-secrets`
// and says which outputs the checks need but the stack lacks.
func ParseOutputs(raw []byte) (Outputs, error) {
	var out Outputs
	if err := json.Unmarshal(raw, &out); err != nil {
		return Outputs{}, fmt.Errorf("reading the stack outputs: %w", err)
	}
	if out.Kubeconfig == "[secret]" || out.MilvusRootPassword == "[secret]" {
		return Outputs{}, fmt.Errorf("the stack outputs hide their secrets: export them with `pulumi stack output --json --show-secrets`")
	}
	required := map[string]string{
		"region": out.Region, "clusterName": out.ClusterName, "kubeconfig": out.Kubeconfig,
		"oidcProviderArn": out.OidcProviderArn, "oidcIssuer": out.OidcIssuer,
		"bucketName": out.BucketName, "bucketArn": out.BucketArn, "s3PolicyArn": out.S3PolicyArn,
		"milvusRoleArn": out.MilvusRoleArn, "milvusNamespace": out.MilvusNamespace,
		"milvusServiceAccount": out.MilvusServiceAccount, "milvusEndpoint": out.MilvusEndpoint,
	}
	var missing []string
	for name, value := range required {
		if value == "" {
			missing = append(missing, name)
		}
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
	Kubernetes Kubernetes
	Milvus     Milvus
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
}

// Run runs every check in order and returns their results.
func Run(ctx context.Context, c Clients, out Outputs, o Options) []Result {
	var results []Result
	results = append(results, CheckIdentity(ctx, c.IAM, c.EKS, out, o)...)
	results = append(results, CheckPolicy(ctx, c.IAM, c.S3, out, o)...)
	results = append(results, CheckKubernetes(ctx, c.Kubernetes, out, o)...)
	results = append(results, CheckDataPath(ctx, c.Milvus, c.S3, out, o)...)
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

// Package rules is the policy pack's content: the invariants a stack of
// this program must keep, written once, over a plain view of its resources.
// The pack (infra/policypack) feeds it what the Pulumi engine sends at
// `pulumi preview` and `pulumi up`; the tests feed it the offline plans.
// Both get the same verdicts from the same code.
package rules

import (
	"encoding/json"
)

// Resource is one resource as a policy sees it.
type Resource struct {
	URN, Type, Name string
	// Inputs are plain values (maps, slices, strings, float64, bool);
	// a secret is Secret{}, a value known only after deployment Unknown{}.
	Inputs map[string]any
	// Dependencies are the URNs of the resources it depends on.
	Dependencies []string
	// DefaultProvider is true when it uses its package's default provider
	// rather than one the program declared.
	DefaultProvider bool
	Protect         bool
	RetainOnDelete  bool
}

// Secret stands for a secret value, whose content a policy never sees.
type Secret struct{}

// Unknown stands for a value that is computed during the deployment: a
// policy that needs it says nothing.
type Unknown struct{}

// Stack is what a policy knows of the stack beyond its resources.
type Stack struct {
	// Production is the stack's `production` key: its rules apply.
	Production bool
}

// Violation is one broken invariant: the policy, the resource (its URN,
// "" for the stack) and what is wrong, where, and how to fix it.
type Violation struct {
	Policy, URN, Message string
}

// Policy is one invariant. A policy checks resources one at a time
// (Resource), or the stack's resources together (Stack).
type Policy struct {
	Name        string
	Description string
	Resource    func(r Resource, s Stack) []string
	Stack       func(rs []Resource, s Stack) []Violation
}

// Evaluate runs every policy over a stack's resources.
func Evaluate(resources []Resource, s Stack) []Violation {
	var out []Violation
	for _, p := range Policies {
		if p.Resource != nil {
			for _, r := range resources {
				for _, m := range p.Resource(r, s) {
					out = append(out, Violation{Policy: p.Name, URN: r.URN, Message: m})
				}
			}
		}
		if p.Stack != nil {
			for _, v := range p.Stack(resources, s) {
				v.Policy = p.Name
				out = append(out, v)
			}
		}
	}
	return out
}

// Policies are the pack's, in the order the README lists them.
var Policies = []Policy{
	s3PublicAccessBlock, s3TLSOnly, s3Encryption, s3ProductionRetention,
	iamNoWildcardActions, iamS3OneBucket, iamWebIdentityTrust,
	noStaticCredentials, secretsAsSecrets,
	kubernetesExplicitProvider, helmReleasePinned,
	loadBalancerExposure, nodeMetadata, nodeClassGuarantees, productionBackups, productionMonitoring,
}

// Resource types the policies look at.
const (
	typeBucket            = "aws:s3/bucketV2:BucketV2"
	typePublicAccessBlock = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeBucketPolicy      = "aws:s3/bucketPolicy:BucketPolicy"
	typeEncryption        = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typeVersioning        = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typeIAMPolicy         = "aws:iam/policy:Policy"
	typeRolePolicy        = "aws:iam/rolePolicy:RolePolicy"
	typeRole              = "aws:iam/role:Role"
	typeK8sSecret         = "kubernetes:core/v1:Secret"
	typeK8sService        = "kubernetes:core/v1:Service"
	typeK8sProvider       = "pulumi:providers:kubernetes"
	typeRelease           = "kubernetes:helm.sh/v3:Release"
	typeCronJob           = "kubernetes:batch/v1:CronJob"
	typeLaunchTemplate    = "aws:ec2/launchTemplate:LaunchTemplate"
	typeManagedNodeGroup  = "eks:index:ManagedNodeGroup"
	typeEKSNodeGroup      = "aws:eks/nodeGroup:NodeGroup"
)

// where names a resource in a message: "aws:s3/bucketV2:BucketV2 storage".
func where(r Resource) string { return r.Type + " " + r.Name }

// get walks nested maps; ok is false when a step is missing.
func get(v any, path ...string) (any, bool) {
	for _, key := range path {
		m, isMap := v.(map[string]any)
		if !isMap {
			return nil, false
		}
		if v, isMap = m[key]; !isMap {
			return nil, false
		}
	}
	return v, true
}

func unknown(v any) bool { _, ok := v.(Unknown); return ok }

// document is an IAM or bucket policy, whether the engine sends it as JSON
// text or the plan as an object; ok is false when it is not known.
func document(v any) (map[string]any, bool) {
	switch d := v.(type) {
	case map[string]any:
		return d, true
	case string:
		var m map[string]any
		if json.Unmarshal([]byte(d), &m) == nil {
			return m, true
		}
	}
	return nil, false
}

// statements are a policy document's statements, one or many.
func statements(doc map[string]any) []map[string]any {
	var out []map[string]any
	switch s := doc["Statement"].(type) {
	case map[string]any:
		out = append(out, s)
	case []any:
		for _, e := range s {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// strs is a string or a list of strings as a list.
func strs(v any) []string {
	switch s := v.(type) {
	case string:
		return []string{s}
	case []any:
		var out []string
		for _, e := range s {
			if str, ok := e.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

// dependents are the resources of a type that depend on r.
func dependents(rs []Resource, typ string, r Resource) []Resource {
	var out []Resource
	for _, d := range rs {
		if d.Type == typ {
			for _, dep := range d.Dependencies {
				if dep == r.URN {
					out = append(out, d)
					break
				}
			}
		}
	}
	return out
}

// perBucket checks, for every bucket, the resources of typ that depend on
// it; check returns what is wrong, or "".
func perBucket(rs []Resource, typ string, check func(bucket Resource, attached []Resource) string) []Violation {
	var out []Violation
	for _, b := range rs {
		if b.Type != typeBucket {
			continue
		}
		if m := check(b, dependents(rs, typ, b)); m != "" {
			out = append(out, Violation{URN: b.URN, Message: m})
		}
	}
	return out
}

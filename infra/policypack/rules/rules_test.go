package rules

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
)

const projectDir = "../../.."

// planOf reads a stack's offline plan (tests/testdata, kept equal to what
// the program declares by the snapshot test) as the policies see resources.
func planOf(t *testing.T, stack string) []Resource {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(projectDir, "tests", "testdata", stack+".json"))
	require.NoError(t, err)
	var plan struct {
		Resources []struct {
			URN, Type, Name, Provider string
			Dependencies              []string
			Inputs                    map[string]any
			Protect, RetainOnDelete   bool
		}
	}
	require.NoError(t, json.Unmarshal(raw, &plan))
	var out []Resource
	for _, r := range plan.Resources {
		out = append(out, Resource{URN: r.URN, Type: r.Type, Name: r.Name, Dependencies: r.Dependencies,
			Inputs: markSecrets(r.Inputs).(map[string]any), DefaultProvider: r.Provider == "",
			Protect: r.Protect, RetainOnDelete: r.RetainOnDelete})
	}
	return out
}

// markSecrets turns the plan's masked secrets into Secret{}.
func markSecrets(v any) any {
	switch x := v.(type) {
	case string:
		if x == config.SecretMask {
			return Secret{}
		}
	case map[string]any:
		for k, e := range x {
			x[k] = markSecrets(e)
		}
	case []any:
		for i, e := range x {
			x[i] = markSecrets(e)
		}
	}
	return v
}

// stackOf reads what the policies know of a shipped stack from its file.
func stackOf(t *testing.T, stack, file string) Stack {
	t.Helper()
	settings, err := stackfile.FileConfig(projectDir, filepath.Join(projectDir, file))
	require.NoError(t, err)
	settings.Values[config.FullName("milvusRootPassword")] = stackfile.SecretPlaceholder
	settings.Secret[config.FullName("milvusRootPassword")] = true
	cfg, err := config.Load(settings, stack)
	require.NoError(t, err)
	return Stack{Production: cfg.Production}
}

var shipped = []struct{ stack, file string }{
	{"dev", "Pulumi.dev.yaml"}, {"prod", "Pulumi.prod.yaml"}, {"shared", "Pulumi.shared.yaml.example"},
}

// Every shipped stack passes every policy.
func TestShippedStacksPass(t *testing.T) {
	for _, s := range shipped {
		st := stackOf(t, s.stack, s.file)
		assert.Equal(t, s.stack == "prod", st.Production, s.stack)
		assert.Empty(t, Evaluate(planOf(t, s.stack), st), s.stack)
	}
}

// find is the resource of a type and name, for a mutation.
func find(t *testing.T, rs []Resource, typ, name string) *Resource {
	t.Helper()
	for i := range rs {
		if rs[i].Type == typ && rs[i].Name == name {
			return &rs[i]
		}
	}
	t.Fatalf("no %s %s", typ, name)
	return nil
}

func without(rs []Resource, types ...string) []Resource {
	var out []Resource
	for _, r := range rs {
		if !slices.Contains(types, r.Type) {
			out = append(out, r)
		}
	}
	return out
}

// Each policy fires on a plan broken the way it guards against, with its
// message, and nothing else fires.
func TestEachPolicyFires(t *testing.T) {
	const (
		bucket  = "aws:s3/bucketV2:BucketV2 storage"
		s3Arn   = "arn:aws:s3:::milvus-bucket-00000000000000000000000000"
		release = "kubernetes:helm.sh/v3:Release milvus"
	)
	tests := []struct {
		policy, stack string
		mutate        func(t *testing.T, rs []Resource) []Resource
		want          []string
	}{
		{"s3-public-access-block", "dev", func(t *testing.T, rs []Resource) []Resource {
			find(t, rs, typePublicAccessBlock, "storage").Inputs["blockPublicPolicy"] = false
			return rs
		}, []string{typePublicAccessBlock + " storage leaves blockPublicPolicy off: set all four of blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true"}},
		{"s3-public-access-block", "dev", func(t *testing.T, rs []Resource) []Resource { return without(rs, typePublicAccessBlock) },
			[]string{bucket + " has no public access block: declare an " + typePublicAccessBlock + " for it with all four settings on"}},
		{"s3-tls-only", "dev", func(t *testing.T, rs []Resource) []Resource {
			find(t, rs, typeBucketPolicy, "storage").Inputs["policy"] = `{"Version":"2012-10-17","Statement":[]}`
			return rs
		}, []string{bucket + " accepts requests without TLS: give it a bucket policy that denies s3:* when aws:SecureTransport is false"}},
		{"s3-encryption", "dev", func(t *testing.T, rs []Resource) []Resource { return without(rs, typeEncryption) },
			[]string{bucket + " has no default encryption: declare an " + typeEncryption + " for it with sseAlgorithm AES256 or aws:kms"}},
		{"s3-production-retention", "prod", func(t *testing.T, rs []Resource) []Resource {
			b := find(t, rs, typeBucket, "storage")
			b.Protect, b.RetainOnDelete = false, false
			return without(rs, typeVersioning)
		}, []string{
			bucket + " holds production data without versioning (an " + typeVersioning + " with status Enabled), protect, retainOnDelete: set bucketVersioning and bucketRetain",
			"aws:s3/bucketV2:BucketV2 backup-bucket holds production data without versioning (an " + typeVersioning + " with status Enabled): set bucketVersioning and bucketRetain",
		}},
		{"iam-no-wildcard-actions", "dev", func(t *testing.T, rs []Resource) []Resource {
			doc := find(t, rs, typeIAMPolicy, "storage-access").Inputs["policy"].(map[string]any)
			doc["Statement"].([]any)[0].(map[string]any)["Action"] = []any{"s3:*"}
			return rs
		}, []string{typeIAMPolicy + ` storage-access allows "s3:*" in its policy: name the actions it needs`}},
		{"iam-s3-one-bucket", "dev", func(t *testing.T, rs []Resource) []Resource {
			doc := find(t, rs, typeIAMPolicy, "storage-access").Inputs["policy"].(map[string]any)
			doc["Statement"].([]any)[1].(map[string]any)["Resource"] = []any{s3Arn + "/*", "arn:aws:s3:::other-bucket/*"}
			return rs
		}, []string{typeIAMPolicy + " storage-access lets its role write to 2 buckets (milvus-bucket-00000000000000000000000000, other-bucket) in its policy: give each bucket's writer a policy of its own"}},
		{"iam-s3-one-bucket", "dev", func(t *testing.T, rs []Resource) []Resource {
			doc := find(t, rs, typeIAMPolicy, "storage-access").Inputs["policy"].(map[string]any)
			doc["Statement"].([]any)[1].(map[string]any)["Resource"] = "*"
			return rs
		}, []string{typeIAMPolicy + " storage-access grants S3 actions on * in its policy: name the bucket (arn:aws:s3:::<bucket>) and its objects (arn:aws:s3:::<bucket>/*)"}},
		{"iam-web-identity-trust", "dev", func(t *testing.T, rs []Resource) []Resource {
			doc := find(t, rs, typeRole, "milvus-s3").Inputs["assumeRolePolicy"].(map[string]any)
			st := doc["Statement"].([]any)[0].(map[string]any)
			equals := st["Condition"].(map[string]any)["StringEquals"].(map[string]any)
			for k, v := range equals {
				if k[len(k)-4:] == ":sub" {
					delete(equals, k)
					st["Condition"].(map[string]any)["StringLike"] = map[string]any{k: v}
				}
			}
			return rs
		}, []string{typeRole + " milvus-s3 trusts a web identity with StringEquals on aud instead of exactly :sub and :aud, a StringLike condition: pin the ServiceAccount with StringEquals on <issuer>:sub and <issuer>:aud, and nothing else"}},
		{"no-static-credentials", "dev", func(t *testing.T, rs []Resource) []Resource {
			r := find(t, rs, typeRelease, "milvus")
			r.Inputs["values"].(map[string]any)["externalS3"].(map[string]any)["secretKey"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
			return rs
		}, []string{release + " sets values.externalS3.secretKey: remove it and give the workload an IAM role through its ServiceAccount (IRSA)"}},
		{"secrets-as-secrets", "dev", func(t *testing.T, rs []Resource) []Resource {
			find(t, rs, typeK8sSecret, "milvus-root-password").Inputs["stringData"] = map[string]any{"password": "visible"}
			return rs
		}, []string{typeK8sSecret + " milvus-root-password has stringData in plain text: wrap it with pulumi.ToSecret (or read it from a secret config value)"}},
		{"kubernetes-explicit-provider", "dev", func(t *testing.T, rs []Resource) []Resource {
			find(t, rs, "kubernetes:core/v1:Namespace", "milvus").DefaultProvider = true
			return rs
		}, []string{"kubernetes:core/v1:Namespace milvus uses the default Kubernetes provider, which reads whatever kubeconfig the machine has: pass pulumi.Provider(<the cluster's provider>)"}},
		{"helm-release-pinned", "dev", func(t *testing.T, rs []Resource) []Resource {
			r := find(t, rs, typeRelease, "milvus")
			r.Inputs["version"], r.Inputs["atomic"] = "5.x", false
			return rs
		}, []string{
			release + " installs infra/charts/milvus-5.0.19.tgz as version 5.x: give the archive's own version, 5.0.19",
			release + " is not atomic: set atomic, so that a failed install is rolled back rather than left half done",
		}},
		{"helm-release-pinned", "dev", func(t *testing.T, rs []Resource) []Resource {
			r := find(t, rs, typeRelease, "milvus")
			r.Inputs["chart"], r.Inputs["repositoryOpts"] = "milvus", map[string]any{"repo": "https://zilliztech.github.io/milvus-helm/"}
			return rs
		}, []string{
			release + ` installs chart "milvus", which is not an archive of infra/charts: install the repository's vendored, digest-pinned archive (infra/charts/README.md says how to add one)`,
			release + " names a chart repository: a remote chart has no digest; install the vendored archive alone",
		}},
		{"load-balancer-exposure", "dev", func(t *testing.T, rs []Resource) []Resource {
			find(t, rs, typeRelease, "milvus").Inputs["values"].(map[string]any)["service"].(map[string]any)["type"] = "LoadBalancer"
			svc := find(t, rs, typeK8sService, "milvus-endpoint")
			spec := svc.Inputs["spec"].(map[string]any)
			spec["ports"] = append(spec["ports"].([]any), map[string]any{"port": 9091.0})
			delete(spec, "loadBalancerSourceRanges")
			return rs
		}, []string{
			release + " gives the chart's Service type LoadBalancer, which publishes port 9091 (metrics, pprof, the WebUI) beside 19530: keep it ClusterIP and publish 19530 through a Service of your own",
			typeK8sService + " milvus-endpoint publishes port 9091 on its load balancer: publish Milvus' 19530 alone (9091 serves metrics, pprof and the WebUI with no login)",
			typeK8sService + " milvus-endpoint sets no loadBalancerSourceRanges, so its load balancer admits every address: list the clients' CIDR blocks",
		}},
		{"load-balancer-exposure", "prod", func(t *testing.T, rs []Resource) []Resource {
			svc := find(t, rs, typeK8sService, "milvus-endpoint")
			delete(svc.Inputs["metadata"].(map[string]any)["annotations"].(map[string]any), "service.beta.kubernetes.io/aws-load-balancer-alpn-policy")
			return rs
		}, []string{
			typeK8sService + " milvus-endpoint terminates TLS with ALPN policy unset: gRPC clients refuse TLS that negotiates no HTTP/2; set the aws-load-balancer-alpn-policy annotation to HTTP2Preferred (or HTTP2Only)",
		}},
		{"load-balancer-exposure", "prod", func(t *testing.T, rs []Resource) []Resource {
			svc := find(t, rs, typeK8sService, "milvus-endpoint")
			delete(svc.Inputs["metadata"].(map[string]any)["annotations"].(map[string]any), "service.beta.kubernetes.io/aws-load-balancer-ssl-cert")
			svc.Inputs["spec"].(map[string]any)["loadBalancerSourceRanges"] = []any{"0.0.0.0/0"}
			return rs
		}, []string{
			typeK8sService + " milvus-endpoint is internet-facing without TLS in production: set loadBalancerCertificateArn (the aws-load-balancer-ssl-cert annotation)",
			typeK8sService + " milvus-endpoint is internet-facing and admits 0.0.0.0/0 in production: narrow loadBalancerSourceRanges to the clients",
		}},
		{"production-backups", "prod", func(t *testing.T, rs []Resource) []Resource { return without(rs, typeCronJob) },
			[]string{"a production stack runs no backups (no " + typeCronJob + " labelled app.kubernetes.io/name=milvus-backup): set backup.enabled, so that a dropped collection or a lost etcd can be restored"}},
		{"production-monitoring", "prod", func(t *testing.T, rs []Resource) []Resource { return without(rs, typeScraper, typeAlertManagerDef) },
			[]string{"a production stack is not watched (no " + typeScraper + ", " + typeAlertManagerDef + "): set monitoring.enabled with an alert destination, so that someone is told when Milvus fails"}},
		// The backup bucket is held to the bucket rules as Milvus' is.
		{"s3-production-retention", "prod", func(t *testing.T, rs []Resource) []Resource {
			find(t, rs, typeBucket, "backup-bucket").RetainOnDelete = false
			return rs
		}, []string{"aws:s3/bucketV2:BucketV2 backup-bucket holds production data without retainOnDelete: set bucketVersioning and bucketRetain"}},
		// A backup role reads Milvus' bucket and writes its own; writing
		// both is refused.
		{"iam-s3-one-bucket", "prod", func(t *testing.T, rs []Resource) []Resource {
			doc := find(t, rs, typeIAMPolicy, "backup-s3").Inputs["policy"].(map[string]any)
			read := doc["Statement"].([]any)[1].(map[string]any)
			read["Action"] = []any{"s3:GetObject", "s3:PutObject"}
			return rs
		}, []string{typeIAMPolicy + " backup-s3 lets its role write to 2 buckets (milvus-backups-00000000000000000000000000, milvus-bucket-00000000000000000000000000) in its policy: give each bucket's writer a policy of its own"}},
		{"node-metadata", "dev", func(t *testing.T, rs []Resource) []Resource {
			find(t, rs, typeLaunchTemplate, "cluster-nodes").Inputs["metadataOptions"].(map[string]any)["httpPutResponseHopLimit"] = 2.0
			nodes := find(t, rs, typeManagedNodeGroup, "cluster-nodes")
			delete(nodes.Inputs, "launchTemplate")
			nodes.Inputs["enableIMDSv2"] = true
			return rs
		}, []string{
			typeLaunchTemplate + " cluster-nodes lets pods reach the instance metadata service (httpTokens required, hop limit 2): require tokens with a hop limit of 1",
			typeManagedNodeGroup + " cluster-nodes sets enableIMDSv2, whose launch template has a hop limit of 2 that pods reach: give it a launch template of your own with a hop limit of 1",
			typeManagedNodeGroup + " cluster-nodes has no launch template, so EKS' default one leaves IMDSv1 and pods' access to it as the AMI has them: give it one that requires tokens with a hop limit of 1",
		}},
		{"node-class-guarantees", "dev", func(t *testing.T, rs []Resource) []Resource {
			spec := find(t, rs, typeNodeClass, "karpenter-node-class").Inputs["spec"].(map[string]any)
			spec["metadataOptions"].(map[string]any)["httpPutResponseHopLimit"] = 2.0
			root := spec["blockDeviceMappings"].([]any)[0].(map[string]any)
			root["ebs"].(map[string]any)["encrypted"] = false
			spec["subnetSelectorTerms"] = []any{map[string]any{"tags": map[string]any{"karpenter.sh/discovery": "milvus-dev"}}}
			return rs
		}, []string{
			typeNodeClass + " karpenter-node-class starts nodes weaker than the node group's: httpPutResponseHopLimit 2 (must be 1), ebs.encrypted false (must be true), subnetSelectorTerms selects by something other than ID; build it from nodeguarantees, as the stack's is",
		}},
	}
	fired := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.policy, func(t *testing.T) {
			rs := tt.mutate(t, planOf(t, tt.stack))
			var messages []string
			for _, v := range Evaluate(rs, stackOf(t, tt.stack, "Pulumi."+tt.stack+".yaml")) {
				assert.Equal(t, tt.policy, v.Policy, v.Message)
				messages = append(messages, v.Message)
			}
			assert.ElementsMatch(t, tt.want, messages)
			fired[tt.policy] = true
		})
	}
	for _, p := range Policies {
		assert.True(t, fired[p.Name], "%s has no mutation that makes it fire", p.Name)
	}
}

func TestPolicyNamesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range Policies {
		assert.False(t, seen[p.Name], p.Name)
		seen[p.Name] = true
		assert.NotEmpty(t, p.Description, p.Name)
		assert.True(t, p.Resource != nil || p.Stack != nil, p.Name)
	}
}

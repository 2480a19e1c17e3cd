package checks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

func TestAHealthyDeploymentPasses(t *testing.T) {
	w := healthy()
	results := Run(context.Background(), w.clients(), stackOutputs, Options{CollectionName: "verify_test", ProbePodName: "verify-probe"})
	var lines []string
	for _, r := range results {
		lines = append(lines, r.String())
	}
	assert.Equal(t, []string{
		"PASS  the cluster's OIDC issuer: expected https://" + issuerHost + "; found the same",
		"PASS  the IAM OIDC provider: expected " + providerArn + ", for " + issuerHost + ", with client ID sts.amazonaws.com; found it",
		"PASS  the Milvus role's trust policy: expected only Federated " + providerArn + " may sts:AssumeRoleWithWebIdentity, StringEquals " + issuerHost + ":sub = " + subject + " and " + issuerHost + ":aud = sts.amazonaws.com; found exactly that",
		"PASS  the Milvus role's policies: expected only " + policyArn + ", attached; found so",
		"PASS  the S3 policy grants least privilege: expected s3:DeleteObject on " + bucketArn + "/*, s3:GetObject on " + bucketArn + "/*, s3:ListBucket on " + bucketArn + ", s3:PutObject on " + bucketArn + "/*; found exactly those",
		"PASS  the ServiceAccount milvus/milvus-s3-access-sa's eks.amazonaws.com/role-arn annotation: expected " + roleArn + "; found it",
		"PASS  Milvus pod milvus-mixcoord-0: expected ServiceAccount milvus-s3-access-sa, AWS_ROLE_ARN=" + roleArn + ", AWS_WEB_IDENTITY_TOKEN_FILE set, Ready; found so",
		"PASS  Milvus pod milvus-proxy-0: expected ServiceAccount milvus-s3-access-sa, AWS_ROLE_ARN=" + roleArn + ", AWS_WEB_IDENTITY_TOKEN_FILE set, Ready; found so",
		"PASS  the load balancer milvus-nlb.elb.us-east-2.amazonaws.com's listeners: expected only TLS on 19530 with ELBSecurityPolicy-TLS13-1-2-2021-06 and ALPN HTTP2Preferred; found exactly that",
		"PASS  the nodes' launch template " + launchTemplateID + ": expected IMDSv2 tokens required, hop limit 1; found so",
		"PASS  the cluster milvus-dev's authentication mode: expected API; found it",
		"PASS  a pod in milvus asks the instance metadata service for a token: expected no token; found no token",
		"PASS  create a collection in Milvus at " + stackOutputs.MilvusEndpoint + ": expected collection verify_test; found created",
		"PASS  the collection's ID: expected an ID; found 4242",
		"PASS  insert vectors: expected 300 vectors inserted; found inserted",
		"PASS  flush to object storage: expected the flush completes; found completed",
		"PASS  new objects in S3: expected objects under s3://" + bucket + "/insert_log/4242/ written since the check began; found 1, e.g. insert_log/4242/1/2/100/1",
		"PASS  search: expected at least 1 hit; found 5 hits",
		"PASS  drop the collection: expected collection verify_test dropped; found dropped",
	}, lines)
}

func TestEachWayItCanGoWrong(t *testing.T) {
	const (
		trustCheck  = "the Milvus role's trust policy"
		grantsCheck = "the S3 policy grants least privilege"
		saCheck     = "the ServiceAccount milvus/milvus-s3-access-sa's eks.amazonaws.com/role-arn annotation"
		// The hardening's.
		listenersCheck = "the load balancer milvus-nlb.elb.us-east-2.amazonaws.com's listeners"
		templateCheck  = "the nodes' launch template " + launchTemplateID
		probeCheck     = "a pod in milvus asks the instance metadata service for a token"
	)
	tests := []struct {
		name   string
		break_ func(w *world)
		want   map[string]string
	}{
		{"wrong audience", func(w *world) {
			w.trust = strings.Replace(w.trust, `:aud":"sts.amazonaws.com"`, `:aud":"sts.amazonaws.com.cn"`, 1)
		}, map[string]string{trustCheck: issuerHost + ":aud = sts.amazonaws.com.cn, not sts.amazonaws.com"}},
		{"condition key with https://", func(w *world) {
			w.trust = strings.ReplaceAll(w.trust, `"`+issuerHost+`:`, `"https://`+issuerHost+`:`)
		}, map[string]string{trustCheck: "condition key https://" + issuerHost + ":aud names the issuer with https://, which IAM condition keys never do, so it never matches; " +
			"condition key https://" + issuerHost + ":sub names the issuer with https://, which IAM condition keys never do, so it never matches; " +
			"no StringEquals on " + issuerHost + ":aud; no StringEquals on " + issuerHost + ":sub"}},
		{"StringLike wildcard on :sub", func(w *world) {
			w.trust = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},"Action":"sts:AssumeRoleWithWebIdentity",`+
				`"Condition":{"StringEquals":{%q:"sts.amazonaws.com"},"StringLike":{%q:"system:serviceaccount:*"}}}]}`,
				providerArn, issuerHost+":aud", issuerHost+":sub")
		}, map[string]string{trustCheck: "StringLike on " + issuerHost + ":sub = system:serviceaccount:*: only StringEquals pins the value; no StringEquals on " + issuerHost + ":sub"}},
		{"another principal may assume the role", func(w *world) {
			w.trust = strings.Replace(w.trust, `"Federated":`, `"AWS":"arn:aws:iam::111122223333:root","Federated":`, 1)
		}, map[string]string{trustCheck: "principal map[AWS:[arn:aws:iam::111122223333:root] Federated:[" + providerArn + "]]"}},
		{"the OIDC provider lacks the STS client ID", func(w *world) { w.clientIDs = []string{"sigstore"} },
			map[string]string{"the IAM OIDC provider": "client IDs sigstore"}},
		{"the policy is not attached", func(w *world) { w.attached = nil },
			map[string]string{"the Milvus role's policies": "none attached"}},
		{"another policy is attached", func(w *world) {
			w.attached = append(w.attached, "arn:aws:iam::aws:policy/AdministratorAccess")
		}, map[string]string{"the Milvus role's policies": "attached: " + policyArn + ", arn:aws:iam::aws:policy/AdministratorAccess"}},
		{"an inline policy", func(w *world) { w.inline = []string{"debug"} },
			map[string]string{"the Milvus role's policies": "attached: " + policyArn + "; inline: debug"}},
		{"another cluster's issuer", func(w *world) { w.issuer = "https://oidc.eks.us-east-2.amazonaws.com/id/OTHER" },
			map[string]string{"the cluster's OIDC issuer": "https://oidc.eks.us-east-2.amazonaws.com/id/OTHER"}},
		{"a provider for another issuer", func(w *world) { w.providerURL = "oidc.eks.us-east-2.amazonaws.com/id/OTHER" },
			map[string]string{"the IAM OIDC provider": "a provider for oidc.eks.us-east-2.amazonaws.com/id/OTHER"}},
		{"an extra action", func(w *world) {
			w.policy = strings.Replace(w.policy, `"s3:ListBucket"`, `"s3:ListBucket","s3:PutBucketPolicy"`, 1)
		}, map[string]string{grantsCheck: "more: s3:PutBucketPolicy on " + bucketArn}},
		{"a + in the document survives decoding", func(w *world) {
			w.policy = strings.Replace(w.policy, `"s3:ListBucket"`, `"s3:ListBucket","s3:Get+Object"`, 1)
		}, map[string]string{grantsCheck: "more: s3:Get+Object on " + bucketArn}},
		{"the policy on *", func(w *world) {
			w.policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"*"}]}`
		}, map[string]string{grantsCheck: "missing s3:DeleteObject on " + bucketArn + "/*, s3:GetObject on " + bucketArn + "/*, s3:ListBucket on " + bucketArn + ", s3:PutObject on " + bucketArn + "/*; " +
			"more: s3:DeleteObject on *, s3:GetObject on *, s3:ListBucket on *, s3:PutObject on *"}},
		{"a KMS bucket without the key's actions", func(w *world) {
			w.kmsKey = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		}, map[string]string{grantsCheck: "missing kms:Decrypt on arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab, kms:GenerateDataKey on arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}},
		{"missing annotation", func(w *world) { w.serviceAcct.Annotations = nil },
			map[string]string{saCheck: "no annotation"}},
		{"no ServiceAccount", func(w *world) { w.serviceAcct = nil },
			map[string]string{saCheck: `serviceaccounts "milvus-s3-access-sa" not found`}},
		{"a pod under the default ServiceAccount", func(w *world) {
			w.pods[0].Spec.ServiceAccountName = ""
			w.pods[0].Spec.Containers[0].Env = nil
		}, map[string]string{"Milvus pod milvus-proxy-0": "ServiceAccount default; container milvus has no AWS_ROLE_ARN (the pod identity webhook did not inject the role); container milvus has no AWS_WEB_IDENTITY_TOKEN_FILE"}},
		{"the webhook's variables missing", func(w *world) { w.pods[1].Spec.Containers[0].Env = nil },
			map[string]string{"Milvus pod milvus-mixcoord-0": "container milvus has no AWS_ROLE_ARN (the pod identity webhook did not inject the role); container milvus has no AWS_WEB_IDENTITY_TOKEN_FILE"}},
		{"a pod not ready", func(w *world) { w.pods[0].Status = corev1.PodStatus{Phase: corev1.PodPending} },
			map[string]string{"Milvus pod milvus-proxy-0": "not Ready (phase Pending)"}},
		{"no Milvus pods", func(w *world) { w.pods = nil },
			map[string]string{"Milvus pods": "none"}},
		{"no new objects after flush", func(w *world) { w.flushWrites = false },
			map[string]string{"new objects in S3": "no objects: Milvus did not write the flushed segment to the bucket"}},
		{"the metrics port on the load balancer", func(w *world) {
			w.listeners = append(w.listeners, elbtypes.Listener{Protocol: elbtypes.ProtocolEnumTcp, Port: aws.Int32(9091)})
		}, map[string]string{listenersCheck: "TLS on 19530 with ELBSecurityPolicy-TLS13-1-2-2021-06 and ALPN HTTP2Preferred, TCP on 9091"}},
		{"no TLS although the stack has a certificate", func(w *world) {
			w.listeners = []elbtypes.Listener{{Protocol: elbtypes.ProtocolEnumTcp, Port: aws.Int32(19530)}}
		}, map[string]string{listenersCheck: "TCP on 19530"}},
		{"a weaker TLS policy", func(w *world) { w.listeners[0].SslPolicy = aws.String("ELBSecurityPolicy-2016-08") },
			map[string]string{listenersCheck: "TLS on 19530 with ELBSecurityPolicy-2016-08 and ALPN HTTP2Preferred"}},
		{"TLS that negotiates no HTTP/2, which gRPC clients refuse", func(w *world) { w.listeners[0].AlpnPolicy = nil },
			map[string]string{listenersCheck: "TLS on 19530 with ELBSecurityPolicy-TLS13-1-2-2021-06"}},
		{"pulumi-eks' hop limit", func(w *world) { w.hopLimit = 2 },
			map[string]string{templateCheck: "IMDSv2 tokens required, hop limit 2"}},
		{"IMDSv1 allowed", func(w *world) { w.httpTokens = ec2types.LaunchTemplateHttpTokensStateOptional },
			map[string]string{templateCheck: "IMDSv2 tokens optional, hop limit 1"}},
		{"the aws-auth ConfigMap still read", func(w *world) { w.authMode = ekstypes.AuthenticationModeApiAndConfigMap },
			map[string]string{"the cluster milvus-dev's authentication mode": "API_AND_CONFIG_MAP"}},
		{"a pod gets a metadata token", func(w *world) { w.probe = "token\n" },
			map[string]string{probeCheck: "token: pods can take the node role's credentials"}},
		{"only old objects", func(w *world) {
			w.flushWrites = false
			w.objects = []s3types.Object{{Key: aws.String("insert_log/4242/1/2/100/1"), LastModified: aws.Time(time.Now().Add(-time.Hour))}}
		}, map[string]string{"new objects in S3": "no objects: Milvus did not write the flushed segment to the bucket"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := healthy()
			tt.break_(w)
			assert.Equal(t, tt.want, w.failures(t))
		})
	}
}

// The collection is dropped whichever step after its creation fails.
func TestTheCollectionIsDroppedWhenAStepFails(t *testing.T) {
	tests := []struct {
		name   string
		milvus func(w *world) *fakeMilvus
		want   []string
	}{
		{"the ID cannot be read", func(w *world) *fakeMilvus { return &fakeMilvus{w: w, failDescribe: errors.New("deadline exceeded")} }, []string{
			"PASS  create a collection in Milvus at " + stackOutputs.MilvusEndpoint + ": expected collection verify_test; found created",
			"FAIL  the collection's ID: expected an ID; found deadline exceeded",
			"PASS  drop the collection: expected collection verify_test dropped; found dropped",
		}},
		{"the insert fails", func(w *world) *fakeMilvus { return &fakeMilvus{w: w, failInsert: errors.New("rate limited")} }, []string{
			"PASS  create a collection in Milvus at " + stackOutputs.MilvusEndpoint + ": expected collection verify_test; found created",
			"PASS  the collection's ID: expected an ID; found 4242",
			"FAIL  insert vectors: expected 300 vectors inserted; found rate limited",
			"PASS  drop the collection: expected collection verify_test dropped; found dropped",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := healthy()
			results := CheckDataPath(context.Background(), tt.milvus(w), fakeS3{w}, stackOutputs, Options{CollectionName: "verify_test"})
			var lines []string
			for _, r := range results {
				lines = append(lines, r.String())
			}
			assert.Equal(t, tt.want, lines)
			assert.Equal(t, []string{"verify_test"}, w.dropped)
		})
	}
}

func TestUnreachableMilvus(t *testing.T) {
	w := healthy()
	results := CheckDataPath(context.Background(), Unreachable{Err: errors.New("connecting to Milvus: context deadline exceeded")}, fakeS3{w}, stackOutputs, Options{CollectionName: "verify_test"})
	assert.Equal(t, []Result{{
		Check: "create a collection in Milvus at " + stackOutputs.MilvusEndpoint, Expected: "collection verify_test",
		Found: "connecting to Milvus: context deadline exceeded",
	}}, results)
}

func TestParseOutputs(t *testing.T) {
	_, err := ParseOutputs([]byte(`{"region":"us-east-2","kubeconfig":"[secret]"}`))
	assert.EqualError(t, err, "the stack outputs hide their secrets: export them with `pulumi stack output --json --show-secrets`")
	_, err = ParseOutputs([]byte(`{"region":"us-east-2","clusterName":"x"}`))
	assert.EqualError(t, err, "the stack outputs lack bucketArn, bucketName, kubeconfig, milvusEndpoint, milvusNamespace, milvusRoleArn, milvusServiceAccount, oidcIssuer, oidcProviderArn, s3PolicyArn: is this a milvus-eks stack after `pulumi up`?")
}

// Every output the checks read comes by the contract's name; the optional
// ones may be absent, and an object kubeconfig (pulumi-eks') reads as JSON.
func TestParseOutputsReadsTheContract(t *testing.T) {
	out, err := ParseOutputs([]byte(`{
		"region": "us-east-2", "clusterName": "milvus-dev", "kubeconfig": {"apiVersion": "v1"},
		"oidcProviderArn": "arn:aws:iam::000000000000:oidc-provider/x", "oidcIssuer": "https://x",
		"bucketName": "b", "bucketArn": "arn:aws:s3:::b", "s3PolicyArn": "p", "milvusRoleArn": "r",
		"milvusNamespace": "milvus", "milvusServiceAccount": "sa", "milvusEndpoint": "h:19530",
		"milvusRootPath": "milvus/dev"}`))
	require.NoError(t, err)
	assert.Equal(t, Outputs{
		Region: "us-east-2", ClusterName: "milvus-dev", Kubeconfig: `{"apiVersion":"v1"}`,
		OidcProviderArn: "arn:aws:iam::000000000000:oidc-provider/x", OidcIssuer: "https://x",
		BucketName: "b", BucketArn: "arn:aws:s3:::b", S3PolicyArn: "p", MilvusRoleArn: "r",
		MilvusNamespace: "milvus", MilvusServiceAccount: "sa", MilvusEndpoint: "h:19530",
		MilvusRootPath: "milvus/dev",
	}, out)
}

// Under Woodpecker, the check also finds the insert's log under the root
// path's wp/ prefix, and fails when the streaming node wrote none.
func TestDataPathFindsWoodpeckersLog(t *testing.T) {
	out := stackOutputs
	out.MilvusRootPath, out.MilvusMessageQueue = "milvus/dev", "woodpecker"
	for _, tt := range []struct {
		walWrites bool
		want      string
	}{
		{true, "PASS  Woodpecker's log in S3: expected objects under s3://" + bucket + "/milvus/dev/wp/ written since the insert; found 1, e.g. milvus/dev/wp/1/7/0.blk"},
		{false, "FAIL  Woodpecker's log in S3: expected objects under s3://" + bucket + "/milvus/dev/wp/ written since the insert; found no objects: the streaming node did not write the insert's log to the bucket"},
	} {
		w := healthy()
		w.root, w.walWrites = "milvus/dev", tt.walWrites
		var lines []string
		for _, r := range CheckDataPath(context.Background(), &fakeMilvus{w: w}, fakeS3{w}, out, Options{CollectionName: "verify_test", RootPath: "milvus/dev"}) {
			lines = append(lines, r.String())
		}
		assert.Contains(t, lines, tt.want)
		assert.Contains(t, lines, "PASS  new objects in S3: expected objects under s3://"+bucket+"/milvus/dev/insert_log/4242/ written since the check began; found 1, e.g. milvus/dev/insert_log/4242/1/2/100/1")
	}
}

// Under Pulsar, or on a stack without the output, there is no log in the
// bucket to look for.
func TestDataPathLooksForNoLogUnderPulsar(t *testing.T) {
	for _, queue := range []string{"pulsar", ""} {
		out := stackOutputs
		out.MilvusMessageQueue = queue
		for _, r := range CheckDataPath(context.Background(), &fakeMilvus{w: healthy()}, fakeS3{healthy()}, out, Options{CollectionName: "verify_test"}) {
			assert.NotEqual(t, "Woodpecker's log in S3", r.Check, queue)
		}
	}
}

// On an existing cluster, the nodes and the API are the owner's: only the
// load balancer, which the stack made, is checked; a plain-TCP one is right
// when the stack has no certificate.
func TestHardeningOnAnExistingCluster(t *testing.T) {
	w := healthy()
	w.listeners = []elbtypes.Listener{{Protocol: elbtypes.ProtocolEnumTcp, Port: aws.Int32(19530)}}
	out := stackOutputs
	out.NodeLaunchTemplateID, out.MilvusURI = "", "http://milvus-nlb.elb.us-east-2.amazonaws.com:19530"
	var lines []string
	for _, r := range CheckHardening(context.Background(), w.clients(), out, Options{}) {
		lines = append(lines, r.String())
	}
	assert.Equal(t, []string{"PASS  the load balancer milvus-nlb.elb.us-east-2.amazonaws.com's listeners: expected only TCP on 19530; found exactly that"}, lines)
}

// The pod runner creates a pod without a token, reads its log once it has
// finished, and deletes it.
func TestClusterPodsRun(t *testing.T) {
	client := fake.NewClientset()
	client.PrependReactor("create", "pods", func(action k8stesting.Action) (bool, runtime.Object, error) {
		pod := action.(k8stesting.CreateAction).GetObject().(*corev1.Pod)
		assert.False(t, *pod.Spec.AutomountServiceAccountToken)
		assert.Equal(t, corev1.RestartPolicyNever, pod.Spec.RestartPolicy)
		pod.Status.Phase = corev1.PodSucceeded
		return false, nil, nil
	})
	printed, err := ClusterPods{Client: client, Poll: time.Millisecond}.Run(context.Background(), "milvus", "probe", "image", []string{"true"})
	require.NoError(t, err)
	assert.Equal(t, "fake logs", printed) // what client-go's fake serves as any pod's log
	_, err = client.CoreV1().Pods("milvus").Get(context.Background(), "probe", metav1.GetOptions{})
	assert.True(t, apierrors.IsNotFound(err), "the pod is deleted")
}

// The runbook shows what the checker prints for a healthy stack: the run of
// every check on the fakes' healthy world, a Woodpecker stack with its
// root path, word for word.
func TestTheRunbookShowsAHealthyRun(t *testing.T) {
	w := healthy()
	w.root, w.walWrites = "milvus/dev", true
	out := stackOutputs
	out.MilvusRootPath, out.MilvusMessageQueue = "milvus/dev", "woodpecker"
	results := Run(context.Background(), w.clients(), out, Options{CollectionName: "milvus_eks_verify_1764219600000000000", ProbePodName: "verify-probe", RootPath: "milvus/dev"})
	var b strings.Builder
	failed := 0
	for _, r := range results {
		b.WriteString(r.String() + "\n")
		if !r.Passed {
			failed++
		}
	}
	fmt.Fprintf(&b, "\n%d checks, %d failed\n", len(results), failed)

	runbook, err := os.ReadFile("../../docs/runbook.md")
	require.NoError(t, err)
	const marker = "<!-- the output of verify/checks' TestTheRunbookShowsAHealthyRun -->\n```\n"
	start := strings.Index(string(runbook), marker)
	require.GreaterOrEqual(t, start, 0, "docs/runbook.md has no sample output after %q", marker)
	sample := string(runbook)[start+len(marker):]
	sample = sample[:strings.Index(sample, "```\n")]
	assert.Equal(t, b.String(), sample, "docs/runbook.md's sample output is not the healthy run: replace it with the lines above")
}

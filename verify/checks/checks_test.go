package checks

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/components/storage/s3policy"
)

const (
	issuerHost  = "oidc.eks.us-east-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	providerArn = "arn:aws:iam::111122223333:oidc-provider/" + issuerHost
	roleArn     = "arn:aws:iam::111122223333:role/milvus-s3-7d2f"
	policyArn   = "arn:aws:iam::111122223333:policy/storage-access-91ac"
	bucket      = "milvus-bucket-20261127"
	bucketArn   = "arn:aws:s3:::" + bucket
	subject     = "system:serviceaccount:milvus:milvus-s3-access-sa"
)

var stackOutputs = Outputs{
	Region:               "us-east-2",
	ClusterName:          "milvus-dev",
	Kubeconfig:           "{}",
	OidcProviderArn:      providerArn,
	OidcIssuer:           "https://" + issuerHost,
	BucketName:           bucket,
	BucketArn:            bucketArn,
	S3PolicyArn:          policyArn,
	MilvusRoleArn:        roleArn,
	MilvusNamespace:      "milvus",
	MilvusServiceAccount: "milvus-s3-access-sa",
	MilvusEndpoint:       "milvus-nlb.elb.us-east-2.amazonaws.com:19530",
	MilvusURI:            "https://milvus-nlb.elb.us-east-2.amazonaws.com:19530",
	MilvusRootPassword:   "a-root-password",
	NodeLaunchTemplateID: launchTemplateID,
}

const (
	launchTemplateID = "lt-0123456789abcdef0"
	nlbArn           = "arn:aws:elasticloadbalancing:us-east-2:111122223333:loadbalancer/net/milvus-nlb/0123456789abcdef"
)

// world is a deployment as the fakes below serve it; healthy() is one that
// passes every check.
type world struct {
	trust, policy string
	clientIDs     []string
	attached      []string
	inline        []string
	issuer        string // the cluster's, as EKS reports it
	providerURL   string // the OIDC provider's, as IAM reports it
	kmsKey        string
	objects       []s3types.Object
	serviceAcct   *corev1.ServiceAccount
	pods          []corev1.Pod
	flushWrites   bool // whether a flush puts the segment into the bucket
	// walWrites makes an insert write Woodpecker's log under root/wp.
	walWrites bool
	root      string
	dropped   []string
	// The hardening: the NLB's listeners, the nodes' metadata options, the
	// cluster's authentication mode, and what the metadata probe prints.
	listeners  []elbtypes.Listener
	httpTokens ec2types.LaunchTemplateHttpTokensState
	hopLimit   int32
	authMode   ekstypes.AuthenticationMode
	probe      string
}

func healthy() *world {
	w := &world{
		trust:       trust.WebIdentityTrust(providerArn, "https://"+issuerHost, "milvus", "milvus-s3-access-sa").JSON(),
		policy:      s3policy.S3Access(bucketArn, "").JSON(),
		clientIDs:   []string{"sts.amazonaws.com"},
		attached:    []string{policyArn},
		issuer:      "https://" + issuerHost,
		providerURL: issuerHost,
		flushWrites: true,
		listeners: []elbtypes.Listener{{Protocol: elbtypes.ProtocolEnumTls, Port: aws.Int32(19530),
			SslPolicy: aws.String("ELBSecurityPolicy-TLS13-1-2-2021-06")}},
		httpTokens: ec2types.LaunchTemplateHttpTokensStateRequired,
		hopLimit:   1,
		authMode:   ekstypes.AuthenticationModeApi,
		probe:      "no token\n",
		serviceAcct: &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{
			Name: "milvus-s3-access-sa", Namespace: "milvus",
			Annotations: map[string]string{trust.RoleArnAnnotation: roleArn},
		}},
	}
	for _, name := range []string{"milvus-proxy-0", "milvus-mixcoord-0"} {
		w.pods = append(w.pods, milvusPod(name))
	}
	return w
}

func milvusPod(name string) corev1.Pod {
	return corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "milvus", Labels: map[string]string{"app.kubernetes.io/name": "milvus"}},
		Spec: corev1.PodSpec{
			ServiceAccountName: "milvus-s3-access-sa",
			Containers: []corev1.Container{{Name: "milvus", Env: []corev1.EnvVar{
				{Name: "AWS_ROLE_ARN", Value: roleArn},
				{Name: "AWS_WEB_IDENTITY_TOKEN_FILE", Value: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"},
			}}},
		},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}},
	}
}

func (w *world) clients() Clients {
	var objects []runtime.Object
	if w.serviceAcct != nil {
		objects = append(objects, w.serviceAcct)
	}
	for i := range w.pods {
		objects = append(objects, &w.pods[i])
	}
	return Clients{IAM: fakeIAM{w}, EKS: fakeEKS{w}, S3: fakeS3{w}, EC2: fakeEC2{w}, ELB: fakeELB{w}, Pods: fakePods{w},
		Kubernetes: fake.NewClientset(objects...), Milvus: &fakeMilvus{w: w}}
}

// failures runs every check on the world and returns the failed ones, by
// check, with what they found.
func (w *world) failures(t *testing.T) map[string]string {
	t.Helper()
	results := Run(context.Background(), w.clients(), stackOutputs, Options{CollectionName: "verify_test", ProbePodName: "verify-probe", CallTimeout: time.Second})
	failed := map[string]string{}
	for _, r := range results {
		if !r.Passed {
			failed[r.Check] = r.Found
		}
	}
	return failed
}

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
		"PASS  the load balancer milvus-nlb.elb.us-east-2.amazonaws.com's listeners: expected only TLS on 19530 with ELBSecurityPolicy-TLS13-1-2-2021-06; found exactly that",
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
		}, map[string]string{listenersCheck: "TLS on 19530 with ELBSecurityPolicy-TLS13-1-2-2021-06, TCP on 9091"}},
		{"no TLS although the stack has a certificate", func(w *world) {
			w.listeners = []elbtypes.Listener{{Protocol: elbtypes.ProtocolEnumTcp, Port: aws.Int32(19530)}}
		}, map[string]string{listenersCheck: "TCP on 19530"}},
		{"a weaker TLS policy", func(w *world) { w.listeners[0].SslPolicy = aws.String("ELBSecurityPolicy-2016-08") },
			map[string]string{listenersCheck: "TLS on 19530 with ELBSecurityPolicy-2016-08"}},
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

// The fakes serve the world the way the AWS APIs do: documents URL-encoded.

type fakeIAM struct{ w *world }

func (f fakeIAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	if aws.ToString(in.RoleName) != "milvus-s3-7d2f" {
		return nil, fmt.Errorf("NoSuchEntity: role %s", aws.ToString(in.RoleName))
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{AssumeRolePolicyDocument: aws.String(url.PathEscape(f.w.trust))}}, nil
}

func (f fakeIAM) GetOpenIDConnectProvider(_ context.Context, in *iam.GetOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.GetOpenIDConnectProviderOutput, error) {
	if aws.ToString(in.OpenIDConnectProviderArn) != providerArn {
		return nil, fmt.Errorf("NoSuchEntity: provider %s", aws.ToString(in.OpenIDConnectProviderArn))
	}
	return &iam.GetOpenIDConnectProviderOutput{Url: aws.String(f.w.providerURL), ClientIDList: f.w.clientIDs}, nil
}

func (f fakeIAM) ListAttachedRolePolicies(_ context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	if aws.ToString(in.RoleName) != "milvus-s3-7d2f" {
		return nil, fmt.Errorf("NoSuchEntity: role %s", aws.ToString(in.RoleName))
	}
	out := &iam.ListAttachedRolePoliciesOutput{}
	for _, arn := range f.w.attached {
		out.AttachedPolicies = append(out.AttachedPolicies, iamtypes.AttachedPolicy{PolicyArn: aws.String(arn)})
	}
	return out, nil
}

func (f fakeIAM) ListRolePolicies(_ context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	if aws.ToString(in.RoleName) != "milvus-s3-7d2f" {
		return nil, fmt.Errorf("NoSuchEntity: role %s", aws.ToString(in.RoleName))
	}
	return &iam.ListRolePoliciesOutput{PolicyNames: f.w.inline}, nil
}

func (f fakeIAM) GetPolicy(_ context.Context, in *iam.GetPolicyInput, _ ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	if aws.ToString(in.PolicyArn) != policyArn {
		return nil, fmt.Errorf("NoSuchEntity: policy %s", aws.ToString(in.PolicyArn))
	}
	return &iam.GetPolicyOutput{Policy: &iamtypes.Policy{DefaultVersionId: aws.String("v3")}}, nil
}

func (f fakeIAM) GetPolicyVersion(_ context.Context, in *iam.GetPolicyVersionInput, _ ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	if aws.ToString(in.PolicyArn) != policyArn || aws.ToString(in.VersionId) != "v3" {
		return nil, fmt.Errorf("NoSuchEntity: version %s", aws.ToString(in.VersionId))
	}
	return &iam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{Document: aws.String(url.PathEscape(f.w.policy))}}, nil
}

type fakeEKS struct{ w *world }

func (f fakeEKS) DescribeCluster(_ context.Context, in *eks.DescribeClusterInput, _ ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	if aws.ToString(in.Name) != "milvus-dev" {
		return nil, fmt.Errorf("ResourceNotFoundException: cluster %s", aws.ToString(in.Name))
	}
	return &eks.DescribeClusterOutput{Cluster: &ekstypes.Cluster{
		Identity:     &ekstypes.Identity{Oidc: &ekstypes.OIDC{Issuer: aws.String(f.w.issuer)}},
		AccessConfig: &ekstypes.AccessConfigResponse{AuthenticationMode: f.w.authMode},
	}}, nil
}

type fakeELB struct{ w *world }

// DescribeLoadBalancers serves another load balancer on a first page and
// Milvus' on a second.
func (f fakeELB) DescribeLoadBalancers(_ context.Context, in *elb.DescribeLoadBalancersInput, _ ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error) {
	if in.Marker == nil {
		return &elb.DescribeLoadBalancersOutput{NextMarker: aws.String("2"), LoadBalancers: []elbtypes.LoadBalancer{
			{DNSName: aws.String("other.elb.us-east-2.amazonaws.com"), LoadBalancerArn: aws.String("arn:other")}}}, nil
	}
	return &elb.DescribeLoadBalancersOutput{LoadBalancers: []elbtypes.LoadBalancer{
		{DNSName: aws.String("milvus-nlb.elb.us-east-2.amazonaws.com"), LoadBalancerArn: aws.String(nlbArn)}}}, nil
}

func (f fakeELB) DescribeListeners(_ context.Context, in *elb.DescribeListenersInput, _ ...func(*elb.Options)) (*elb.DescribeListenersOutput, error) {
	if aws.ToString(in.LoadBalancerArn) != nlbArn {
		return nil, fmt.Errorf("LoadBalancerNotFound: %s", aws.ToString(in.LoadBalancerArn))
	}
	return &elb.DescribeListenersOutput{Listeners: f.w.listeners}, nil
}

type fakeEC2 struct{ w *world }

func (f fakeEC2) DescribeLaunchTemplateVersions(_ context.Context, in *ec2.DescribeLaunchTemplateVersionsInput, _ ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplateVersionsOutput, error) {
	if aws.ToString(in.LaunchTemplateId) != launchTemplateID {
		return nil, fmt.Errorf("InvalidLaunchTemplateId.NotFound: %s", aws.ToString(in.LaunchTemplateId))
	}
	return &ec2.DescribeLaunchTemplateVersionsOutput{LaunchTemplateVersions: []ec2types.LaunchTemplateVersion{{
		LaunchTemplateData: &ec2types.ResponseLaunchTemplateData{MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptions{
			HttpTokens: f.w.httpTokens, HttpPutResponseHopLimit: aws.Int32(f.w.hopLimit),
		}},
	}}}, nil
}

type fakePods struct{ w *world }

func (f fakePods) Run(_ context.Context, namespace, name, image string, command []string) (string, error) {
	if namespace != "milvus" || name != "verify-probe" {
		return "", fmt.Errorf("unexpected pod %s/%s", namespace, name)
	}
	return f.w.probe, nil
}

type fakeS3 struct{ w *world }

func (f fakeS3) GetBucketEncryption(_ context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	if aws.ToString(in.Bucket) != bucket {
		return nil, fmt.Errorf("NoSuchBucket: %s", aws.ToString(in.Bucket))
	}
	rule := s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}
	if f.w.kmsKey != "" {
		rule = s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(f.w.kmsKey)}
	}
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &rule}},
	}}, nil
}

func (f fakeS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	if aws.ToString(in.Bucket) != bucket {
		return nil, fmt.Errorf("NoSuchBucket: %s", aws.ToString(in.Bucket))
	}
	out := &s3.ListObjectsV2Output{IsTruncated: aws.Bool(false)}
	for _, o := range f.w.objects {
		if strings.HasPrefix(aws.ToString(o.Key), aws.ToString(in.Prefix)) {
			out.Contents = append(out.Contents, o)
		}
	}
	return out, nil
}

type fakeMilvus struct {
	w            *world
	failDescribe error
	failInsert   error
}

func (m *fakeMilvus) CreateCollection(context.Context, string, int) error { return nil }

func (m *fakeMilvus) CollectionID(context.Context, string) (int64, error) {
	return 4242, m.failDescribe
}

func (m *fakeMilvus) Insert(context.Context, string, [][]float32) error {
	if m.w.walWrites {
		m.w.objects = append(m.w.objects, s3types.Object{Key: aws.String(m.w.root + "/wp/1/7/0.blk"), LastModified: aws.Time(time.Now())})
	}
	return m.failInsert
}

func (m *fakeMilvus) Flush(context.Context, string) error {
	if m.w.flushWrites {
		m.w.objects = append(m.w.objects, s3types.Object{Key: aws.String(path.Join(m.w.root, "insert_log/4242/1/2/100/1")), LastModified: aws.Time(time.Now())})
	}
	return nil
}

func (m *fakeMilvus) Search(context.Context, string, []float32, int) (int, error) { return 5, nil }

func (m *fakeMilvus) DropCollection(_ context.Context, name string) error {
	m.w.dropped = append(m.w.dropped, name)
	return nil
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

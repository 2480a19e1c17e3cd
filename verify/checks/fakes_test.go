package checks

import (
	"context"
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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"

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
	MilvusURI:            "https://milvus.example.com:19530",
	MilvusDNSName:        "milvus.example.com",
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
			SslPolicy: aws.String("ELBSecurityPolicy-TLS13-1-2-2021-06"), AlpnPolicy: []string{"HTTP2Preferred"}}},
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

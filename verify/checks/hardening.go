package checks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/controlplane"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/endpoint"
	"github.com/milvus-eks/milvus-eks/infra/facts"
)

// EC2 is the part of the EC2 API the checks use; *ec2.Client has it.
type EC2 interface {
	DescribeLaunchTemplateVersions(context.Context, *ec2.DescribeLaunchTemplateVersionsInput, ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplateVersionsOutput, error)
}

// ELB is the part of the Elastic Load Balancing API the checks use.
type ELB interface {
	DescribeLoadBalancers(context.Context, *elb.DescribeLoadBalancersInput, ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error)
	DescribeListeners(context.Context, *elb.DescribeListenersInput, ...func(*elb.Options)) (*elb.DescribeListenersOutput, error)
}

// PodRunner runs a throw-away pod to completion and returns what it printed.
type PodRunner interface {
	Run(ctx context.Context, namespace, name, image string, command []string) (string, error)
}

// The metadata probe: a pod asks the instance metadata service for an IMDSv2
// token, as any SDK would before asking for the node's credentials, and says
// whether it got one. With a hop limit of 1 the answer never reaches it.
const (
	metadataProbeImage = "public.ecr.aws/amazonlinux/amazonlinux:2023-minimal"
	metadataBlocked    = "no token"
	metadataReached    = "token"
)

var metadataProbe = []string{"sh", "-c",
	`if curl -s -f -m 5 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" http://169.254.169.254/latest/api/token >/dev/null; then echo ` + metadataReached + `; else echo ` + metadataBlocked + `; fi`}

// CheckHardening checks what the load balancer publishes and, on a cluster
// the stack created, that pods cannot reach the nodes' credentials and that
// the cluster is reached through access entries only.
func CheckHardening(ctx context.Context, c Clients, out Outputs, o Options) []Result {
	results := []Result{checkListeners(ctx, c.ELB, out, o)}
	if out.NodeLaunchTemplateID == "" {
		return results // an existing cluster: its nodes are its owner's
	}
	results = append(results, checkLaunchTemplate(ctx, c.EC2, out, o), checkAuthenticationMode(ctx, c.EKS, out, o))
	return append(results, checkMetadataFromAPod(ctx, c.Pods, out, o))
}

// checkListeners finds the load balancer behind milvusEndpoint and checks
// that it listens on Milvus' port alone, with TLS when milvusUri says so.
func checkListeners(ctx context.Context, lbs ELB, out Outputs, o Options) Result {
	host, _, err := net.SplitHostPort(out.MilvusEndpoint)
	if err != nil {
		host = out.MilvusEndpoint
	}
	protocol := elbtypes.ProtocolEnumTcp
	if strings.HasPrefix(out.MilvusURI, "https://") {
		protocol = elbtypes.ProtocolEnumTls
	}
	check := "the load balancer " + host + "'s listeners"
	expected := fmt.Sprintf("only %s on %d", protocol, facts.MilvusPort)
	if protocol == elbtypes.ProtocolEnumTls {
		expected += " with " + endpoint.TLSPolicy + " and ALPN " + endpoint.ALPNPolicy
	}
	arn, err := loadBalancerArn(ctx, lbs, host, o)
	if err != nil {
		return fail(check, expected, err.Error())
	}
	listeners, err := call(ctx, o, func(ctx context.Context) (*elb.DescribeListenersOutput, error) {
		return lbs.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(arn)})
	})
	if err != nil {
		return fail(check, expected, err.Error())
	}
	var found []string
	ok := len(listeners.Listeners) == 1
	for _, l := range listeners.Listeners {
		desc := fmt.Sprintf("%s on %d", l.Protocol, aws.ToInt32(l.Port))
		if l.SslPolicy != nil {
			desc += " with " + aws.ToString(l.SslPolicy)
		}
		if len(l.AlpnPolicy) > 0 {
			desc += " and ALPN " + strings.Join(l.AlpnPolicy, ",")
		}
		found = append(found, desc)
		ok = ok && l.Protocol == protocol && aws.ToInt32(l.Port) == facts.MilvusPort &&
			(protocol != elbtypes.ProtocolEnumTls || aws.ToString(l.SslPolicy) == endpoint.TLSPolicy &&
				len(l.AlpnPolicy) == 1 && l.AlpnPolicy[0] == endpoint.ALPNPolicy)
	}
	if !ok {
		return fail(check, expected, strings.Join(found, ", "))
	}
	return pass(check, expected, "exactly that")
}

// loadBalancerArn finds the load balancer whose DNS name is host.
func loadBalancerArn(ctx context.Context, lbs ELB, host string, o Options) (string, error) {
	var marker *string
	for {
		page, err := call(ctx, o, func(ctx context.Context) (*elb.DescribeLoadBalancersOutput, error) {
			return lbs.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Marker: marker})
		})
		if err != nil {
			return "", err
		}
		for _, lb := range page.LoadBalancers {
			if strings.EqualFold(aws.ToString(lb.DNSName), host) {
				return aws.ToString(lb.LoadBalancerArn), nil
			}
		}
		if page.NextMarker == nil {
			return "", errors.New("no load balancer with that DNS name in the region")
		}
		marker = page.NextMarker
	}
}

// checkLaunchTemplate checks the nodes' metadata options.
func checkLaunchTemplate(ctx context.Context, e EC2, out Outputs, o Options) Result {
	check := "the nodes' launch template " + out.NodeLaunchTemplateID
	expected := fmt.Sprintf("IMDSv2 tokens %s, hop limit %d", facts.NodeMetadataHTTPTokens, facts.NodeMetadataHopLimit)
	versions, err := call(ctx, o, func(ctx context.Context) (*ec2.DescribeLaunchTemplateVersionsOutput, error) {
		return e.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{
			LaunchTemplateId: aws.String(out.NodeLaunchTemplateID), Versions: []string{"$Latest"},
		})
	})
	switch {
	case err != nil:
		return fail(check, expected, err.Error())
	case len(versions.LaunchTemplateVersions) == 0 || versions.LaunchTemplateVersions[0].LaunchTemplateData == nil ||
		versions.LaunchTemplateVersions[0].LaunchTemplateData.MetadataOptions == nil:
		return fail(check, expected, "no metadata options: the instance defaults, IMDSv1 allowed")
	}
	m := versions.LaunchTemplateVersions[0].LaunchTemplateData.MetadataOptions
	tokens, hops := string(m.HttpTokens), aws.ToInt32(m.HttpPutResponseHopLimit)
	if tokens != facts.NodeMetadataHTTPTokens || hops != facts.NodeMetadataHopLimit {
		return fail(check, expected, fmt.Sprintf("IMDSv2 tokens %s, hop limit %d", tokens, hops))
	}
	return pass(check, expected, "so")
}

// checkAuthenticationMode checks that the cluster reads access entries
// only, not the aws-auth ConfigMap.
func checkAuthenticationMode(ctx context.Context, e EKS, out Outputs, o Options) Result {
	check := "the cluster " + out.ClusterName + "'s authentication mode"
	described, err := call(ctx, o, func(ctx context.Context) (*eks.DescribeClusterOutput, error) {
		return e.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(out.ClusterName)})
	})
	if err != nil {
		return fail(check, controlplane.AuthenticationMode, err.Error())
	}
	mode := "CONFIG_MAP" // what EKS reports for clusters made before access entries
	if described.Cluster != nil && described.Cluster.AccessConfig != nil && described.Cluster.AccessConfig.AuthenticationMode != "" {
		mode = string(described.Cluster.AccessConfig.AuthenticationMode)
	}
	if mode != controlplane.AuthenticationMode {
		return fail(check, controlplane.AuthenticationMode, mode)
	}
	return pass(check, controlplane.AuthenticationMode, "it")
}

// checkMetadataFromAPod runs a pod in Milvus' namespace that asks the
// instance metadata service for a token.
func checkMetadataFromAPod(ctx context.Context, pods PodRunner, out Outputs, o Options) Result {
	check := "a pod in " + out.MilvusNamespace + " asks the instance metadata service for a token"
	name := o.ProbePodName
	if name == "" {
		name = fmt.Sprintf("milvus-eks-verify-imds-%d", time.Now().UnixNano())
	}
	printed, err := pods.Run(ctx, out.MilvusNamespace, name, metadataProbeImage, metadataProbe)
	switch {
	case err != nil:
		return fail(check, metadataBlocked, err.Error())
	case strings.TrimSpace(printed) != metadataBlocked:
		return fail(check, metadataBlocked, strings.TrimSpace(printed)+": pods can take the node role's credentials")
	}
	return pass(check, metadataBlocked, metadataBlocked)
}

// ClusterPods runs pods with client-go.
type ClusterPods struct {
	Client Kubernetes
	// Poll is how often the pod's phase is read.
	Poll time.Duration
}

// Run creates the pod without a ServiceAccount token (it needs none), waits
// for it to finish, reads its log and deletes it.
func (p ClusterPods) Run(ctx context.Context, namespace, name, image string, command []string) (string, error) {
	pods := p.Client.CoreV1().Pods(namespace)
	automount := false
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app.kubernetes.io/managed-by": "milvus-eks-verify"}},
		Spec: corev1.PodSpec{
			RestartPolicy:                corev1.RestartPolicyNever,
			AutomountServiceAccountToken: &automount,
			Containers:                   []corev1.Container{{Name: "probe", Image: image, Command: command}},
		},
	}
	if _, err := pods.Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		return "", err
	}
	defer func() {
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		_ = pods.Delete(cleanup, name, metav1.DeleteOptions{})
	}()
	poll := p.Poll
	if poll == 0 {
		poll = 2 * time.Second
	}
	for {
		got, err := pods.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return "", err
		}
		if got.Status.Phase == corev1.PodSucceeded || got.Status.Phase == corev1.PodFailed {
			break
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("the pod did not finish: %w", ctx.Err())
		case <-time.After(poll):
		}
	}
	log, err := pods.GetLogs(name, &corev1.PodLogOptions{}).DoRaw(ctx)
	return string(log), err
}

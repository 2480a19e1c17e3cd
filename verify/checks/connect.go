package checks

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/amp"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// StackOutputs reads a stack's outputs, secrets included, through the
// Automation API (which runs the Pulumi CLI).
func StackOutputs(ctx context.Context, stack auto.Stack) (Outputs, error) {
	outputs, err := stack.Outputs(ctx)
	if err != nil {
		return Outputs{}, fmt.Errorf("reading the outputs of stack %q: %w", stack.Name(), err)
	}
	values := map[string]any{}
	for name, o := range outputs {
		values[name] = o.Value
	}
	raw, err := json.Marshal(values)
	if err != nil {
		return Outputs{}, err
	}
	return ParseOutputs(raw)
}

// Connect builds the clients of the real account, cluster and Milvus from a
// stack's outputs: AWS from the SDK's default credential chain in the
// stack's region, Kubernetes from the stack's kubeconfig, Milvus as root at
// the stack's endpoint. Missing AWS credentials are an error here, before
// any check runs; an unreachable Milvus is not: the data-path check reports
// it. closeAll releases the Milvus connection.
func Connect(ctx context.Context, out Outputs, timeout time.Duration) (c Clients, closeAll func(), err error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(out.Region))
	if err != nil {
		return Clients{}, nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	credsCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(credsCtx); err != nil {
		return Clients{}, nil, fmt.Errorf("no AWS credentials for the stack's account: set AWS_PROFILE (and run `aws sso login` if it uses SSO) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: %w", err)
	}

	rest, err := clientcmd.RESTConfigFromKubeConfig([]byte(out.Kubeconfig))
	if err != nil {
		return Clients{}, nil, fmt.Errorf("reading the stack's kubeconfig: %w", err)
	}
	rest.Timeout = timeout
	k8s, err := kubernetes.NewForConfig(rest)
	if err != nil {
		return Clients{}, nil, fmt.Errorf("building the Kubernetes client: %w", err)
	}
	custom, err := dynamic.NewForConfig(rest)
	if err != nil {
		return Clients{}, nil, fmt.Errorf("building the Kubernetes client: %w", err)
	}

	c = Clients{
		IAM:        iam.NewFromConfig(cfg),
		EKS:        eks.NewFromConfig(cfg),
		S3:         s3.NewFromConfig(cfg),
		EC2:        ec2.NewFromConfig(cfg),
		ELB:        elb.NewFromConfig(cfg),
		Kubernetes: k8s,
		Dynamic:    custom,
		Pods:       ClusterPods{Client: k8s},
		AMP:        amp.NewFromConfig(cfg),
		Prometheus: WorkspaceAPI{Credentials: cfg.Credentials, Region: out.Region, Client: &http.Client{Timeout: timeout}},
	}
	closeAll = func() {}
	milvusCtx, cancelMilvus := context.WithTimeout(ctx, timeout)
	defer cancelMilvus()
	db, closeDB, err := ConnectMilvus(milvusCtx, milvusAddress(out), tlsServerName(out), "root", out.MilvusRootPassword)
	if err != nil {
		c.Milvus = Unreachable{Err: errors.Join(errors.New("connecting to Milvus"), err)}
		return c, closeAll, nil
	}
	c.Milvus = db
	closeAll = func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		_ = closeDB(ctx)
	}
	return c, closeAll, nil
}

// milvusAddress is where the checks dial Milvus: the load balancer itself
// when it speaks TLS for a name of the stack's (the name's record may be a
// team's own, or not there yet); otherwise the URI, whose scheme says
// whether the load balancer speaks TLS (stacks from before it existed have
// only the endpoint).
func milvusAddress(out Outputs) string {
	if tlsServerName(out) != "" {
		return out.MilvusEndpoint
	}
	return cmp.Or(out.MilvusURI, out.MilvusEndpoint)
}

// tlsServerName is the name the load balancer's certificate must cover, when
// it speaks TLS for one.
func tlsServerName(out Outputs) string {
	if strings.HasPrefix(out.MilvusURI, "https://") {
		return out.MilvusDNSName
	}
	return ""
}

package tests

import (
	"strings"
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/endpoint"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

func declareMilvus(t *testing.T, args milvus.Args) *mockcloud.Stack {
	t.Helper()
	s, err := mockcloud.RunPart("us-east-2", func(ctx *pulumi.Context) error {
		access, err := mockcloud.ClusterAccess(ctx, nil)
		if err != nil {
			return err
		}
		args.Cluster = access
		m, err := milvus.New(ctx, "milvus", args)
		if err != nil {
			return err
		}
		ctx.Export("endpoint", m.Endpoint)
		ctx.Export("uri", m.URI)
		return nil
	})
	require.NoError(t, err)
	return s
}

// milvusInputs spread two proxies across zones, so that the values name
// the release the component installs.
var milvusInputs = milvusvalues.Inputs{
	Region:            "us-east-2",
	Authentication:    true,
	SpreadAcrossZones: true,
	Workloads: sizing.Workloads{
		MixCoordinator: sizing.Coordinator{Workload: sizing.Workload{Replicas: 1, CPURequest: "1", MemoryRequest: "1Gi"}},
		Proxy:          sizing.Workload{Replicas: 2, CPURequest: "1", MemoryRequest: "1Gi"},
		QueryNode:      sizing.Workload{Replicas: 1, CPURequest: "1", MemoryRequest: "1Gi"},
		DataNode:       sizing.Workload{Replicas: 1, CPURequest: "1", MemoryRequest: "1Gi"},
		StreamingNode:  sizing.Workload{Replicas: 1, CPURequest: "1", MemoryRequest: "1Gi"},
		Etcd:           sizing.Etcd{Workload: sizing.Workload{Replicas: 3, CPURequest: "1", MemoryRequest: "1Gi"}, VolumeGiB: 10},
	},
}

// The release runs under the ServiceAccount bound to the role, reads the
// root password from its Secret, and takes exactly the values the settings
// build, with the names of what the component created.
func TestMilvusComponent(t *testing.T) {
	s := declareMilvus(t, milvus.Args{
		Namespace: "vectors", ServiceAccount: "milvus-sa", ReleaseName: "milvus", Chart: milvusChart, TimeoutSeconds: 900,
		Values: milvusInputs, RootPassword: "a-root-password-for-tests",
		BucketName: pulumi.String("acme-milvus"), S3PolicyArn: pulumi.String("arn:aws:iam::111122223333:policy/milvus-s3"),
		LoadBalancer: testLoadBalancer,
	})
	provider := s.Of("pulumi:providers:kubernetes")[0]
	for _, r := range s.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") {
			assert.Equal(t, provider.URN+"::"+provider.ID, r.Provider, "%s uses the cluster's provider", r.Type)
		}
	}

	// Milvus' role is the component's: only its ServiceAccount, through the
	// cluster's OIDC provider, may assume it, and it holds the S3 policy.
	role := s.Named(typeIRSAComp, "milvus-s3")[0]
	assert.Equal(t, s.Of(milvus.TypeToken)[0].URN, role.Parent)
	attachment := s.Named(typeAttachment, "milvus-s3-s3")[0]
	assert.Equal(t, "arn:aws:iam::111122223333:policy/milvus-s3", attachment.Input("policyArn").StringValue())
	trustPolicy := mockcloud.Plain(s.Named(typeRole, "milvus-s3")[0].Input("assumeRolePolicy"))
	assert.JSONEq(t, trust.WebIdentityTrust(mockcloud.OidcProviderArn("us-east-2"), "https://"+mockcloud.OidcIssuerHost("us-east-2"), "vectors", "milvus-sa").JSON(), trustPolicy.(string))
	assert.Empty(t, s.Of("random:index/randomPassword:RandomPassword"), "a configured password is not generated")

	sa := s.Of("kubernetes:core/v1:ServiceAccount")[0]
	assert.Equal(t, "arn:aws:iam::"+mockcloud.AccountID+":role/milvus-s3", sa.Input("metadata", "annotations", trust.RoleArnAnnotation).StringValue())
	assert.True(t, sa.DependsOn(attachment), "the ServiceAccount names the role once it holds its policy")
	secret := s.Of("kubernetes:core/v1:Secret")[0]
	assert.True(t, secret.Input("stringData").IsSecret(), "the Secret's data is a Pulumi secret")
	assert.Equal(t, map[string]any{milvusvalues.RootPasswordSecretKey: "a-root-password-for-tests"}, mockcloud.Plain(secret.Input("stringData")))

	release := s.Of("kubernetes:helm.sh/v3:Release")[0]
	want := milvusInputs
	want.BucketName, want.ServiceAccount, want.RootPasswordSecret = "acme-milvus", "milvus-sa", "milvus-root-password"
	want.ReleaseName = "milvus"
	assert.Equal(t, milvusvalues.Build(want).Map(), mockcloud.Plain(release.Input("values")))
	assert.Equal(t, "vectors", release.Input("namespace").StringValue())
	assert.Equal(t, float64(900), release.Input("timeout").NumberValue())
	assert.True(t, release.Input("atomic").BoolValue())
	assert.False(t, release.Protect)

	// The load balancer's Service publishes Milvus' port and nothing else,
	// after the install, with TLS; the chart's own Service stays inside.
	service := s.Named("kubernetes:core/v1:Service", "milvus-endpoint")[0]
	assert.Equal(t, map[string]any{
		"apiVersion": "v1",
		"kind":       "Service",
		"metadata": map[string]any{
			"name":        "milvus-endpoint",
			"namespace":   "vectors",
			"annotations": toAny(testLoadBalancer.Annotations()),
		},
		"spec": map[string]any{
			"type":                     "LoadBalancer",
			"selector":                 map[string]any{"app.kubernetes.io/name": "milvus", "app.kubernetes.io/instance": "milvus", "component": "proxy"},
			"ports":                    []any{map[string]any{"name": "milvus", "port": float64(19530), "targetPort": float64(19530), "protocol": "TCP"}},
			"loadBalancerSourceRanges": []any{"10.0.0.0/8"},
		},
	}, mockcloud.Plain(service.Input()))
	assert.True(t, service.DependsOn(release), "the Service waits for the install")
	assert.Equal(t, "ClusterIP", release.Input("values", "service", "type").StringValue())
	assert.Equal(t, "milvus-test-0000000000000000.elb.us-east-2.amazonaws.com:19530", s.Outputs["endpoint"])
	assert.Equal(t, "https://milvus-test-0000000000000000.elb.us-east-2.amazonaws.com:19530", s.Outputs["uri"])
}

// testLoadBalancer is an internal NLB with TLS.
var testLoadBalancer = endpoint.LoadBalancer{
	Name: "milvus-test", Scheme: "internal", SourceRanges: []string{"10.0.0.0/8"},
	CertificateArn: "arn:aws:acm:us-east-2:111122223333:certificate/12345678-1234-1234-1234-123456789012",
}

func toAny(m map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// In production, the namespace and the release are protected.
func TestMilvusComponentProtected(t *testing.T) {
	s := declareMilvus(t, milvus.Args{
		Namespace: "milvus", ServiceAccount: "milvus-sa", ReleaseName: "milvus", Chart: milvusChart, TimeoutSeconds: 900,
		Values: milvusInputs, BucketName: pulumi.String("b"), S3PolicyArn: pulumi.String("p"), LoadBalancer: testLoadBalancer, Protect: true,
	})
	assert.True(t, s.Of("kubernetes:helm.sh/v3:Release")[0].Protect)
	assert.True(t, s.Of("kubernetes:core/v1:Namespace")[0].Protect)
}

// Without a configured password, one is generated and kept in the state.
func TestMilvusComponentGeneratesTheRootPassword(t *testing.T) {
	s := declareMilvus(t, milvus.Args{
		Namespace: "milvus", ServiceAccount: "milvus-sa", ReleaseName: "milvus", Chart: milvusChart, TimeoutSeconds: 900,
		Values: milvusInputs, BucketName: pulumi.String("b"), S3PolicyArn: pulumi.String("p"),
	})
	assert.Len(t, s.Of("random:index/randomPassword:RandomPassword"), 1)
}

func TestLoadBalancerHost(t *testing.T) {
	host := "milvus-0123.elb.us-east-2.amazonaws.com"
	ip := "203.0.113.7"
	empty := ""
	tests := []struct {
		name    string
		ingress []corev1.LoadBalancerIngress
		want    string
	}{
		{"no load balancer yet", nil, ""},
		{"host name", []corev1.LoadBalancerIngress{{Hostname: &host}}, host},
		{"address only", []corev1.LoadBalancerIngress{{Ip: &ip}}, ip},
		{"empty entry first", []corev1.LoadBalancerIngress{{Hostname: &empty}, {Hostname: &host}}, host},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, milvus.LoadBalancerHost(tt.ingress), tt.name)
	}
}

// With a hosted zone, the name clients use becomes an alias of the NLB: an
// A record on the load balancer's host in the region's canonical zone of
// network load balancers.
func TestMilvusComponentPointsItsNameAtTheLoadBalancer(t *testing.T) {
	lb := testLoadBalancer
	lb.DNSName = "milvus.example.com"
	s := declareMilvus(t, milvus.Args{
		Namespace: "milvus", ServiceAccount: "milvus-sa", ReleaseName: "milvus", Chart: milvusChart, TimeoutSeconds: 900,
		Values: milvusInputs, BucketName: pulumi.String("b"), S3PolicyArn: pulumi.String("p"), LoadBalancer: lb, DNSZoneID: "Z0123456789ABCDEFGHIJ",
	})
	record := s.Of("aws:route53/record:Record")
	require.Len(t, record, 1)
	assert.Equal(t, map[string]any{
		"zoneId": "Z0123456789ABCDEFGHIJ",
		"name":   "milvus.example.com",
		"type":   "A",
		"aliases": []any{map[string]any{
			"name":                 "milvus-test-0000000000000000.elb.us-east-2.amazonaws.com",
			"zoneId":               mockcloud.LoadBalancerZoneID,
			"evaluateTargetHealth": true,
		}},
	}, mockcloud.Plain(record[0].Input()))
	assert.Equal(t, s.Of(milvus.TypeToken)[0].URN, record[0].Parent)
	assert.True(t, record[0].DependsOn(s.Named(typeService, "milvus-endpoint")[0]), "the record waits for the load balancer")
	assert.Equal(t, "https://milvus.example.com:19530", s.Outputs["uri"])

	without := declareMilvus(t, milvus.Args{
		Namespace: "milvus", ServiceAccount: "milvus-sa", ReleaseName: "milvus", Chart: milvusChart, TimeoutSeconds: 900,
		Values: milvusInputs, BucketName: pulumi.String("b"), S3PolicyArn: pulumi.String("p"), LoadBalancer: lb,
	})
	assert.Empty(t, without.Of("aws:route53/record:Record"), "no zone, no record")
}

// Package milvus declares Milvus itself on the cluster: its IRSA role, its
// namespace (with its Pod Security level), the ServiceAccount bound to the
// role, the root password's Secret, the namespace's NetworkPolicies and the
// components' PodDisruptionBudgets, the Helm release, and the Service that
// puts its API behind a Network Load Balancer.
package milvus

import (
	awslb "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/endpoint"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/podpolicy"
	"github.com/milvus-eks/milvus-eks/infra/facts"
)

// TypeToken is the Milvus component's type.
const TypeToken = "milvus-eks:milvus:Milvus"

// Args are the release to install, and what Milvus needs from the rest of
// the stack.
type Args struct {
	Namespace      string
	ServiceAccount string
	ReleaseName    string
	// Chart is the vendored milvus chart archive the release installs.
	Chart charts.Archive
	// TimeoutSeconds bounds the Helm install; the release is atomic, so one
	// not ready by then is rolled back.
	TimeoutSeconds int
	// Values are the chart's settings but for the names this component
	// fills in: the bucket, the ServiceAccount and the password's Secret.
	Values milvusvalues.Inputs
	// RootPassword is the root user's password when authentication is on;
	// empty means generate one (and keep it in the stack's state).
	RootPassword string
	BucketName   pulumi.StringInput
	// S3PolicyArn is the policy of Milvus' IRSA role: what it may do in the
	// bucket.
	S3PolicyArn pulumi.StringInput
	// LoadBalancer is the NLB in front of Milvus' API.
	LoadBalancer endpoint.LoadBalancer
	// DNSZoneID, when set, is a Route 53 hosted zone in which the
	// component makes LoadBalancer.DNSName an alias of the NLB.
	DNSZoneID string
	// Protect keeps `pulumi destroy` from deleting the namespace and the
	// release, and with them etcd's volume claims (production).
	Protect bool
	// Cluster is where Milvus runs: every Kubernetes resource here takes its
	// provider, and its IAM OIDC provider vouches for the ServiceAccount.
	Cluster cluster.Access
	// WaitFor is what the release needs in the cluster although nothing in its
	// arguments refers to it: the nodes its pods run on, the default
	// StorageClass its claims get, the controller that gives its Service a
	// load balancer. Without them an install can only time out.
	//
	// The namespace waits for them too, for the sake of `pulumi destroy`:
	// deleting the namespace deletes the claims the StatefulSets leave
	// behind and the Service's load balancer, which only the EBS CSI driver
	// and the load balancer controller can release. Were they deleted
	// alongside the namespace, the volumes and the NLB would outlive the
	// stack.
	WaitFor []pulumi.Resource
}

// Milvus is the installed database.
type Milvus struct {
	pulumi.ResourceState

	Namespace      pulumi.StringOutput `pulumi:"namespace"`
	ServiceAccount pulumi.StringOutput `pulumi:"serviceAccount"`
	// RoleArn is the IRSA role the ServiceAccount is bound to.
	RoleArn      pulumi.StringOutput `pulumi:"roleArn"`
	ChartVersion pulumi.StringOutput `pulumi:"chartVersion"`
	// Endpoint is the load balancer's host name and Milvus' port.
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	// URI is how clients name Milvus: https:// when the load balancer
	// terminates TLS, http:// otherwise.
	URI pulumi.StringOutput `pulumi:"uri"`
	// RootPassword is the root user's password, secret; nil when
	// authentication is off.
	RootPassword pulumi.StringOutput `pulumi:"rootPassword"`
}

// New declares Milvus.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Milvus, error) {
	m := &Milvus{}
	if err := ctx.RegisterComponentResource(TypeToken, name, m, opts...); err != nil {
		return nil, err
	}
	k8s := []pulumi.ResourceOption{pulumi.Parent(m), pulumi.Provider(args.Cluster.Provider)}

	// The role was the stack's own before it became the component's: the
	// alias keeps a deployed stack's role in place.
	role, err := irsa.New(ctx, name+"-s3", irsa.Args{
		OidcProviderArn: args.Cluster.OidcProviderArn,
		OidcIssuerURL:   args.Cluster.OidcIssuerURL,
		Namespace:       args.Namespace,
		ServiceAccount:  args.ServiceAccount,
		Policies:        []irsa.Policy{{Name: "s3", Arn: args.S3PolicyArn}},
	}, pulumi.Parent(m), pulumi.Aliases([]pulumi.Alias{{NoParent: pulumi.Bool(true)}}))
	if err != nil {
		return nil, err
	}

	ns, err := corev1.NewNamespace(ctx, name, &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(args.Namespace),
			// What Pod Security admits here (podpolicy.PodSecurity).
			Labels: pulumi.ToStringMap(podpolicy.PodSecurity),
		},
	}, append(k8s, pulumi.DependsOn(args.WaitFor), pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, err
	}
	namespace := ns.Metadata.Name().Elem()

	sa, err := corev1.NewServiceAccount(ctx, name, &corev1.ServiceAccountArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(args.ServiceAccount),
			Namespace: namespace,
			Annotations: pulumi.StringMap{
				trust.RoleArnAnnotation: role.Arn,
			},
		},
	}, k8s...)
	if err != nil {
		return nil, err
	}
	serviceAccount := sa.Metadata.Name().Elem()

	rootPassword, rootPasswordSecret, err := declareRootPassword(ctx, name, args, namespace, m, k8s)
	if err != nil {
		return nil, err
	}
	policies, err := declarePolicies(ctx, args, namespace, k8s)
	if err != nil {
		return nil, err
	}

	// The values take the ServiceAccount's and the password Secret's names
	// from those resources, not from config, so that the release waits for
	// them (and for the role behind the ServiceAccount's annotation).
	chartValues := pulumi.All(args.BucketName, serviceAccount, rootPasswordSecret).ApplyT(func(v []any) map[string]any {
		settings := args.Values
		settings.BucketName, settings.ServiceAccount, settings.RootPasswordSecret = v[0].(string), v[1].(string), v[2].(string)
		settings.ReleaseName = args.ReleaseName
		return milvusvalues.Build(settings).Map()
	}).(pulumi.MapOutput)

	release, err := helmv3.NewRelease(ctx, name, &helmv3.ReleaseArgs{
		Name:      pulumi.String(args.ReleaseName),
		Namespace: namespace,
		// The repository's archive, by its path from the project's root:
		// no chart repository is reached.
		Chart:   pulumi.String(args.Chart.Path()),
		Version: pulumi.String(args.Chart.Version),
		Values:  chartValues,
		// A release that is not healthy in time is rolled back, not left half-installed.
		Atomic:  pulumi.Bool(true),
		Timeout: pulumi.Int(args.TimeoutSeconds),
	}, append(k8s, pulumi.DependsOn(append(append([]pulumi.Resource{}, args.WaitFor...), policies...)), pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, err
	}

	svc, err := declareEndpoint(ctx, name, args, namespace, release, k8s)
	if err != nil {
		return nil, err
	}

	m.Namespace = namespace
	m.ServiceAccount = serviceAccount
	m.RoleArn = role.Arn
	m.RootPassword = rootPassword
	m.ChartVersion = release.Version.Elem()
	host := svc.Status.LoadBalancer().Ingress().ApplyT(LoadBalancerHost).(pulumi.StringOutput)
	if args.DNSZoneID != "" {
		if err := declareDNSRecord(ctx, name, args, host, m); err != nil {
			return nil, err
		}
	}
	m.Endpoint = host.ApplyT(endpoint.Address).(pulumi.StringOutput)
	m.URI = host.ApplyT(args.LoadBalancer.URI).(pulumi.StringOutput)
	outputs := pulumi.Map{
		"namespace":      m.Namespace,
		"serviceAccount": m.ServiceAccount,
		"roleArn":        m.RoleArn,
		"chartVersion":   m.ChartVersion,
		"endpoint":       m.Endpoint,
		"uri":            m.URI,
	}
	if args.Values.Authentication {
		outputs["rootPassword"] = m.RootPassword
	}
	return m, ctx.RegisterResourceOutputs(m, outputs)
}

// rootPasswordLength is the length of a generated root password: 32 letters
// and digits, about 190 bits.
const rootPasswordLength = 32

// declareRootPassword puts the root password in a Secret for the chart to read, and
// returns the password (secret) and the Secret's name; both are empty when
// authentication is off. A password the stack does not configure is
// generated once and kept in the stack's state, so that every update passes
// the same one.
func declareRootPassword(ctx *pulumi.Context, name string, args Args, namespace pulumi.StringOutput, parent pulumi.Resource, k8s []pulumi.ResourceOption) (pulumi.StringOutput, pulumi.StringOutput, error) {
	if !args.Values.Authentication {
		return pulumi.StringOutput{}, pulumi.String("").ToStringOutput(), nil
	}
	password := pulumi.ToSecret(pulumi.String(args.RootPassword)).(pulumi.StringOutput)
	if args.RootPassword == "" {
		generated, err := random.NewRandomPassword(ctx, name+"-root", &random.RandomPasswordArgs{
			Length:  pulumi.Int(rootPasswordLength),
			Special: pulumi.Bool(false),
		}, pulumi.Parent(parent))
		if err != nil {
			return pulumi.StringOutput{}, pulumi.StringOutput{}, err
		}
		password = pulumi.ToSecret(generated.Result).(pulumi.StringOutput)
	}
	secret, err := corev1.NewSecret(ctx, name+"-root-password", &corev1.SecretArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(milvusvalues.RootPasswordSecretName(args.ReleaseName)),
			Namespace: namespace,
		},
		Type:       pulumi.String("Opaque"),
		StringData: pulumi.StringMap{milvusvalues.RootPasswordSecretKey: password},
	}, k8s...)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, err
	}
	return password, secret.Metadata.Name().Elem(), nil
}

// declareEndpoint declares the Service that gives Milvus' proxies, on
// Milvus' port only, a Network Load Balancer, once the release is installed
// and the proxies it selects exist.
//
// The order is a DependsOn, not the release's status: a preview of any
// change to the release knows none of its outputs, and a namespace taken
// from them made the real Kubernetes provider plan a replacement of this
// Service, and so of the NLB, with every change of Milvus' values (found by
// TestRealEngineDeploysTheKubernetesHalf).
func declareEndpoint(ctx *pulumi.Context, name string, args Args, namespace pulumi.StringOutput, release *helmv3.Release, k8s []pulumi.ResourceOption) (*corev1.Service, error) {
	lb := args.LoadBalancer
	return corev1.NewService(ctx, name+"-endpoint", &corev1.ServiceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(endpoint.ServiceName(args.ReleaseName)),
			Namespace:   namespace,
			Annotations: pulumi.ToStringMap(lb.Annotations()),
		},
		Spec: &corev1.ServiceSpecArgs{
			Type:     pulumi.String("LoadBalancer"),
			Selector: pulumi.ToStringMap(milvusvalues.ComponentProxy.PodLabels(args.ReleaseName)),
			Ports: corev1.ServicePortArray{&corev1.ServicePortArgs{
				Name:       pulumi.String("milvus"),
				Port:       pulumi.Int(facts.MilvusPort),
				TargetPort: pulumi.Int(facts.MilvusPort),
				Protocol:   pulumi.String("TCP"),
			}},
			// They become the load balancer's security group rules.
			LoadBalancerSourceRanges: pulumi.ToStringArray(lb.SourceRanges),
		},
	}, append(k8s, pulumi.DependsOn([]pulumi.Resource{release}))...)
}

// declareDNSRecord makes the name clients use an alias of the NLB in a
// Route 53 hosted zone: an A record whose target is the load balancer's
// host in the region's canonical zone of network load balancers.
func declareDNSRecord(ctx *pulumi.Context, name string, args Args, host pulumi.StringOutput, component pulumi.Resource) error {
	parent := pulumi.Parent(component)
	zone := awslb.GetHostedZoneIdOutput(ctx, awslb.GetHostedZoneIdOutputArgs{
		LoadBalancerType: pulumi.String("network"),
		Region:           pulumi.String(args.Values.Region),
	}, parent)
	_, err := route53.NewRecord(ctx, name+"-dns", &route53.RecordArgs{
		ZoneId: pulumi.String(args.DNSZoneID),
		Name:   pulumi.String(args.LoadBalancer.DNSName),
		Type:   pulumi.String("A"),
		Aliases: route53.RecordAliasArray{&route53.RecordAliasArgs{
			Name:                 host,
			ZoneId:               zone.Id(),
			EvaluateTargetHealth: pulumi.Bool(true),
		}},
	}, parent)
	return err
}

// LoadBalancerHost is the host name (or address) of the load balancer in
// front of a Service, or "" while it has none.
func LoadBalancerHost(ingress []corev1.LoadBalancerIngress) string {
	for _, in := range ingress {
		if host := deref(in.Hostname); host != "" {
			return host
		}
		if ip := deref(in.Ip); ip != "" {
			return ip
		}
	}
	return ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

package monitoring

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/amp"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/kubestate"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/scrapeconfig"
	"github.com/milvus-eks/milvus-eks/infra/components/podspec"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Collection is where the managed collector runs and what it reads.
type Collection struct {
	Cluster cluster.Access
	// ClusterArn is the cluster the collector reads; SubnetIDs (the
	// private ones, in two zones at least) and SecurityGroupIDs (the
	// cluster's, which its nodes carry) place its network interfaces.
	ClusterArn       pulumi.StringInput
	SubnetIDs        pulumi.StringArrayInput
	SecurityGroupIDs pulumi.StringArrayInput
	// VpcCidr is where the collector's addresses come from, which Milvus'
	// namespace lets reach the metrics ports.
	VpcCidr string
	// MilvusNamespace is Milvus' namespace, once it exists; Release its
	// release's name.
	MilvusNamespace pulumi.StringInput
	Release         string
	// Targets are what the collector reads.
	Targets scrapeconfig.Settings
	// NodeSelector keeps kube-state-metrics on the system pool, when
	// Karpenter runs the others.
	NodeSelector map[string]string
}

// ScraperName starts the Kubernetes names of the collector's ClusterRole
// and binding, which end with Milvus' namespace: two stacks on one cluster
// each declare their own.
const ScraperName = "amp-collector"

// collect declares the managed collector, what it may read in the cluster,
// and kube-state-metrics.
func collect(ctx *pulumi.Context, name string, c Collection, workspaceArn pulumi.StringInput, parent pulumi.ResourceOption) (*amp.Scraper, error) {
	k8s := []pulumi.ResourceOption{parent, pulumi.Provider(c.Cluster.Provider), pulumi.DependsOn(c.Cluster.WaitForNodes())}
	clusterWide := ScraperName + "-" + c.Targets.Milvus.Namespace
	role, err := rbacv1.NewClusterRole(ctx, name+"-collector", &rbacv1.ClusterRoleArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(clusterWide)},
		Rules:    policyRules(scrapeconfig.ReadRules()),
	}, k8s...)
	if err != nil {
		return nil, err
	}
	if _, err := rbacv1.NewClusterRoleBinding(ctx, name+"-collector", &rbacv1.ClusterRoleBindingArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(clusterWide)},
		RoleRef:  rbacv1.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("ClusterRole"), Name: role.Metadata.Name().Elem()},
		Subjects: rbacv1.SubjectArray{rbacv1.SubjectArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("User"), Name: pulumi.String(scrapeconfig.CollectorUser)}},
	}, k8s...); err != nil {
		return nil, err
	}
	for _, p := range scrapeconfig.CollectorPolicy(c.Release, c.VpcCidr) {
		if _, err := milvus.NewNetworkPolicy(ctx, p, c.MilvusNamespace, k8s...); err != nil {
			return nil, err
		}
	}
	if err := kubeStateMetrics(ctx, name, c, k8s); err != nil {
		return nil, err
	}
	return amp.NewScraper(ctx, name, &amp.ScraperArgs{
		Alias:               pulumi.String(ctx.Project() + "-" + ctx.Stack()),
		ScrapeConfiguration: pulumi.String(scrapeconfig.Of(c.Targets).YAML()),
		Source: &amp.ScraperSourceArgs{Eks: &amp.ScraperSourceEksArgs{
			ClusterArn: c.ClusterArn, SubnetIds: c.SubnetIDs, SecurityGroupIds: c.SecurityGroupIDs,
		}},
		Destination: &amp.ScraperDestinationArgs{Amp: &amp.ScraperDestinationAmpArgs{WorkspaceArn: workspaceArn}},
	}, parent)
}

// kubeStateMetrics runs kube-state-metrics in its namespace, reading
// Milvus' namespace only.
func kubeStateMetrics(ctx *pulumi.Context, name string, c Collection, k8s []pulumi.ResourceOption) error {
	ns, err := corev1.NewNamespace(ctx, name+"-"+kubestate.Name, &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(c.Targets.KubeStateMetrics.Namespace), Labels: pulumi.ToStringMap(restricted)},
	}, k8s...)
	if err != nil {
		return err
	}
	namespace := ns.Metadata.Name().Elem()
	sa, err := corev1.NewServiceAccount(ctx, name+"-"+kubestate.Name, &corev1.ServiceAccountArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(kubestate.Name), Namespace: namespace},
	}, k8s...)
	if err != nil {
		return err
	}
	role, err := rbacv1.NewRole(ctx, name+"-"+kubestate.Name, &rbacv1.RoleArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(kubestate.Name), Namespace: c.MilvusNamespace},
		Rules:    policyRules(kubestate.Rules()),
	}, k8s...)
	if err != nil {
		return err
	}
	if _, err := rbacv1.NewRoleBinding(ctx, name+"-"+kubestate.Name, &rbacv1.RoleBindingArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(kubestate.Name), Namespace: c.MilvusNamespace},
		RoleRef:  rbacv1.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("Role"), Name: role.Metadata.Name().Elem()},
		Subjects: rbacv1.SubjectArray{rbacv1.SubjectArgs{Kind: pulumi.String("ServiceAccount"), Name: sa.Metadata.Name().Elem(), Namespace: namespace}},
	}, k8s...); err != nil {
		return err
	}
	for _, p := range kubestate.NetworkPolicies(c.VpcCidr) {
		if _, err := milvus.NewNetworkPolicy(ctx, p, namespace, k8s...); err != nil {
			return err
		}
	}
	size, labels := sizing.KubeStateMetrics, pulumi.ToStringMap(kubestate.Labels)
	_, err = appsv1.NewDeployment(ctx, name+"-"+kubestate.Name, &appsv1.DeploymentArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(kubestate.Name), Namespace: namespace, Labels: labels},
		Spec: appsv1.DeploymentSpecArgs{
			Replicas: pulumi.Int(size.Replicas),
			Selector: metav1.LabelSelectorArgs{MatchLabels: labels},
			Template: corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Labels: labels},
				Spec: corev1.PodSpecArgs{
					NodeSelector:       podspec.NodeSelector(c.NodeSelector),
					ServiceAccountName: sa.Metadata.Name().Elem(),
					SecurityContext: corev1.PodSecurityContextArgs{
						RunAsNonRoot:   pulumi.Bool(true),
						RunAsUser:      pulumi.Int(kubestate.UID),
						RunAsGroup:     pulumi.Int(kubestate.UID),
						SeccompProfile: corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
					},
					Containers: corev1.ContainerArray{corev1.ContainerArgs{
						Name:  pulumi.String(kubestate.Name),
						Image: pulumi.String(kubestate.Image),
						Args:  pulumi.ToStringArray(kubestate.Args(c.Targets.Milvus.Namespace)),
						Ports: corev1.ContainerPortArray{
							corev1.ContainerPortArgs{Name: pulumi.String("http-metrics"), ContainerPort: pulumi.Int(kubestate.Port)},
							corev1.ContainerPortArgs{Name: pulumi.String("telemetry"), ContainerPort: pulumi.Int(kubestate.TelemetryPort)},
						},
						LivenessProbe:   httpProbe("/livez", kubestate.Port),
						ReadinessProbe:  httpProbe("/readyz", kubestate.TelemetryPort),
						Resources:       podspec.Resources(size),
						SecurityContext: podspec.Unprivileged(),
					}},
				},
			},
		},
	}, k8s...)
	return err
}

// restricted enforces the restricted Pod Security level: the one pod
// meets it.
var restricted = map[string]string{
	"pod-security.kubernetes.io/enforce": "restricted",
	"pod-security.kubernetes.io/warn":    "restricted",
	"pod-security.kubernetes.io/audit":   "restricted",
}

func httpProbe(path string, port int) corev1.ProbeArgs {
	return corev1.ProbeArgs{
		HttpGet:             corev1.HTTPGetActionArgs{Path: pulumi.String(path), Port: pulumi.Int(port)},
		InitialDelaySeconds: pulumi.Int(5),
		TimeoutSeconds:      pulumi.Int(5),
	}
}

func policyRules(rules []scrapeconfig.PolicyRule) rbacv1.PolicyRuleArray {
	out := make(rbacv1.PolicyRuleArray, len(rules))
	for i, r := range rules {
		rule := rbacv1.PolicyRuleArgs{Verbs: pulumi.ToStringArray(r.Verbs)}
		if r.APIGroups != nil {
			rule.ApiGroups = pulumi.ToStringArray(r.APIGroups)
			rule.Resources = pulumi.ToStringArray(r.Resources)
		}
		if r.NonResourceURLs != nil {
			rule.NonResourceURLs = pulumi.ToStringArray(r.NonResourceURLs)
		}
		out[i] = rule
	}
	return out
}

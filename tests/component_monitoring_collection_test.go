package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/containerlogs"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/kubestate"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/scrapeconfig"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

var monitoringProd = monitoring.Args{Region: "us-east-2", Alerts: monitoringAlerts, AlertEmails: []string{"oncall@example.com"}, LogRetentionDays: 90}

// The collector: its configuration exactly, on the cluster's private
// subnets with the cluster's security group, writing to the workspace;
// what it may read (reads only, bound to the user AMP maps it to); the
// two policies that let it reach the metrics ports from the VPC; and
// kube-state-metrics, reading Milvus' namespace only.
func TestMonitoringCollection(t *testing.T) {
	s := declareMonitoring(t, monitoringProd)
	scraper := s.Of("aws:amp/scraper:Scraper")
	require.Len(t, scraper, 1)
	assert.Equal(t, scrapeconfig.Of(collectionTargets).YAML(), scraper[0].Input("scrapeConfiguration").StringValue())
	assert.Equal(t, map[string]any{"eks": map[string]any{
		"clusterArn": scrapedClusterArn, "subnetIds": []any{"subnet-a", "subnet-b"}, "securityGroupIds": []any{"sg-cluster"},
	}}, scraper[0].Input("source").Mappable())
	workspaceArn := s.Of("aws:amp/workspace:Workspace")[0].Outputs["arn"].StringValue()
	assert.Equal(t, map[string]any{"amp": map[string]any{"workspaceArn": workspaceArn}}, scraper[0].Input("destination").Mappable())

	role := s.Of("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")
	require.Len(t, role, 1)
	assert.Equal(t, []any{
		map[string]any{"apiGroups": []any{""}, "resources": []any{"pods", "nodes"}, "verbs": []any{"list", "watch"}},
		map[string]any{"apiGroups": []any{""}, "resources": []any{"nodes/proxy"}, "verbs": []any{"get"}},
	}, role[0].Input("rules").Mappable())
	binding := s.Of("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")
	require.Len(t, binding, 1)
	assert.Equal(t, []any{map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "aps-collector-user"}}, binding[0].Input("subjects").Mappable())
	assert.Equal(t, monitoring.ScraperName+"-milvus", binding[0].Input("roleRef", "name").StringValue())

	policies := map[string]any{}
	for _, p := range s.Of("kubernetes:networking.k8s.io/v1:NetworkPolicy") {
		policies[p.Input("metadata", "namespace").StringValue()+"/"+p.Input("metadata", "name").StringValue()] = p.Input("spec").Mappable()
	}
	assert.Equal(t, map[string]any{
		"milvus-kube-state-metrics/kube-state-metrics": map[string]any{
			"podSelector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "kube-state-metrics"}},
			"policyTypes": []any{"Ingress", "Egress"},
			"ingress":     []any{map[string]any{"from": []any{map[string]any{"ipBlock": map[string]any{"cidr": scrapedVpcCidr}}}, "ports": []any{map[string]any{"protocol": "TCP", "port": float64(8080)}}}},
			"egress":      []any{map[string]any{"to": []any{map[string]any{"ipBlock": map[string]any{"cidr": "0.0.0.0/0"}}}, "ports": []any{map[string]any{"protocol": "TCP", "port": float64(443)}}}},
		},
		"milvus/milvus-metrics-collector": map[string]any{
			"podSelector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/instance": "milvus", "app.kubernetes.io/name": "milvus"}},
			"policyTypes": []any{"Ingress"},
			"ingress":     []any{map[string]any{"from": []any{map[string]any{"ipBlock": map[string]any{"cidr": scrapedVpcCidr}}}, "ports": []any{map[string]any{"protocol": "TCP", "port": float64(9091)}}}},
		},
		"milvus/milvus-etcd-metrics-collector": map[string]any{
			"podSelector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/instance": "milvus", "app.kubernetes.io/name": "etcd"}},
			"policyTypes": []any{"Ingress"},
			"ingress":     []any{map[string]any{"from": []any{map[string]any{"ipBlock": map[string]any{"cidr": scrapedVpcCidr}}}, "ports": []any{map[string]any{"protocol": "TCP", "port": float64(2381)}}}},
		},
	}, policies)

	ksm := s.Of("kubernetes:apps/v1:Deployment")
	require.Len(t, ksm, 1)
	container := ksm[0].Input("spec", "template", "spec", "containers").ArrayValue()[0]
	assert.Equal(t, kubestate.Image, container.ObjectValue()["image"].StringValue())
	assert.Equal(t, []any{
		"--resources=cronjobs,jobs,pods,poddisruptionbudgets,persistentvolumeclaims,statefulsets,deployments",
		"--namespaces=milvus", "--port=8080", "--telemetry-port=8081",
	}, container.ObjectValue()["args"].Mappable())
	assert.Equal(t, map[string]any{"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": map[string]any{"drop": []any{"ALL"}}},
		container.ObjectValue()["securityContext"].Mappable())
	assert.Equal(t, map[string]any{
		"requests": map[string]any{"cpu": sizing.KubeStateMetrics.CPURequest, "memory": sizing.KubeStateMetrics.MemoryRequest, "ephemeral-storage": sizing.KubeStateMetrics.EphemeralStorageRequest},
		"limits":   map[string]any{"cpu": sizing.KubeStateMetrics.CPULimit, "memory": sizing.KubeStateMetrics.MemoryLimit, "ephemeral-storage": sizing.KubeStateMetrics.EphemeralStorageLimit},
	}, container.ObjectValue()["resources"].Mappable())
	ksmRole := s.Of("kubernetes:rbac.authorization.k8s.io/v1:Role")
	require.Len(t, ksmRole, 1)
	assert.Equal(t, "milvus", ksmRole[0].Input("metadata", "namespace").StringValue())
	assert.Equal(t, []any{
		map[string]any{"apiGroups": []any{"batch"}, "resources": []any{"cronjobs", "jobs"}, "verbs": []any{"list", "watch"}},
		map[string]any{"apiGroups": []any{""}, "resources": []any{"pods", "persistentvolumeclaims"}, "verbs": []any{"list", "watch"}},
		map[string]any{"apiGroups": []any{"policy"}, "resources": []any{"poddisruptionbudgets"}, "verbs": []any{"list", "watch"}},
		map[string]any{"apiGroups": []any{"apps"}, "resources": []any{"statefulsets", "deployments"}, "verbs": []any{"list", "watch"}},
	}, ksmRole[0].Input("rules").Mappable())

	// Every Kubernetes object goes to the cluster's provider.
	for _, r := range s.Resources {
		if r.Custom && len(r.Type) > 11 && r.Type[:11] == "kubernetes:" {
			assert.Contains(t, r.Provider, "pulumi:providers:kubernetes", r.Name)
		}
	}
}

// The pods' logs: the four groups the add-on writes, created first with the
// configured retention; the add-on with its own role, which only its
// ServiceAccount may assume.
func TestMonitoringShipsThePodsLogs(t *testing.T) {
	s := declareMonitoring(t, monitoringProd)
	retained := map[string]float64{}
	var groups []*mockcloud.Resource
	for _, g := range s.Of("aws:cloudwatch/logGroup:LogGroup") {
		if name := g.Input("name"); name.IsString() {
			retained[name.StringValue()] = g.Input("retentionInDays").NumberValue()
			groups = append(groups, g)
		}
	}
	assert.Equal(t, map[string]float64{
		"/aws/containerinsights/milvus-prod/application": 90, "/aws/containerinsights/milvus-prod/dataplane": 90,
		"/aws/containerinsights/milvus-prod/host": 90, "/aws/containerinsights/milvus-prod/performance": 90,
	}, retained)
	addon := s.Of("aws:eks/addon:Addon")
	require.Len(t, addon, 1)
	assert.Equal(t, containerlogs.AddonName, addon[0].Input("addonName").StringValue())
	assert.JSONEq(t, `{"containerLogs":{"enabled":true}}`, addon[0].Input("configurationValues").StringValue())
	for _, g := range groups {
		assert.True(t, addon[0].DependsOn(g), "the add-on waits for %s", g.Name)
	}
	roles := s.Named("aws:iam/role:Role", "monitoring-logs")
	require.Len(t, roles, 1)
	assert.Equal(t, roles[0].Outputs["arn"].StringValue(), addon[0].Input("serviceAccountRoleArn").StringValue())
	assert.JSONEq(t, trust.WebIdentityTrust(mockcloud.OidcProviderArn("us-east-2"), "https://"+mockcloud.OidcIssuerHost("us-east-2"), "amazon-cloudwatch", "cloudwatch-agent").JSON(),
		roles[0].Input("assumeRolePolicy").StringValue())
	attachments := s.Of("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
	require.Len(t, attachments, 1)
	assert.Equal(t, "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy", attachments[0].Input("policyArn").StringValue())
}

// A cluster the stack does not create ships no logs.
func TestMonitoringWithoutLogs(t *testing.T) {
	s := declareMonitoring(t, monitoringProd, true)
	assert.Empty(t, s.Of("aws:eks/addon:Addon"))
	assert.Len(t, s.Of("aws:cloudwatch/logGroup:LogGroup"), 1, "the workspace's own")
}

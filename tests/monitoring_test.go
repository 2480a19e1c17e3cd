package tests

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/alertrules"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

const (
	typeScraper    = "aws:amp/scraper:Scraper"
	typeWorkspace  = "aws:amp/workspace:Workspace"
	typeRuleGroups = "aws:amp/ruleGroupNamespace:RuleGroupNamespace"
	typeAlertRoute = "aws:amp/alertManagerDefinition:AlertManagerDefinition"
	typeTopic      = "aws:sns/topic:Topic"
)

var monitoringTypes = []string{typeScraper, typeWorkspace, typeRuleGroups, typeAlertRoute, typeTopic, "aws:cloudwatch/logGroup:LogGroup", typeAddon + " amazon-cloudwatch-observability"}

// held counts the monitoring's resources in a plan; the CloudWatch add-on
// by its name.
func held(d *deployment) map[string]int {
	out := map[string]int{}
	for _, r := range d.Resources {
		switch {
		case r.Type == typeAddon && r.Input("addonName").StringValue() == "amazon-cloudwatch-observability":
			out[typeAddon+" amazon-cloudwatch-observability"]++
		case r.Type != typeAddon:
			out[r.Type]++
		}
	}
	return out
}

// Prod's plan holds the workspace, the collector, the rules, the routing
// and the log shipping; dev's none of them.
func TestMonitoringInProdOnly(t *testing.T) {
	prod, dev := held(deploy(t, "prod")), held(deploy(t, "dev"))
	for _, typ := range monitoringTypes {
		assert.Positive(t, prod[typ], "prod holds %s", typ)
		assert.Zero(t, dev[typ], "dev holds no %s", typ)
	}
}

func TestMonitoringOutputs(t *testing.T) {
	got := map[string]any{}
	for name, value := range deploy(t, "prod").Outputs {
		if strings.HasPrefix(name, "monitoring") || name == "alertTopicArn" || name == "podLogGroup" {
			got[name] = value
		}
	}
	assert.Equal(t, map[string]any{
		"monitoringWorkspaceArn": "arn:aws:aps:us-east-2:000000000000:workspace/ws-monitoring",
		"monitoringScraperArn":   "arn:aws:aps:us-east-2:000000000000:scraper/s-monitoring",
		"alertTopicArn":          "arn:aws:sns:us-east-2:000000000000:monitoring-alerts",
		"podLogGroup":            "/aws/containerinsights/milvus-prod/application",
	}, got)
}

// The rules name prod's release and its backup CronJob, stale after twice
// its daily schedule's gap, and watch its pools' limits; the collector
// runs on the private subnets with the cluster's security group and reads
// the cluster the stack created, Karpenter's controller included.
func TestProdIsWatched(t *testing.T) {
	d := deploy(t, "prod")
	rules := alertrules.Of(alertrules.Settings{Namespace: "milvus", Release: "milvus", BackupCronJob: "milvus-backup", BackupMaxAge: 48 * time.Hour, NodePools: true})
	assert.Equal(t, rules.YAML(), d.only(t, typeRuleGroups).Input("data").StringValue())
	scraper := d.only(t, typeScraper)
	assert.Equal(t, map[string]any{"eks": map[string]any{
		"clusterArn":       "arn:aws:eks:us-east-2:000000000000:cluster/milvus-prod",
		"subnetIds":        []any{"network-private-0-id", "network-private-1-id", "network-private-2-id"},
		"securityGroupIds": []any{"sg-milvus-prod-cluster"},
	}}, mockcloud.Plain(scraper.Input("source")))
	assert.Contains(t, scraper.Input("scrapeConfiguration").StringValue(), "cluster: milvus-prod\n")
	for _, p := range d.Of(typeNetworkPolicy) {
		if strings.HasSuffix(p.Name, "-metrics-collector") {
			assert.Equal(t, "10.0.0.0/16", p.Input("spec", "ingress").ArrayValue()[0].ObjectValue()["from"].ArrayValue()[0].ObjectValue()["ipBlock"].ObjectValue()["cidr"].StringValue(), p.Name)
		}
	}
}

// On an existing cluster, the collector reads it with the subnets and
// security group EKS reports, is let in from its VPC's range, and the
// stack ships no logs: the cluster's owner does.
func TestMonitoringOnAnExistingCluster(t *testing.T) {
	d := deployWith(t, "shared", stackConfig(t, "shared", map[string]string{
		"milvus:monitoring": `{"enabled": true, "alertEmails": ["oncall@example.com"]}`}))
	scraper := d.only(t, typeScraper)
	source := mockcloud.Plain(scraper.Input("source")).(map[string]any)["eks"].(map[string]any)
	require.NotEmpty(t, source["clusterArn"])
	name := strings.TrimPrefix(source["clusterArn"].(string), "arn:aws:eks:us-east-2:000000000000:cluster/")
	assert.Equal(t, []any{"subnet-" + name + "-a", "subnet-" + name + "-b"}, source["subnetIds"])
	assert.Equal(t, []any{"sg-" + name + "-cluster"}, source["securityGroupIds"])
	for _, p := range d.Of(typeNetworkPolicy) {
		if strings.HasSuffix(p.Name, "-metrics-collector") {
			assert.Equal(t, mockcloud.ExistingVpcCidr, p.Input("spec", "ingress").ArrayValue()[0].ObjectValue()["from"].ArrayValue()[0].ObjectValue()["ipBlock"].ObjectValue()["cidr"].StringValue(), p.Name)
		}
	}
	assert.Zero(t, held(d)[typeAddon+" amazon-cloudwatch-observability"])
	assert.NotContains(t, d.Outputs, "podLogGroup")
}

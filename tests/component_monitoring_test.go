package tests

import (
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/monitoring"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/alertrouting"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/alertrules"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/kubestate"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/scrapeconfig"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

var monitoringAlerts = alertrules.Settings{Namespace: "milvus", Release: "milvus", BackupCronJob: "milvus-backup", BackupMaxAge: 48 * time.Hour}

var collectionTargets = func() scrapeconfig.Settings {
	milvus, etcd := scrapeconfig.MilvusTargets("milvus", "milvus")
	return scrapeconfig.Settings{ClusterName: "milvus-prod", Milvus: milvus, ComponentLabel: "component", Etcd: etcd, KubeStateMetrics: kubestate.Target("milvus")}
}()

const (
	scrapedClusterArn = "arn:aws:eks:us-east-2:123456789012:cluster/milvus-prod"
	scrapedVpcCidr    = "10.0.0.0/16"
)

// declareMonitoring declares the component on the mock's cluster, reading
// Milvus' namespace; logs unless noLogs.
func declareMonitoring(t *testing.T, args monitoring.Args, noLogs ...bool) *mockcloud.Stack {
	t.Helper()
	s, err := mockcloud.RunPart("us-east-2", func(ctx *pulumi.Context) error {
		access, err := mockcloud.ClusterAccess(ctx, nil)
		if err != nil {
			return err
		}
		args.Collection = monitoring.Collection{
			Cluster: access, ClusterArn: pulumi.String(scrapedClusterArn),
			SubnetIDs:        pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}),
			SecurityGroupIDs: pulumi.ToStringArray([]string{"sg-cluster"}),
			VpcCidr:          scrapedVpcCidr, MilvusNamespace: pulumi.String("milvus"), Release: "milvus",
			Targets: collectionTargets,
		}
		if len(noLogs) == 0 {
			args.Logs = &monitoring.Logs{Cluster: access, ClusterName: "milvus-prod"}
		}
		_, err = monitoring.New(ctx, "monitoring", args)
		return err
	})
	require.NoError(t, err)
	return s
}

// A workspace of the stack's own, logging to a group kept for the
// configured days; the rules exactly; alerts to the stack's topic, which
// only the workspace may publish to, with a subscription per address.
func TestMonitoringComponent(t *testing.T) {
	s := declareMonitoring(t, monitoring.Args{Region: "us-east-2", Alerts: monitoringAlerts,
		AlertEmails: []string{"oncall@example.com", "db@example.com"}, LogRetentionDays: 30}, true)
	counts := s.TypeCounts()
	for typ, n := range map[string]int{
		monitoring.TypeToken: 1, "aws:amp/workspace:Workspace": 1, "aws:cloudwatch/logGroup:LogGroup": 1,
		"aws:sns/topic:Topic": 1, "aws:sns/topicPolicy:TopicPolicy": 1, "aws:sns/topicSubscription:TopicSubscription": 2,
		"aws:amp/ruleGroupNamespace:RuleGroupNamespace": 1, "aws:amp/alertManagerDefinition:AlertManagerDefinition": 1,
	} {
		assert.Equal(t, n, counts[typ], typ)
	}
	workspaceLogs := s.Of("aws:cloudwatch/logGroup:LogGroup")[0]
	assert.Equal(t, "/aws/vendedlogs/prometheus/milvus-", workspaceLogs.Input("namePrefix").StringValue())
	assert.Equal(t, float64(30), workspaceLogs.Input("retentionInDays").NumberValue())
	assert.Equal(t, alertrules.Of(monitoringAlerts).YAML(), s.Of("aws:amp/ruleGroupNamespace:RuleGroupNamespace")[0].Input("data").StringValue())

	topic := s.Of("aws:sns/topic:Topic")[0]
	topicArn := topic.Outputs["arn"].StringValue()
	require.NotEmpty(t, topicArn)
	assert.Equal(t, alertrouting.Of(topicArn, "us-east-2").YAML(),
		s.Of("aws:amp/alertManagerDefinition:AlertManagerDefinition")[0].Input("definition").StringValue())
	workspaceArn := s.Of("aws:amp/workspace:Workspace")[0].Outputs["arn"].StringValue()
	assert.JSONEq(t, alertrouting.TopicPolicy(topicArn, workspaceArn).JSON(), s.Of("aws:sns/topicPolicy:TopicPolicy")[0].Input("policy").StringValue())
	var endpoints []string
	for _, sub := range s.Of("aws:sns/topicSubscription:TopicSubscription") {
		assert.Equal(t, "email", sub.Input("protocol").StringValue())
		endpoints = append(endpoints, sub.Input("endpoint").StringValue())
	}
	assert.ElementsMatch(t, []string{"oncall@example.com", "db@example.com"}, endpoints)
}

// An existing workspace and topic: nothing of either is declared, and the
// rules and routing go into that workspace, to that topic.
func TestMonitoringComponentOnExistingWorkspaceAndTopic(t *testing.T) {
	const workspace = "arn:aws:aps:us-east-2:111122223333:workspace/ws-0123abcd"
	const topic = "arn:aws:sns:us-east-2:111122223333:platform-alerts"
	s := declareMonitoring(t, monitoring.Args{Region: "us-east-2", Alerts: monitoringAlerts, WorkspaceArn: workspace, AlertTopicArn: topic, LogRetentionDays: 30})
	assert.Empty(t, s.Of("aws:amp/workspace:Workspace"))
	assert.Empty(t, s.Of("aws:sns/topic:Topic"))
	assert.Equal(t, "ws-0123abcd", s.Of("aws:amp/ruleGroupNamespace:RuleGroupNamespace")[0].Input("workspaceId").StringValue())
	assert.Equal(t, alertrouting.Of(topic, "us-east-2").YAML(),
		s.Of("aws:amp/alertManagerDefinition:AlertManagerDefinition")[0].Input("definition").StringValue())
}

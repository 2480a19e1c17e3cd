// Package monitoring declares how the stack is watched: an Amazon Managed
// Service for Prometheus workspace (or an existing one), logging its rule
// and alert manager errors to CloudWatch Logs; AMP's managed collector
// reading Milvus, etcd, kube-state-metrics and the nodes (scrapeconfig),
// with what it may read in the cluster; the alerts (alertrules) as the
// workspace's rule group namespace; the alert manager definition
// (alertrouting) sending them to an SNS topic, the stack's own with its
// e-mail subscriptions, or an existing one; and the pods' logs shipped to
// CloudWatch Logs (containerlogs).
package monitoring

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/amp"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/alertrouting"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/alertrules"
)

// TypeToken is the Monitoring component's type.
const TypeToken = "milvus-eks:monitoring:Monitoring"

// Args are the alerts and where they go.
type Args struct {
	Region string
	// Alerts are the rules of the stack.
	Alerts alertrules.Settings
	// AlertEmails subscribe to the stack's own topic; AlertTopicArn,
	// instead, names an existing one.
	AlertEmails   []string
	AlertTopicArn string
	// WorkspaceArn, when set, is an existing workspace; its ID is the
	// ARN's last part.
	WorkspaceArn string
	// LogRetentionDays keeps the workspace's logs and the pods'.
	LogRetentionDays int
	// Collection is what the managed collector reads.
	Collection Collection
	// Logs ships the pods' logs; nil on a cluster the stack does not
	// create, whose owner ships its logs.
	Logs *Logs
}

// Monitoring is the workspace and its alerting.
type Monitoring struct {
	pulumi.ResourceState

	WorkspaceArn pulumi.StringOutput `pulumi:"workspaceArn"`
	TopicArn     pulumi.StringOutput `pulumi:"topicArn"`
	ScraperArn   pulumi.StringOutput `pulumi:"scraperArn"`
	// LogGroup holds the pods' logs; "" when the stack ships none.
	LogGroup pulumi.StringOutput `pulumi:"logGroup"`
}

// New declares the monitoring.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Monitoring, error) {
	m := &Monitoring{}
	if err := ctx.RegisterComponentResource(TypeToken, name, m, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(m)

	workspaceArn, workspaceID := pulumi.String(args.WorkspaceArn).ToStringOutput(), pulumi.String(workspaceIDOf(args.WorkspaceArn)).ToStringOutput()
	if args.WorkspaceArn == "" {
		logs, err := cloudwatch.NewLogGroup(ctx, name+"-workspace", &cloudwatch.LogGroupArgs{
			NamePrefix:      pulumi.String("/aws/vendedlogs/prometheus/milvus-"),
			RetentionInDays: pulumi.Int(args.LogRetentionDays),
		}, parent)
		if err != nil {
			return nil, err
		}
		workspace, err := amp.NewWorkspace(ctx, name, &amp.WorkspaceArgs{
			Alias: pulumi.String(ctx.Project() + "-" + ctx.Stack()),
			// Rule evaluation and alert manager errors: a rule AMP
			// refuses, or a topic that refuses AMP, shows up here.
			LoggingConfiguration: &amp.WorkspaceLoggingConfigurationArgs{
				LogGroupArn: logs.Arn.ApplyT(func(arn string) string { return arn + ":*" }).(pulumi.StringOutput),
			},
		}, parent)
		if err != nil {
			return nil, err
		}
		workspaceArn, workspaceID = workspace.Arn, workspace.ID().ToStringOutput()
	}

	topicArn := pulumi.String(args.AlertTopicArn).ToStringOutput()
	if args.AlertTopicArn == "" {
		topic, err := sns.NewTopic(ctx, name+"-alerts", &sns.TopicArgs{}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := sns.NewTopicPolicy(ctx, name+"-alerts", &sns.TopicPolicyArgs{
			Arn: topic.Arn,
			Policy: pulumi.All(topic.Arn, workspaceArn).ApplyT(func(v []any) string {
				return alertrouting.TopicPolicy(v[0].(string), v[1].(string)).JSON()
			}).(pulumi.StringOutput),
		}, parent); err != nil {
			return nil, err
		}
		for _, email := range args.AlertEmails {
			if _, err := sns.NewTopicSubscription(ctx, name+"-alerts-"+email, &sns.TopicSubscriptionArgs{
				Topic: topic.Arn, Protocol: pulumi.String("email"), Endpoint: pulumi.String(email),
			}, parent); err != nil {
				return nil, err
			}
		}
		topicArn = topic.Arn
	}

	if _, err := amp.NewRuleGroupNamespace(ctx, name, &amp.RuleGroupNamespaceArgs{
		WorkspaceId: workspaceID,
		Name:        pulumi.String(alertrules.NamespaceName),
		Data:        pulumi.String(alertrules.Of(args.Alerts).YAML()),
	}, parent); err != nil {
		return nil, err
	}
	if _, err := amp.NewAlertManagerDefinition(ctx, name, &amp.AlertManagerDefinitionArgs{
		WorkspaceId: workspaceID,
		// AMP signs its publication for the topic's region, which an
		// existing topic may not share with the stack.
		Definition: topicArn.ApplyT(func(arn string) string {
			return alertrouting.Of(arn, regionOf(arn, args.Region)).YAML()
		}).(pulumi.StringOutput),
	}, parent); err != nil {
		return nil, err
	}

	scraper, err := collect(ctx, name, args.Collection, workspaceArn, parent)
	if err != nil {
		return nil, err
	}
	logGroup := pulumi.String("").ToStringOutput()
	if args.Logs != nil {
		if logGroup, err = shipLogs(ctx, name, args, parent); err != nil {
			return nil, err
		}
	}

	m.WorkspaceArn, m.TopicArn, m.ScraperArn, m.LogGroup = workspaceArn, topicArn, scraper.Arn, logGroup
	return m, ctx.RegisterResourceOutputs(m, pulumi.Map{"workspaceArn": m.WorkspaceArn, "topicArn": m.TopicArn, "scraperArn": m.ScraperArn, "logGroup": m.LogGroup})
}

// regionOf is the region field of an ARN (arn:partition:service:region:…),
// or fallback when it has none.
func regionOf(arn, fallback string) string {
	if parts := strings.SplitN(arn, ":", 5); len(parts) == 5 && parts[3] != "" {
		return parts[3]
	}
	return fallback
}

// workspaceIDOf is the ID in a workspace's ARN (…:workspace/ws-…).
func workspaceIDOf(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return ""
}

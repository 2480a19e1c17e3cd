package stack

import (
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/backup/backupjob"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/karpentervalues"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/alertrules"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/kubestate"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/scrapeconfig"
	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/schedule"
	"github.com/milvus-eks/milvus-eks/infra/stack/outputs"
)

// declareMonitoring declares the metrics, alerts and logs of the stack, and
// exports where they are.
func declareMonitoring(ctx *pulumi.Context, cfg config.Config, kube clusterSite, db *milvus.Milvus) error {
	collection, err := collectionOf(ctx, cfg, kube, db)
	if err != nil {
		return err
	}
	m := cfg.Monitoring
	args := monitoring.Args{
		Region:           cfg.Region,
		Alerts:           alertSettings(cfg),
		AlertEmails:      m.AlertEmails,
		AlertTopicArn:    m.AlertTopicArn,
		WorkspaceArn:     m.WorkspaceArn,
		LogRetentionDays: m.LogRetentionDays,
		Collection:       collection,
	}
	if kube.created != nil {
		args.Logs = &monitoring.Logs{Cluster: kube.access, ClusterName: cfg.ClusterName}
	}
	watched, err := monitoring.New(ctx, "monitoring", args)
	if err != nil {
		return err
	}
	ctx.Export(outputs.MonitoringWorkspaceArn, watched.WorkspaceArn)
	ctx.Export(outputs.MonitoringScraperArn, watched.ScraperArn)
	ctx.Export(outputs.AlertTopicArn, watched.TopicArn)
	if args.Logs != nil {
		ctx.Export(outputs.PodLogGroup, watched.LogGroup)
	}
	return nil
}

// backupGapFrom is where the backup schedule's longest gap is measured
// from, over a year: a fixed day, so that the rule does not change from
// one run to the next.
var backupGapFrom = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// alertSettings are what the rules name: the backup CronJob, and how old
// its last success may be, twice its schedule's longest gap, as verify
// holds it.
func alertSettings(cfg config.Config) alertrules.Settings {
	s := alertrules.Settings{Namespace: cfg.Milvus.Namespace, Release: cfg.Milvus.ReleaseName, NodePools: cfg.UsesNodePools()}
	if cfg.Backup.Enabled {
		s.BackupCronJob = backupjob.CronJobName(cfg.Milvus.ReleaseName)
		if parsed, err := schedule.Parse(cfg.Backup.Schedule); err == nil { // validated before
			s.BackupMaxAge = 2 * parsed.LongestGap(backupGapFrom)
		}
	}
	return s
}

// collectionOf is where the collector runs and what it reads: on a cluster
// the stack creates, its private subnets and the cluster's security group;
// on an existing cluster, the subnets and security group EKS reports.
func collectionOf(ctx *pulumi.Context, cfg config.Config, kube clusterSite, db *milvus.Milvus) (monitoring.Collection, error) {
	release := cfg.Milvus.ReleaseName
	milvusPods, etcdPods := scrapeconfig.MilvusTargets(cfg.Milvus.Namespace, release)
	c := monitoring.Collection{
		Cluster:         kube.access,
		MilvusNamespace: db.Namespace,
		Release:         release,
		Targets: scrapeconfig.Settings{
			ClusterName: cfg.ClusterName, Milvus: milvusPods, ComponentLabel: milvusvalues.ComponentLabel,
			Etcd: etcdPods, KubeStateMetrics: kubestate.Target(cfg.Milvus.Namespace),
		},
		NodeSelector: selectorsOf(cfg).system,
	}
	if cfg.UsesNodePools() {
		c.Targets.Karpenter = &scrapeconfig.Target{Namespace: karpentervalues.Namespace, Labels: karpentervalues.PodLabels(), Port: karpentervalues.MetricsPort}
	}
	if created := kube.created; created != nil {
		c.ClusterArn = created.eks.Arn
		c.SubnetIDs = created.net.PrivateSubnetIDs
		c.SecurityGroupIDs = pulumi.StringArray{created.eks.SecurityGroupID}
		c.VpcCidr = cfg.Network.VpcCidr
		if cfg.Network.UsesExistingVpc() {
			vpc, err := ec2.LookupVpc(ctx, &ec2.LookupVpcArgs{Id: &cfg.Network.ExistingVpcID})
			if err != nil {
				return c, err
			}
			c.VpcCidr = vpc.CidrBlock
		}
		return c, nil
	}
	found, err := awseks.LookupCluster(ctx, &awseks.LookupClusterArgs{Name: kube.existingName})
	if err != nil {
		return c, err
	}
	vpc, err := ec2.LookupVpc(ctx, &ec2.LookupVpcArgs{Id: &found.VpcConfig.VpcId})
	if err != nil {
		return c, err
	}
	c.ClusterArn = pulumi.String(found.Arn)
	c.SubnetIDs = pulumi.ToStringArray(found.VpcConfig.SubnetIds)
	c.SecurityGroupIDs = pulumi.ToStringArray([]string{found.VpcConfig.ClusterSecurityGroupId})
	c.VpcCidr = vpc.CidrBlock
	return c, nil
}

package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/nodeguarantees"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/nodepools"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/published"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/facts"
	"github.com/milvus-eks/milvus-eks/infra/stack/outputs"
)

// declareNodePools installs Karpenter and its pools on a cluster the stack
// creates, when the configuration asks for them, and returns the pools:
// what Milvus' release, whose pods select them, waits for.
func declareNodePools(ctx *pulumi.Context, cfg config.Config, kube clusterSite) ([]pulumi.Resource, error) {
	if !cfg.UsesNodePools() || kube.created == nil {
		return nil, nil
	}
	tagged := facts.VpcZones
	if cfg.Network.UsesExistingVpc() {
		tagged = 0 // its subnets are its owner's; the node class names them by ID
	}
	k, err := karpenter.New(ctx, "karpenter", karpenter.Args{
		ClusterName:      cfg.ClusterName,
		Region:           cfg.Region,
		Chart:            vendored(charts.Karpenter, published.Version),
		Cluster:          kube.access,
		PrivateSubnetIDs: kube.created.net.PrivateSubnetIDs,
		TagSubnets:       tagged,
		SecurityGroupID:  kube.created.eks.SecurityGroupID,
		Guarantees:       nodeguarantees.Of(cfg.NodeGroup.DiskSizeGiB),
		ImageVersion:     cfg.NodePools.ImageVersion,
		Pools:            poolsOf(cfg),
	})
	if err != nil {
		return nil, err
	}
	ctx.Export(outputs.KarpenterRoleArn, k.RoleArn)
	ctx.Export(outputs.KarpenterNodeRoleArn, k.NodeRoleArn)
	ctx.Export(outputs.KarpenterInterruptionQueue, k.QueueName)
	return k.Ready, nil
}

// poolsOf are the configured pools, query first.
func poolsOf(cfg config.Config) []nodepools.Pool {
	var out []nodepools.Pool
	for _, role := range []string{config.PoolQuery, config.PoolCore} {
		p := cfg.NodePools.Pools()[role]
		out = append(out, nodepools.Pool{Role: role, Arch: p.Arch, Families: p.Families, Spot: p.Spot,
			CPULimit: p.CPULimit, MemoryLimitGiB: p.MemoryLimitGiB, Production: cfg.Production})
	}
	return out
}

// systemPoolLabels label the node group's nodes as the system pool when
// Karpenter runs the others.
func systemPoolLabels(cfg config.Config) map[string]string {
	if !cfg.UsesNodePools() {
		return nil
	}
	return nodepools.Selector(facts.PoolSystem)
}

// Selectors are the node selectors of each part of the stack: with node
// pools, the pools' labels; on an existing cluster, the ones config names;
// otherwise none.
type selectors struct {
	query, core, system map[string]string
}

func selectorsOf(cfg config.Config) selectors {
	if cfg.UsesNodePools() {
		return selectors{
			query:  nodepools.Selector(config.PoolQuery),
			core:   nodepools.Selector(config.PoolCore),
			system: nodepools.Selector(facts.PoolSystem),
		}
	}
	if !cfg.CreatesCluster() {
		return selectors{query: nonEmpty(cfg.NodePools.QuerySelector), core: nonEmpty(cfg.NodePools.CoreSelector)}
	}
	return selectors{}
}

func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// proxyAutoscaling is the proxies' autoscaler in the chart's values, when on.
func proxyAutoscaling(cfg config.Config) *milvusvalues.ProxyAutoscaling {
	a := cfg.ProxyAutoscaling
	if !a.Enabled {
		return nil
	}
	return &milvusvalues.ProxyAutoscaling{MaxReplicas: a.MaxReplicas, TargetCPUPercent: a.TargetCPUPercent}
}

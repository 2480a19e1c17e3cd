// Package stack is the whole program: it reads the configuration, declares
// every component in one dependency graph and exports the stack outputs.
package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/components/ebscsi"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing/discovery"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa"
	"github.com/milvus-eks/milvus-eks/infra/components/lbcontroller"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus"
	"github.com/milvus-eks/milvus-eks/infra/components/network"
	"github.com/milvus-eks/milvus-eks/infra/components/storage"
)

// Program is the Pulumi program for a stack with the given settings: main
// reads them from the engine, tests and the offline plan from the stack
// files. Configuration is checked before any resource is declared: a bad
// value fails the run with every problem listed and nothing registered.
func Program(settings config.Settings) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cfg, err := config.Load(settings, ctx.Stack())
		if err != nil {
			return err
		}
		return declare(ctx, cfg)
	}
}

// declare declares every resource of a valid configuration.
func declare(ctx *pulumi.Context, cfg config.Config) error {
	where, err := declareCluster(ctx, cfg)
	if err != nil {
		return err
	}
	access := where.access
	data, err := storage.New(ctx, "storage", cfg.Bucket)
	if err != nil {
		return err
	}
	role, err := irsa.New(ctx, "milvus-s3", irsa.Args{
		OidcProviderArn: access.OidcProviderArn,
		OidcIssuerURL:   access.OidcIssuerURL,
		Namespace:       cfg.Milvus.Namespace,
		ServiceAccount:  cfg.Milvus.ServiceAccount,
		Policies:        []irsa.Policy{{Name: "s3", Arn: data.PolicyArn}},
	})
	if err != nil {
		return err
	}

	// The add-ons the Milvus release needs but does not name. Each waits for
	// the nodes, and only the release waits for them.
	waitFor := access.WaitForNodes()
	if addon := cfg.Addons.EbsCsiDriver; addon.Enabled {
		driver, err := ebscsi.New(ctx, "ebs-csi-driver", ebscsi.Args{
			Version: addon.Version,
			Region:  cfg.Region,
			Cluster: access,
		})
		if err != nil {
			return err
		}
		waitFor = append(waitFor, driver.Ready...)
		ctx.Export("ebsCsiDriverRoleArn", driver.RoleArn)
	}
	if addon := cfg.Addons.LoadBalancerController; addon.Enabled {
		controller, err := lbcontroller.New(ctx, "load-balancer-controller", lbcontroller.Args{
			ChartVersion: addon.ChartVersion,
			Region:       cfg.Region,
			VpcID:        where.vpcID,
			Cluster:      access,
		})
		if err != nil {
			return err
		}
		waitFor = append(waitFor, controller.Release)
		ctx.Export("loadBalancerControllerRoleArn", controller.RoleArn)
	}

	db, err := milvus.New(ctx, "milvus", milvus.Args{
		Config:     cfg,
		BucketName: data.BucketName,
		RoleArn:    role.Arn,
		Provider:   access.Provider,
		WaitFor:    waitFor,
	})
	if err != nil {
		return err
	}

	// The stack outputs are a contract: other stacks read them by name with a
	// StackReference, and the README documents each one.
	ctx.Export("region", pulumi.String(cfg.Region))
	for name, value := range where.outputs {
		ctx.Export(name, value)
	}
	ctx.Export("bucketName", data.BucketName)
	ctx.Export("bucketArn", data.BucketArn)
	ctx.Export("s3PolicyArn", data.PolicyArn)
	ctx.Export("milvusRoleArn", role.Arn)
	ctx.Export("milvusNamespace", db.Namespace)
	ctx.Export("milvusServiceAccount", db.ServiceAccount)
	ctx.Export("milvusChartVersion", db.ChartVersion)
	ctx.Export("milvusEndpoint", db.Endpoint)
	if cfg.Milvus.Authentication.Enabled {
		ctx.Export("milvusRootPassword", db.RootPassword)
	}
	return nil
}

// placement is the cluster Milvus runs on, and the stack outputs that
// describe it.
type placement struct {
	access cluster.Access
	// vpcID is the cluster's VPC, for the Load Balancer Controller.
	vpcID pulumi.StringInput
	// outputs are the cluster's stack outputs: an existing cluster's network
	// is not this stack's to report.
	outputs pulumi.Map
}

// declareCluster declares the network and the cluster, or finds the
// existing cluster and declares only the Kubernetes provider that reaches it.
func declareCluster(ctx *pulumi.Context, cfg config.Config) (placement, error) {
	if !cfg.CreatesCluster() {
		found, err := cluster.Find(ctx, cfg)
		if err != nil {
			return placement{}, err
		}
		existing, err := cluster.NewExisting(ctx, "cluster", found)
		if err != nil {
			return placement{}, err
		}
		return placement{
			access:  existing.Access(),
			vpcID:   pulumi.String(existing.VpcID),
			outputs: existing.Access().Outputs(),
		}, nil
	}
	net, err := network.New(ctx, "network", cfg)
	if err != nil {
		return placement{}, err
	}
	eks, err := cluster.New(ctx, "cluster", cfg, net)
	if err != nil {
		return placement{}, err
	}
	outputs := eks.Access().Outputs()
	outputs[discovery.VpcIDOutput] = net.VpcID
	outputs["publicSubnetIds"] = net.PublicSubnetIDs
	outputs["privateSubnetIds"] = net.PrivateSubnetIDs
	return placement{access: eks.Access(), vpcID: net.VpcID, outputs: outputs}, nil
}

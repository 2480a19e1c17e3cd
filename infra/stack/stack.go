// Package stack is the whole program: it reads the configuration, declares
// every component in one dependency graph and exports the stack outputs
// (the contract in outputs). It is the only package that reads
// config.Config: each component takes Args of exactly what it uses.
package stack

import (
	"errors"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing"
	"github.com/milvus-eks/milvus-eks/infra/components/ebscsi"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa"
	"github.com/milvus-eks/milvus-eks/infra/components/lbcontroller"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/endpoint"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/values"
	"github.com/milvus-eks/milvus-eks/infra/components/network"
	"github.com/milvus-eks/milvus-eks/infra/components/storage"
	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/stack/outputs"
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
		for _, warning := range cfg.Warnings() {
			if err := ctx.Log.Warn(warning, nil); err != nil {
				return err
			}
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
	b := cfg.Bucket
	data, err := storage.New(ctx, "storage", storage.Args{
		Name:                  b.Name,
		NamePrefix:            b.NamePrefix,
		ForceDestroy:          b.ForceDestroy,
		Retain:                b.Retain,
		Versioning:            b.Versioning,
		NoncurrentVersionDays: b.NoncurrentVersionDays,
		KmsKeyArn:             b.KmsKeyArn,
	})
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
			Version:       addon.Version,
			Region:        cfg.Region,
			Cluster:       access,
			RetainVolumes: cfg.Production,
		})
		if err != nil {
			return err
		}
		waitFor = append(waitFor, driver.Ready...)
		ctx.Export(outputs.EbsCsiDriverRoleArn, driver.RoleArn)
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
		ctx.Export(outputs.LoadBalancerControllerRoleArn, controller.RoleArn)
	}

	m := cfg.Milvus
	db, err := milvus.New(ctx, "milvus", milvus.Args{
		Namespace:      m.Namespace,
		ServiceAccount: m.ServiceAccount,
		ReleaseName:    m.ReleaseName,
		ChartVersion:   m.ChartVersion,
		TimeoutSeconds: m.TimeoutSeconds,
		Values: values.Settings{
			Region:            cfg.Region,
			RootPath:          cfg.Bucket.RootPath,
			Authentication:    m.Authentication.Enabled,
			Pulsar:            m.MessageQueue == config.QueuePulsar,
			SpreadAcrossZones: m.SpreadAcrossZones,
			Workloads:         m.Workloads,
		},
		LoadBalancer: endpoint.LoadBalancer{
			Name:           m.LoadBalancer.Name,
			Scheme:         m.LoadBalancer.Scheme,
			SourceRanges:   m.LoadBalancer.SourceRanges,
			CertificateArn: m.LoadBalancer.CertificateArn,
		},
		Protect:      cfg.Production,
		RootPassword: m.Authentication.RootPassword.Reveal(),
		BucketName:   data.BucketName,
		RoleArn:      role.Arn,
		Provider:     access.Provider,
		WaitFor:      waitFor,
	})
	if err != nil {
		return err
	}

	ctx.Export(outputs.Region, pulumi.String(cfg.Region))
	for name, value := range where.outputs {
		ctx.Export(name, value)
	}
	ctx.Export(outputs.BucketName, data.BucketName)
	ctx.Export(outputs.BucketArn, data.BucketArn)
	ctx.Export(outputs.MilvusRootPath, pulumi.String(cfg.Bucket.RootPath))
	ctx.Export(outputs.MilvusMessageQueue, pulumi.String(m.MessageQueue))
	ctx.Export(outputs.S3PolicyArn, data.PolicyArn)
	ctx.Export(outputs.MilvusRoleArn, role.Arn)
	ctx.Export(outputs.MilvusNamespace, db.Namespace)
	ctx.Export(outputs.MilvusServiceAccount, db.ServiceAccount)
	ctx.Export(outputs.MilvusChartVersion, db.ChartVersion)
	ctx.Export(outputs.MilvusEndpoint, db.Endpoint)
	ctx.Export(outputs.MilvusURI, db.URI)
	if m.Authentication.Enabled {
		ctx.Export(outputs.MilvusRootPassword, db.RootPassword)
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
		found, err := existing.Find(ctx, existing.Source{
			Name:    cfg.ExistingCluster.Name,
			Region:  cfg.Region,
			Stack:   cfg.ExistingCluster.Stack,
			NeedVpc: cfg.Addons.LoadBalancerController.Enabled,
		})
		if err != nil {
			return placement{}, err
		}
		c, err := existing.New(ctx, "cluster", found)
		if err != nil {
			return placement{}, err
		}
		return placement{access: c.Access(), vpcID: pulumi.String(c.VpcID), outputs: c.Access().Outputs()}, nil
	}

	netArgs := network.Args{
		Region:            cfg.Region,
		Cidr:              cfg.Network.VpcCidr,
		NatGatewayPerZone: cfg.Network.NatGateways == config.NatPerAz,
		ClusterName:       cfg.ClusterName,
		Zones:             cfg.Network.AvailabilityZones,
	}
	if n := cfg.Network; n.UsesExistingVpc() {
		netArgs.Existing = &network.Existing{
			VpcID:            n.ExistingVpcID,
			PublicSubnetIDs:  n.ExistingPublicSubnetIDs,
			PrivateSubnetIDs: n.ExistingPrivateSubnetIDs,
		}
		if n.ExistingVpcS3Endpoint == config.S3EndpointCreate {
			tables, err := network.RouteTablesOf(ctx, n.ExistingVpcID, n.ExistingPrivateSubnetIDs)
			var unassociated network.UnassociatedSubnetsError
			if errors.As(err, &unassociated) {
				return placement{}, config.Problems{{Key: config.FullName("existingPrivateSubnetIds"), Value: strings.Join(unassociated.Subnets, ","),
					Rule: "uses the VPC's main route table, which this stack does not give an S3 endpoint: associate a route table with it, or set existingVpcS3Endpoint to present and route S3 yourself"}}
			}
			if err != nil {
				return placement{}, err
			}
			netArgs.Existing.S3RouteTableIDs = tables
		}
	}
	net, err := network.New(ctx, "network", netArgs)
	if err != nil {
		return placement{}, err
	}
	g := cfg.NodeGroup
	eks, err := cluster.New(ctx, "cluster", cluster.Args{
		Name:             cfg.ClusterName,
		Version:          cfg.KubernetesVersion,
		Region:           cfg.Region,
		VpcID:            net.VpcID,
		PublicSubnetIDs:  net.PublicSubnetIDs,
		PrivateSubnetIDs: net.PrivateSubnetIDs,
		Nodes: cluster.NodeGroup{
			InstanceTypes: g.InstanceTypes,
			MinSize:       g.MinSize,
			DesiredSize:   g.DesiredSize,
			MaxSize:       g.MaxSize,
			DiskSizeGiB:   g.DiskSizeGiB,
		},
		ControlPlane: cluster.ControlPlane{
			Admins:      cfg.ControlPlane.Admins,
			Viewers:     cfg.ControlPlane.Viewers,
			PublicCidrs: cfg.ControlPlane.PublicCidrs,
			Logs:        cfg.ControlPlane.Logs,
		},
		Protect: cfg.Production,
	})
	if err != nil {
		return placement{}, err
	}
	clusterOutputs := eks.Access().Outputs()
	clusterOutputs[outputs.VpcID] = net.VpcID
	clusterOutputs[outputs.PublicSubnetIDs] = net.PublicSubnetIDs
	clusterOutputs[outputs.PrivateSubnetIDs] = net.PrivateSubnetIDs
	clusterOutputs[outputs.NodeLaunchTemplateID] = eks.LaunchTemplateID
	return placement{access: eks.Access(), vpcID: net.VpcID, outputs: clusterOutputs}, nil
}

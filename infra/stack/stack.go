// Package stack is the whole program: it reads the configuration, declares
// every component in one dependency graph and exports the stack outputs
// (the contract in outputs). It is the only package that reads
// config.Config: each component takes Args of exactly what it uses.
package stack

import (
	"errors"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/components/backup"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing"
	"github.com/milvus-eks/milvus-eks/infra/components/ebscsi"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/published"
	"github.com/milvus-eks/milvus-eks/infra/components/lbcontroller"
	"github.com/milvus-eks/milvus-eks/infra/components/lbcontroller/controllervalues"
	"github.com/milvus-eks/milvus-eks/infra/components/metricsserver"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/endpoint"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
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
		if err := verifyCharts(ctx, cfg); err != nil {
			return err
		}
		for _, warning := range cfg.Warnings() {
			if err := ctx.Log.Warn(warning, nil); err != nil {
				return err
			}
		}
		return Declare(ctx, cfg)
	}
}

// verifyCharts checks, before anything is declared, that each chart archive
// the stack installs is the one SHA256SUMS holds, under the project's root
// (Pulumi.yaml's directory), where the Kubernetes provider resolves the
// releases' chart paths too.
func verifyCharts(ctx *pulumi.Context, cfg config.Config) error {
	root := ctx.RootDirectory()
	if root == "" {
		root = charts.Root()
	}
	installed := []charts.Archive{vendored(charts.Milvus, cfg.Milvus.ChartVersion)}
	if addon := cfg.Addons.LoadBalancerController; addon.Enabled {
		installed = append(installed, vendored(charts.LoadBalancerController, addon.ChartVersion))
	}
	if cfg.UsesNodePools() {
		installed = append(installed, vendored(charts.Karpenter, published.Version))
	}
	for _, archive := range installed {
		if err := archive.Verify(root); err != nil {
			return err
		}
	}
	return nil
}

// vendored is the archive of a chart version that configuration validation
// found in infra/charts.
func vendored(chart, version string) charts.Archive {
	archive, _ := charts.Find(chart, version)
	return archive
}

// Declare declares every resource of a configuration, in the guide's order:
// the cluster, the bucket and its policy, the add-ons Milvus' release
// relies on, then Milvus with its role. Program calls it with a valid
// configuration; tests may call it with one that validation would refuse,
// to show what the mock engine makes of it.
func Declare(ctx *pulumi.Context, cfg config.Config) error {
	kube, err := declareCluster(ctx, cfg)
	if err != nil {
		return err
	}
	bucket, err := storage.New(ctx, "storage", bucketArgs(cfg.Bucket))
	if err != nil {
		return err
	}
	addOnsReady, err := declareAddOns(ctx, cfg, kube)
	if err != nil {
		return err
	}
	pools, err := declareNodePools(ctx, cfg, kube)
	if err != nil {
		return err
	}
	addOnsReady = append(addOnsReady, pools...)
	db, err := milvus.New(ctx, "milvus", milvusArgs(cfg, kube.access, bucket, addOnsReady))
	if err != nil {
		return err
	}
	exportOutputs(ctx, cfg, kube, bucket, db)
	if cfg.Backup.Enabled {
		backups, err := backup.New(ctx, "backup", backupArgs(cfg, kube.access, bucket, db))
		if err != nil {
			return err
		}
		ctx.Export(outputs.BackupBucketName, backups.BucketName)
		ctx.Export(outputs.BackupPrefix, backups.Prefix)
		ctx.Export(outputs.BackupCronJob, backups.CronJobName)
		ctx.Export(outputs.BackupRoleArn, backups.RoleArn)
		ctx.Export(outputs.RestoreRoleArn, backups.RestoreRoleArn)
		if region := cfg.Backup.ReplicaRegion; region != "" {
			ctx.Export(outputs.BackupReplicaBucketName, backups.ReplicaBucketName)
			ctx.Export(outputs.BackupReplicaRegion, pulumi.String(region))
		}
	}
	if cfg.Monitoring.Enabled {
		return declareMonitoring(ctx, cfg, kube, db)
	}
	return nil
}

// clusterSite is the cluster Milvus runs on, and the stack outputs that
// describe it.
type clusterSite struct {
	access cluster.Access
	// vpcID is the cluster's VPC, for the Load Balancer Controller.
	vpcID pulumi.StringInput
	// outputs are the cluster's stack outputs: an existing cluster's network
	// is not this stack's to report.
	outputs pulumi.Map
	// created is the cluster this stack creates, with its network; nil on
	// an existing cluster.
	created *createdCluster
	// existingName is the existing cluster's name.
	existingName string
}

type createdCluster struct {
	eks *cluster.Cluster
	net *network.Network
}

// declareCluster declares the network and the cluster, or finds the
// existing cluster and declares only the Kubernetes provider that reaches it.
func declareCluster(ctx *pulumi.Context, cfg config.Config) (clusterSite, error) {
	if !cfg.CreatesCluster() {
		found, err := existing.Find(ctx, existing.Source{
			Name:    cfg.ExistingCluster.Name,
			Region:  cfg.Region,
			Stack:   cfg.ExistingCluster.Stack,
			NeedVpc: cfg.Addons.LoadBalancerController.Enabled,
		})
		if err != nil {
			return clusterSite{}, err
		}
		c, err := existing.New(ctx, "cluster", found)
		if err != nil {
			return clusterSite{}, err
		}
		return clusterSite{access: c.Access(), vpcID: pulumi.String(c.VpcID), outputs: c.Access().Outputs(), existingName: found.Name}, nil
	}

	creators, err := cluster.AdminsWhoCreate(ctx, cfg.ClusterName, cfg.ControlPlane.Admins)
	if err != nil {
		return clusterSite{}, err
	}
	if len(creators) > 0 {
		var problems config.Problems
		for _, arn := range creators {
			problems = append(problems, config.Problem{Key: config.FullName("clusterAdminArns"), Value: arn, Code: "creator-entry",
				Rule: "is the principal creating the cluster in this run: EKS gives the cluster's creator an administrator's entry of its own, and a second entry for it fails (ResourceInUseException); create the cluster as another principal (README: the first deploy), or leave this one out until the cluster exists"})
		}
		return clusterSite{}, problems
	}
	netArgs, err := networkArgs(ctx, cfg)
	if err != nil {
		return clusterSite{}, err
	}
	net, err := network.New(ctx, "network", netArgs)
	if err != nil {
		return clusterSite{}, err
	}
	eks, err := cluster.New(ctx, "cluster", clusterArgs(cfg, net))
	if err != nil {
		return clusterSite{}, err
	}
	clusterOutputs := eks.Access().Outputs()
	clusterOutputs[outputs.VpcID] = net.VpcID
	clusterOutputs[outputs.PublicSubnetIDs] = net.PublicSubnetIDs
	clusterOutputs[outputs.PrivateSubnetIDs] = net.PrivateSubnetIDs
	clusterOutputs[outputs.NodeLaunchTemplateID] = eks.LaunchTemplateID
	return clusterSite{access: eks.Access(), vpcID: net.VpcID, outputs: clusterOutputs, created: &createdCluster{eks: eks, net: net}}, nil
}

// networkArgs are the VPC to create, or the existing one to use, with the
// route tables of its private subnets when the stack gives them S3's
// gateway endpoint (looked up before anything is declared).
func networkArgs(ctx *pulumi.Context, cfg config.Config) (network.Args, error) {
	n := cfg.Network
	args := network.Args{
		Region:            cfg.Region,
		Cidr:              n.VpcCidr,
		NatGatewayPerZone: n.NatGateways == config.NatPerAz,
		ClusterName:       cfg.ClusterName,
		Zones:             n.AvailabilityZones,
	}
	if !n.UsesExistingVpc() {
		return args, nil
	}
	args.Existing = &network.Existing{
		VpcID:            n.ExistingVpcID,
		PublicSubnetIDs:  n.ExistingPublicSubnetIDs,
		PrivateSubnetIDs: n.ExistingPrivateSubnetIDs,
	}
	if n.ExistingVpcS3Endpoint != config.S3EndpointCreate {
		return args, nil
	}
	tables, err := network.RouteTablesOf(ctx, n.ExistingVpcID, n.ExistingPrivateSubnetIDs)
	var unassociated network.UnassociatedSubnetsError
	if errors.As(err, &unassociated) {
		return args, config.Problems{{Key: config.FullName("existingPrivateSubnetIds"), Value: strings.Join(unassociated.Subnets, ","), Code: "subnet-main-route-table",
			Rule: "uses the VPC's main route table, which this stack does not give an S3 endpoint: associate a route table with it, or set existingVpcS3Endpoint to present and route S3 yourself"}}
	}
	args.Existing.S3RouteTableIDs = tables
	return args, err
}

func clusterArgs(cfg config.Config, net *network.Network) cluster.Args {
	g, cp := cfg.NodeGroup, cfg.ControlPlane
	return cluster.Args{
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
			DiskSizeGiB:   g.DiskSizeGiB,
			Labels:        systemPoolLabels(cfg),
		},
		ControlPlane: cluster.ControlPlane{
			Admins: cp.Admins, Viewers: cp.Viewers, PublicCidrs: cp.PublicCidrs, Logs: cp.Logs,
			// Milvus' release, and the load balancer controller's.
			ReleaseNamespaces: []string{cfg.Milvus.Namespace, controllervalues.Namespace},
		},
		Protect: cfg.Production,
	}
}

func bucketArgs(b config.Bucket) storage.Args {
	return storage.Args{
		Name:                  b.Name,
		NamePrefix:            b.NamePrefix,
		ForceDestroy:          b.ForceDestroy,
		Retain:                b.Retain,
		Versioning:            b.Versioning,
		NoncurrentVersionDays: b.NoncurrentVersionDays,
		KmsKeyArn:             b.KmsKeyArn,
		AccessPolicy:          true,
	}
}

// backupBucketPrefix starts the name of a backup bucket of its own; S3 adds
// a unique suffix, as it does to Milvus' bucket.
const backupBucketPrefix = "milvus-backups-"

// backupArgs are the backups of Milvus' data: into a bucket of their own
// that keeps every guarantee of Milvus' bucket (and always keeps versions),
// or into Milvus' bucket under their prefix.
func backupArgs(cfg config.Config, access cluster.Access, bucket *storage.Storage, db *milvus.Milvus) backup.Args {
	b := cfg.Backup
	args := backup.Args{
		Namespace:        db.Namespace,
		NamespaceName:    cfg.Milvus.Namespace,
		ReleaseName:      cfg.Milvus.ReleaseName,
		Region:           cfg.Region,
		Schedule:         b.Schedule,
		Keep:             b.Keep,
		Image:            b.Image,
		Prefix:           b.Prefix,
		MilvusBucketName: bucket.BucketName,
		MilvusBucketArn:  bucket.BucketArn,
		RootPath:         cfg.Bucket.RootPath,
		KmsKeyArn:        cfg.Bucket.KmsKeyArn,
		Authentication:   cfg.Milvus.Authentication.Enabled,
		Cluster:          access,
		NodeSelector:     selectorsOf(cfg).core,
	}
	if b.Destination == config.BackupSeparate {
		own := bucketArgs(cfg.Bucket)
		own.Name, own.NamePrefix = "", backupBucketPrefix
		own.Versioning, own.AccessPolicy = true, false
		if b.ObjectLockMode != "" {
			own.ObjectLock = &storage.ObjectLock{Mode: b.ObjectLockMode, Days: b.ObjectLockDays}
		}
		args.Bucket = &own
		args.ReplicaRegion = b.ReplicaRegion
	}
	return args
}

// declareAddOns declares the add-ons Milvus' release needs but does not
// name, and returns what the release must wait for: the nodes, and each
// add-on's readiness. Each add-on waits for the nodes; only the release
// waits for the add-ons.
func declareAddOns(ctx *pulumi.Context, cfg config.Config, kube clusterSite) ([]pulumi.Resource, error) {
	ready := kube.access.WaitForNodes()
	if addon := cfg.Addons.EbsCsiDriver; addon.Enabled {
		driver, err := ebscsi.New(ctx, "ebs-csi-driver", ebscsi.Args{
			Version:       addon.Version,
			Region:        cfg.Region,
			Cluster:       kube.access,
			RetainVolumes: cfg.Production,
		})
		if err != nil {
			return nil, err
		}
		ready = append(ready, driver.Ready...)
		ctx.Export(outputs.EbsCsiDriverRoleArn, driver.RoleArn)
	}
	if addon := cfg.Addons.LoadBalancerController; addon.Enabled {
		controller, err := lbcontroller.New(ctx, "load-balancer-controller", lbcontroller.Args{
			Chart:   vendored(charts.LoadBalancerController, addon.ChartVersion),
			Region:  cfg.Region,
			VpcID:   kube.vpcID,
			Cluster: kube.access,
		})
		if err != nil {
			return nil, err
		}
		ready = append(ready, controller.Release)
		ctx.Export(outputs.LoadBalancerControllerRoleArn, controller.RoleArn)
	}
	// The proxies' autoscaler reads metrics-server; an existing cluster's
	// owner runs it.
	if cfg.ProxyAutoscaling.Enabled && kube.created != nil {
		metrics, err := metricsserver.New(ctx, "metrics-server", metricsserver.Args{Cluster: kube.access})
		if err != nil {
			return nil, err
		}
		ready = append(ready, metrics.Addon)
	}
	return ready, nil
}

func milvusArgs(cfg config.Config, access cluster.Access, bucket *storage.Storage, waitFor []pulumi.Resource) milvus.Args {
	m := cfg.Milvus
	return milvus.Args{
		Namespace:      m.Namespace,
		ServiceAccount: m.ServiceAccount,
		ReleaseName:    m.ReleaseName,
		Chart:          vendored(charts.Milvus, m.ChartVersion),
		TimeoutSeconds: m.TimeoutSeconds,
		Values: milvusvalues.Inputs{
			Region:            cfg.Region,
			RootPath:          cfg.Bucket.RootPath,
			Authentication:    m.Authentication.Enabled,
			Pulsar:            m.MessageQueue == config.QueuePulsar,
			SpreadAcrossZones: m.SpreadAcrossZones,
			Workloads:         m.Workloads,
			QuerySelector:     selectorsOf(cfg).query,
			CoreSelector:      selectorsOf(cfg).core,
			ProxyAutoscaling:  proxyAutoscaling(cfg),
		},
		LoadBalancer: endpoint.LoadBalancer{
			Name:           m.LoadBalancer.Name,
			Scheme:         m.LoadBalancer.Scheme,
			SourceRanges:   m.LoadBalancer.SourceRanges,
			CertificateArn: m.LoadBalancer.CertificateArn,
			DNSName:        m.LoadBalancer.DNSName,
		},
		DNSZoneID:    m.LoadBalancer.DNSZoneID,
		Protect:      cfg.Production,
		RootPassword: m.Authentication.RootPassword.Reveal(),
		BucketName:   bucket.BucketName,
		S3PolicyArn:  bucket.PolicyArn,
		Cluster:      access,
		WaitFor:      waitFor,
	}
}

// exportOutputs exports the stack outputs of the contract (outputs); the
// add-ons export their roles where they are declared.
func exportOutputs(ctx *pulumi.Context, cfg config.Config, kube clusterSite, bucket *storage.Storage, db *milvus.Milvus) {
	ctx.Export(outputs.Region, pulumi.String(cfg.Region))
	for name, value := range kube.outputs {
		ctx.Export(name, value)
	}
	ctx.Export(outputs.BucketName, bucket.BucketName)
	ctx.Export(outputs.BucketArn, bucket.BucketArn)
	ctx.Export(outputs.MilvusRootPath, pulumi.String(cfg.Bucket.RootPath))
	ctx.Export(outputs.MilvusMessageQueue, pulumi.String(cfg.Milvus.MessageQueue))
	ctx.Export(outputs.S3PolicyArn, bucket.PolicyArn)
	ctx.Export(outputs.MilvusRoleArn, db.RoleArn)
	ctx.Export(outputs.MilvusNamespace, db.Namespace)
	ctx.Export(outputs.MilvusServiceAccount, db.ServiceAccount)
	ctx.Export(outputs.MilvusChartVersion, db.ChartVersion)
	ctx.Export(outputs.MilvusEndpoint, db.Endpoint)
	ctx.Export(outputs.MilvusURI, db.URI)
	if name := cfg.Milvus.LoadBalancer.DNSName; name != "" {
		ctx.Export(outputs.MilvusDNSName, pulumi.String(name))
	}
	if cfg.Milvus.Authentication.Enabled {
		ctx.Export(outputs.MilvusRootPassword, db.RootPassword)
	}
}

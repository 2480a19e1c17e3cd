package config

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Key is one configuration key of this project. Everything about it is
// written here, once: its name, the field it sets, its default, what it
// means, and the rules its own value must obey. Pulumi.yaml's config block
// and the README's configuration table are generated from Keys (make
// generate), and a test fails when either disagrees.
//
// Rules that relate two keys, or that apply only in some settings, are in
// rules.go, under the part of the configuration they concern.
type Key struct {
	// Name is the key without the project's namespace ("nodeMinSize").
	Name string
	// Group is the part of the configuration the key belongs to.
	Group Group
	// Default is the value Pulumi.yaml declares, of the field's kind: a
	// string, an int, a bool or a []string. The program's defaults are these
	// values, decoded as the engine hands them over.
	Default any
	// EmptyMeans is what an empty value stands for, when it is more than
	// "none" (a name derived from the stack's).
	EmptyMeans string
	// Doc says what the key does, for Pulumi.yaml and the README.
	Doc string
	// CreateOnly keys describe a cluster the stack creates. An
	// existing-cluster stack must leave them at their defaults, and their
	// rules are not checked there.
	CreateOnly bool

	bind binding
}

// Group is a part of the configuration: a heading of the README's table.
type Group string

// The groups, in the order the README lists them.
const (
	GroupCluster  Group = "Cluster"
	GroupNetwork  Group = "Network"
	GroupNodes    Group = "Nodes"
	GroupAddons   Group = "Add-ons"
	GroupBucket   Group = "Bucket"
	GroupMilvus   Group = "Milvus"
	GroupEndpoint Group = "Load balancer"
	GroupSizes    Group = "Workloads"
	GroupBackups  Group = "Backups"
	GroupMonitor  Group = "Monitoring"
)

// Keys is every key of this project, grouped, in the order Pulumi.yaml and
// the README list them.
var Keys = []Key{
	{Name: "clusterMode", Group: GroupCluster, Default: ClusterCreate,
		Doc:  `"create": the stack creates its VPC, EKS cluster, OIDC provider, nodes and add-ons; "existing": it deploys onto a cluster someone else runs (set existingClusterName or existingClusterStack).`,
		bind: text(func(c *Config) *string { return &c.ClusterMode }, clusterMode)},
	{Name: "existingClusterName", Group: GroupCluster, Default: "",
		Doc:  "With clusterMode existing: the EKS cluster in aws:region, looked up by name.",
		bind: text(func(c *Config) *string { return &c.ExistingCluster.Name })},
	{Name: "existingClusterStack", Group: GroupCluster, Default: "",
		Doc:  "With clusterMode existing: the platform stack (org/project/stack) whose outputs describe the cluster.",
		bind: text(func(c *Config) *string { return &c.ExistingCluster.Stack })},
	{Name: "clusterName", Group: GroupCluster, Default: "", EmptyMeans: "`milvus-<stack>`", CreateOnly: true,
		Doc:  "Name of the EKS cluster this stack creates; it also tags the subnets the stack creates.",
		bind: text(func(c *Config) *string { return &c.ClusterName }, clusterName)},
	{Name: "kubernetesVersion", Group: GroupCluster, Default: "1.34", CreateOnly: true,
		Doc:  "EKS control plane version (major.minor).",
		bind: text(func(c *Config) *string { return &c.KubernetesVersion }, matches(kubernetesVersionPattern, "kubernetes-version", `must be an EKS version such as "1.34"`))},

	{Name: "production", Group: GroupCluster, Default: false,
		Doc:  "Hold the stack to production's rules: an internet-facing load balancer needs loadBalancerCertificateArn and loadBalancerSourceRanges narrower than 0.0.0.0/0; a created cluster's public API endpoint is off or limited (clusterEndpointPublicCidrs) and logs its control plane (controlPlaneLogs). It also protects the cluster, Milvus' namespace and release from `pulumi destroy`, and keeps etcd's volumes when their claims go.",
		bind: boolean(func(c *Config) *bool { return &c.Production })},
	{Name: "clusterAdminArns", Group: GroupCluster, Default: []string{}, CreateOnly: true,
		Doc:  "IAM roles or users given cluster administration (an EKS access entry with AmazonEKSClusterAdminPolicy). The principal that creates the cluster has its own entry, which EKS lists with the others.",
		bind: list(func(c *Config) *[]string { return &c.ControlPlane.Admins }, each(principalArn))},
	{Name: "clusterViewerArns", Group: GroupCluster, Default: []string{}, CreateOnly: true,
		Doc:  "IAM roles or users given read-only access to the cluster (AmazonEKSViewPolicy), such as the role that runs `pulumi preview`.",
		bind: list(func(c *Config) *[]string { return &c.ControlPlane.Viewers }, each(principalArn))},
	{Name: "clusterEndpointPublicCidrs", Group: GroupCluster, Default: []string{"0.0.0.0/0"}, CreateOnly: true,
		Doc:  "CIDR blocks that may reach the cluster's public API endpoint; an empty list turns the public endpoint off (the private one is always on).",
		bind: list(func(c *Config) *[]string { return &c.ControlPlane.PublicCidrs }, each(cidrBlock))},
	{Name: "controlPlaneLogs", Group: GroupCluster, Default: false, CreateOnly: true,
		Doc:  "Send the control plane's api, audit and authenticator logs to CloudWatch Logs.",
		bind: boolean(func(c *Config) *bool { return &c.ControlPlane.Logs })},

	{Name: "vpcCidr", Group: GroupNetwork, Default: "10.0.0.0/16", CreateOnly: true,
		Doc:  "Address range of the VPC this stack creates (/16 to /20).",
		bind: text(func(c *Config) *string { return &c.Network.VpcCidr })},
	{Name: "natGateways", Group: GroupNetwork, Default: NatSingle, CreateOnly: true,
		Doc:  `NAT gateways of a new VPC: "single" (one, cheap) or "perAz" (one per zone).`,
		bind: text(func(c *Config) *string { return &c.Network.NatGateways })},
	{Name: "availabilityZones", Group: GroupNetwork, Default: []string{}, EmptyMeans: "the region's first three zones, by name, that need no opt-in", CreateOnly: true,
		Doc:  "The three availability zones of the VPC this stack creates, such as us-east-2a. Local and Wavelength Zones, which need an opt-in, are never picked by default.",
		bind: list(func(c *Config) *[]string { return &c.Network.AvailabilityZones }, each(matches(zonePattern, "zone-name", "must be an availability zone name such as us-east-2a")))},
	{Name: "existingVpcId", Group: GroupNetwork, Default: "", CreateOnly: true,
		Doc:  "Use this existing VPC instead of creating one, and create no network resource; needs existingPrivateSubnetIds.",
		bind: text(func(c *Config) *string { return &c.Network.ExistingVpcID })},
	{Name: "existingPublicSubnetIds", Group: GroupNetwork, Default: []string{}, CreateOnly: true,
		Doc:  "Public subnets of the existing VPC, for an internet-facing load balancer.",
		bind: list(func(c *Config) *[]string { return &c.Network.ExistingPublicSubnetIDs })},
	{Name: "existingPrivateSubnetIds", Group: GroupNetwork, Default: []string{}, CreateOnly: true,
		Doc:  "Private subnets of the existing VPC (at least two zones), for the cluster and its nodes.",
		bind: list(func(c *Config) *[]string { return &c.Network.ExistingPrivateSubnetIDs })},
	{Name: "existingVpcS3Endpoint", Group: GroupNetwork, Default: S3EndpointPresent, CreateOnly: true,
		Doc:  `With existingVpcId: "present" when the VPC already routes S3 through a gateway endpoint on the private subnets' route tables, or "create" to add one there (a second one on the same tables fails). A VPC this stack creates always gets its own.`,
		bind: text(func(c *Config) *string { return &c.Network.ExistingVpcS3Endpoint }, oneOf(S3EndpointPresent, S3EndpointCreate))},

	{Name: "nodeInstanceTypes", Group: GroupNodes, Default: []string{"m6i.2xlarge"}, CreateOnly: true,
		Doc: "EC2 instance types of the managed node group (x86_64; the nodes run Amazon Linux 2023).",
		bind: list(func(c *Config) *[]string { return &c.NodeGroup.InstanceTypes },
			notEmpty("at least one instance type is required"),
			each(matches(instanceTypePattern, "instance-type", "must be an EC2 instance type such as m6i.4xlarge")))},
	{Name: "nodeMinSize", Group: GroupNodes, Default: 2, CreateOnly: true,
		Doc:  "Fewest nodes of the node group, which the capacity check sizes against (with nodePools, the system pool's).",
		bind: number(func(c *Config) *int { return &c.NodeGroup.MinSize }, atLeast(1, "must be at least 1: Milvus needs nodes to run on"))},
	{Name: "nodeDesiredSize", Group: GroupNodes, Default: 2, CreateOnly: true,
		Doc:  "Nodes the node group keeps, at least nodeMinSize. Nothing scales it: nodes that follow the pods come from nodePools.",
		bind: number(func(c *Config) *int { return &c.NodeGroup.DesiredSize })},
	{Name: "nodeDiskSizeGiB", Group: GroupNodes, Default: 100, CreateOnly: true,
		Doc:  "Root volume size of each node, in GiB (the node group's and the pools').",
		bind: number(func(c *Config) *int { return &c.NodeGroup.DiskSizeGiB }, atLeast(minDiskSizeGiB, ""))},
	{Name: "nodePools", Group: GroupNodes, Default: DefaultNodePools,
		Doc: "Karpenter (v1.14.1) and its two NodePools, which start and consolidate nodes for Milvus' pending pods; the node group becomes the system pool (Karpenter, CoreDNS, the add-ons). " +
			"Fields: enabled (a cluster the stack creates only); imageVersion, the Amazon Linux 2023 EKS image release of the pools' nodes, pinned; " +
			"query (the query nodes) and core (everything else Milvus runs), each with arch (amd64, or arm64 for Graviton), families (instance families), spot (allow spot capacity; never core in production) and cpuLimit and memoryLimitGiB (the most its nodes add up to: the cost ceiling); " +
			"querySelector and coreSelector, on an existing cluster, the node labels that steer each role to its owner's nodes.",
		bind: object(func(c *Config) *NodePools { return &c.NodePools }, nodePoolRules)},
	{Name: "proxyAutoscaling", Group: GroupNodes, Default: DefaultProxyAutoscaling,
		Doc: "A HorizontalPodAutoscaler for Milvus' proxies on their CPU, from proxy.replicas up to maxReplicas, holding targetCPUPercent of their request; a cluster the stack creates gets metrics-server as an EKS add-on, an existing one must run it. " +
			"Fields: enabled, maxReplicas, targetCPUPercent.",
		bind: object(func(c *Config) *ProxyAutoscaling { return &c.ProxyAutoscaling }, proxyAutoscalingRules)},

	{Name: "ebsCsiDriver", Group: GroupAddons, Default: "", EmptyMeans: "on in create mode, off in existing mode",
		Doc:  `Install the EBS CSI driver add-on with its IAM role, and make an encrypted gp3 StorageClass the default: "true" or "false". A cluster the stack creates needs it (etcd's volumes), so "false" is refused there; on an existing cluster it is its owner's unless set to "true".`,
		bind: switchKey(func(c *Config) *onOff { return &c.Addons.EbsCsiDriver.switched })},
	{Name: "ebsCsiDriverVersion", Group: GroupAddons, Default: "", EmptyMeans: "EKS' default for the cluster's version",
		Doc: "EKS add-on version of the EBS CSI driver, such as v1.48.0-eksbuild.1.",
		bind: text(func(c *Config) *string { return &c.Addons.EbsCsiDriver.Version },
			unlessEmpty(matches(addonVersionPattern, "addon-version", `must be an EKS add-on version such as "v1.48.0-eksbuild.1", or empty for EKS' default`)))},
	{Name: "loadBalancerController", Group: GroupAddons, Default: "", EmptyMeans: "on in create mode, off in existing mode",
		Doc:  `Install the AWS Load Balancer Controller with its IAM role (aws partition only): "true" or "false". A cluster the stack creates needs it (Milvus' NLB), so "false" is refused there; on an existing cluster it is its owner's unless set to "true".`,
		bind: switchKey(func(c *Config) *onOff { return &c.Addons.LoadBalancerController.switched })},
	{Name: "loadBalancerControllerChartVersion", Group: GroupAddons, Default: "3.5.0",
		Doc:  "Version of the eks-charts aws-load-balancer-controller chart, one of the archives in infra/charts (each with its controller's IAM policy embedded).",
		bind: text(func(c *Config) *string { return &c.Addons.LoadBalancerController.ChartVersion }, vendoredChart(charts.LoadBalancerController))},

	{Name: "bucketName", Group: GroupBucket, Default: "", EmptyMeans: "generated from bucketNamePrefix",
		Doc:  "Exact S3 bucket name, checked against S3's naming rules.",
		bind: text(func(c *Config) *string { return &c.Bucket.Name }, unlessEmpty(bucketName))},
	{Name: "bucketNamePrefix", Group: GroupBucket, Default: "milvus-bucket-",
		Doc:  "Prefix of a generated bucket name (at most 37 characters).",
		bind: text(func(c *Config) *string { return &c.Bucket.NamePrefix })},
	{Name: "bucketForceDestroy", Group: GroupBucket, Default: false,
		Doc:  "Let `pulumi destroy` delete the bucket with the objects still in it.",
		bind: boolean(func(c *Config) *bool { return &c.Bucket.ForceDestroy })},
	{Name: "bucketRetain", Group: GroupBucket, Default: false,
		Doc:  "Protect the bucket from `pulumi destroy`, and keep it in AWS, with its settings, when it leaves the stack.",
		bind: boolean(func(c *Config) *bool { return &c.Bucket.Retain })},
	{Name: "bucketVersioning", Group: GroupBucket, Default: false,
		Doc:  "Keep overwritten and deleted objects as noncurrent versions.",
		bind: boolean(func(c *Config) *bool { return &c.Bucket.Versioning })},
	{Name: "bucketNoncurrentVersionDays", Group: GroupBucket, Default: 30,
		Doc:  "Days after which a noncurrent version expires (with bucketVersioning).",
		bind: number(func(c *Config) *int { return &c.Bucket.NoncurrentVersionDays }, atLeast(1, ""))},
	{Name: "bucketKmsKeyArn", Group: GroupBucket, Default: "", EmptyMeans: "S3-managed keys (SSE-S3)",
		Doc: "Encrypt with this KMS key (SSE-KMS), in the bucket's region; Milvus' role may then use the key.",
		bind: text(func(c *Config) *string { return &c.Bucket.KmsKeyArn },
			unlessEmpty(matches(kmsKeyArnPattern, "kms-key-arn", "must be the ARN of a KMS key, such as arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias)")))},

	{Name: "bucketRootPath", Group: GroupBucket, Default: "milvus", EmptyMeans: "the bucket's root (only with messageQueue pulsar: Woodpecker's log needs a prefix)",
		Doc:  "Prefix under which Milvus keeps its data in the bucket (the chart's externalS3.rootPath), so that other tools can use other prefixes; Woodpecker writes its log under `<bucketRootPath>/wp`.",
		bind: text(func(c *Config) *string { return &c.Bucket.RootPath }, unlessEmpty(rootPath))},

	{Name: "milvusNamespace", Group: GroupMilvus, Default: "milvus",
		Doc:  "Kubernetes namespace of Milvus.",
		bind: text(func(c *Config) *string { return &c.Milvus.Namespace }, dnsLabel)},
	{Name: "milvusServiceAccount", Group: GroupMilvus, Default: "milvus-s3-access-sa",
		Doc:  "ServiceAccount Milvus runs under, bound to its IAM role.",
		bind: text(func(c *Config) *string { return &c.Milvus.ServiceAccount }, dnsLabel)},
	{Name: "milvusReleaseName", Group: GroupMilvus, Default: "milvus",
		Doc:  "Helm release name; the chart names the Service after it (its milvus.fullname).",
		bind: text(func(c *Config) *string { return &c.Milvus.ReleaseName }, dnsLabel, maxLength(maxReleaseNameLength, "Helm release names"))},
	{Name: "milvusChartVersion", Group: GroupMilvus, Default: "5.0.19",
		Doc:  "Version of the zilliztech milvus chart (5.x ships Milvus 2.6), one of the archives in infra/charts.",
		bind: text(func(c *Config) *string { return &c.Milvus.ChartVersion }, vendoredChart(charts.Milvus))},
	{Name: "milvusTimeoutSeconds", Group: GroupMilvus, Default: 1800,
		Doc:  "How long the Helm install may take; the release is atomic, so one not ready by then is rolled back.",
		bind: number(func(c *Config) *int { return &c.Milvus.TimeoutSeconds }, atLeast(minTimeoutSeconds, ""))},
	{Name: "milvusAuthentication", Group: GroupMilvus, Default: true,
		Doc:  "Require Milvus users to authenticate; may be off only behind an internal load balancer.",
		bind: boolean(func(c *Config) *bool { return &c.Milvus.Authentication.Enabled })},
	{Name: "milvusRootPassword", Group: GroupMilvus, Default: "",
		Doc:  "Password of Milvus' root user (12 to 256 characters); set it with `pulumi config set --secret`.",
		bind: secret(func(c *Config) *Secret { return &c.Milvus.Authentication.RootPassword })},
	{Name: "milvusGenerateRootPassword", Group: GroupMilvus, Default: false,
		Doc:  "Generate the root password when milvusRootPassword is not set, and keep it in the stack's state.",
		bind: boolean(func(c *Config) *bool { return &c.Milvus.Authentication.GenerateRootPassword })},

	{Name: "messageQueue", Group: GroupMilvus, Default: QueueWoodpecker,
		Doc:  `Milvus' write-ahead log: "woodpecker" (in the bucket under bucketRootPath, written by the streaming nodes; no pods or volumes of its own) or "pulsar" (Pulsar v3 in the cluster, sized by the pulsar* keys). Milvus cannot switch a running cluster's queue in place: changing it on a deployed stack needs Milvus' own migration, not an update.`,
		bind: text(func(c *Config) *string { return &c.Milvus.MessageQueue }, oneOf(QueueWoodpecker, QueuePulsar))},

	{Name: "loadBalancerName", Group: GroupEndpoint, Default: "", EmptyMeans: "`milvus-<stack>`",
		Doc: "Name of the Network Load Balancer in front of Milvus (unique in the account and region).",
		bind: text(func(c *Config) *string { return &c.Milvus.LoadBalancer.Name },
			loadBalancerName)},
	{Name: "loadBalancerScheme", Group: GroupEndpoint, Default: SchemeInternetFacing,
		Doc:  `Load balancer scheme: "internet-facing" or "internal".`,
		bind: text(func(c *Config) *string { return &c.Milvus.LoadBalancer.Scheme }, oneOf(SchemeInternetFacing, SchemeInternal))},
	{Name: "loadBalancerCertificateArn", Group: GroupEndpoint, Default: "", EmptyMeans: "no TLS: clients speak plain gRPC",
		Doc: "ACM certificate, in aws:region, with which the load balancer terminates TLS on Milvus' port (TLS 1.3 and 1.2 only); clients then connect with https://.",
		bind: text(func(c *Config) *string { return &c.Milvus.LoadBalancer.CertificateArn },
			unlessEmpty(matches(certificateArnPattern, "certificate-arn", "must be the ARN of an ACM certificate, such as arn:aws:acm:us-east-2:111122223333:certificate/12345678-1234-1234-1234-123456789012")))},
	{Name: "loadBalancerSourceRanges", Group: GroupEndpoint, Default: []string{"0.0.0.0/0"},
		Doc: "CIDR blocks allowed to reach the load balancer.",
		bind: list(func(c *Config) *[]string { return &c.Milvus.LoadBalancer.SourceRanges },
			notEmpty(`at least one CIDR block is required ("0.0.0.0/0" admits every address)`), each(cidrBlock))},
	{Name: "milvusDnsName", Group: GroupEndpoint, Default: "", EmptyMeans: "clients use the load balancer's own host name (only without loadBalancerCertificateArn)",
		Doc:  "The DNS name clients reach Milvus by, such as milvus.example.com: milvusUri names it, and with loadBalancerCertificateArn the certificate must cover it (the load balancer's own host name is never on a certificate). It points at the load balancer through milvusDnsZoneId, or a record of your own.",
		bind: text(func(c *Config) *string { return &c.Milvus.LoadBalancer.DNSName }, unlessEmpty(hostName))},
	{Name: "milvusDnsZoneId", Group: GroupEndpoint, Default: "", EmptyMeans: "no record: point milvusDnsName at the load balancer yourself",
		Doc:  "A Route 53 hosted zone in which the stack makes milvusDnsName an alias of the load balancer, such as Z0123456789ABCDEFGHIJ.",
		bind: text(func(c *Config) *string { return &c.Milvus.LoadBalancer.DNSZoneID }, unlessEmpty(matches(hostedZoneIDPattern, "hosted-zone-id", "must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ")))},

	{Name: "spreadAcrossZones", Group: GroupSizes, Default: false,
		Doc:  "Spread every workload with more than one replica across availability zones, and make etcd's and Pulsar's anti-affinity hard (one replica per node). Needs etcd with at least 3 replicas and, in create mode, at least as many nodes as the largest such workload has replicas.",
		bind: boolean(func(c *Config) *bool { return &c.Milvus.SpreadAcrossZones })},
	{Name: "mixCoordinator", Group: GroupSizes, Default: sizing.Coordinator{Workload: sizing.Workload{Replicas: 1, CPURequest: "500m", MemoryRequest: "1Gi", CPULimit: "1", MemoryLimit: "2Gi", EphemeralStorageRequest: "1Gi", EphemeralStorageLimit: "8Gi"}},
		Doc:  "Milvus' coordinator (root, query, data and index coordination in one Deployment). " + workloadFields + " activeStandby runs the extra replicas as hot standbys; more than one replica needs it.",
		bind: object(func(c *Config) *sizing.Coordinator { return &c.Milvus.Workloads.MixCoordinator }, func(w sizing.Coordinator) []violation { return workload(w.Workload) })},
	{Name: "proxy", Group: GroupSizes, Default: sizing.Workload{Replicas: 1, CPURequest: "500m", MemoryRequest: "1Gi", CPULimit: "1", MemoryLimit: "2Gi", EphemeralStorageRequest: "1Gi", EphemeralStorageLimit: "8Gi"},
		Doc:  "Milvus' proxies, which serve clients behind the load balancer. " + workloadFields,
		bind: object(func(c *Config) *sizing.Workload { return &c.Milvus.Workloads.Proxy }, workload)},
	{Name: "queryNode", Group: GroupSizes, Default: sizing.Workload{Replicas: 1, CPURequest: "1", MemoryRequest: "4Gi", CPULimit: "2", MemoryLimit: "8Gi", EphemeralStorageRequest: "10Gi", EphemeralStorageLimit: "50Gi"},
		Doc:  "Milvus' query nodes, which hold the loaded collections in memory and search them. " + workloadFields,
		bind: object(func(c *Config) *sizing.Workload { return &c.Milvus.Workloads.QueryNode }, workload)},
	{Name: "dataNode", Group: GroupSizes, Default: sizing.Workload{Replicas: 1, CPURequest: "500m", MemoryRequest: "2Gi", CPULimit: "2", MemoryLimit: "4Gi", EphemeralStorageRequest: "2Gi", EphemeralStorageLimit: "20Gi"},
		Doc:  "Milvus' data nodes, which build indexes and compact segments. " + workloadFields,
		bind: object(func(c *Config) *sizing.Workload { return &c.Milvus.Workloads.DataNode }, workload)},
	{Name: "streamingNode", Group: GroupSizes, Default: sizing.Workload{Replicas: 1, CPURequest: "500m", MemoryRequest: "2Gi", CPULimit: "1", MemoryLimit: "4Gi", EphemeralStorageRequest: "2Gi", EphemeralStorageLimit: "20Gi"},
		Doc:  "Milvus' streaming nodes, which write the log (Woodpecker runs inside them). " + workloadFields,
		bind: object(func(c *Config) *sizing.Workload { return &c.Milvus.Workloads.StreamingNode }, workload)},
	{Name: "etcd", Group: GroupSizes, Default: sizing.Etcd{Workload: sizing.Workload{Replicas: 1, CPURequest: "250m", MemoryRequest: "1Gi", CPULimit: "1", MemoryLimit: "2Gi", EphemeralStorageRequest: "512Mi", EphemeralStorageLimit: "2Gi"}, VolumeGiB: 10},
		Doc:  "Milvus' metadata store. " + workloadFields + " An odd number of replicas (1, 3, 5); volumeGiB sizes each replica's volume, storageClass names its StorageClass (empty for the cluster's default).",
		bind: object(func(c *Config) *sizing.Etcd { return &c.Milvus.Workloads.Etcd }, etcdRules)},
	{Name: "pulsarZookeeper", Group: GroupSizes, Default: sizing.Zookeeper{Workload: sizing.Workload{Replicas: 3, CPURequest: "200m", MemoryRequest: "512Mi", MemoryLimit: "512Mi", EphemeralStorageRequest: "512Mi", EphemeralStorageLimit: "2Gi"}, VolumeGiB: 10},
		Doc: "With messageQueue pulsar: Pulsar's ZooKeeper. " + workloadFields + pulsarHeapOnly + " volumeGiB sizes each replica's data volume.",
		bind: object(func(c *Config) *sizing.Zookeeper { return &c.Milvus.Workloads.Pulsar.Zookeeper }, func(z sizing.Zookeeper) []violation {
			return append(workload(z.Workload), atLeastGiB("volumeGiB", z.VolumeGiB)...)
		})},
	{Name: "pulsarBookie", Group: GroupSizes, Default: sizing.Bookie{Workload: sizing.Workload{Replicas: 3, CPURequest: "500m", MemoryRequest: "2Gi", MemoryLimit: "2Gi", EphemeralStorageRequest: "1Gi", EphemeralStorageLimit: "4Gi"}, JournalGiB: 20, LedgersGiB: 50},
		Doc: "With messageQueue pulsar: Pulsar's BookKeeper storage nodes. " + workloadFields + pulsarHeapAndDirect + " journalGiB and ledgersGiB size each replica's two volumes.",
		bind: object(func(c *Config) *sizing.Bookie { return &c.Milvus.Workloads.Pulsar.Bookie }, func(b sizing.Bookie) []violation {
			return append(append(workload(b.Workload), atLeastGiB("journalGiB", b.JournalGiB)...), atLeastGiB("ledgersGiB", b.LedgersGiB)...)
		})},
	{Name: "pulsarBroker", Group: GroupSizes, Default: sizing.Workload{Replicas: 2, CPURequest: "500m", MemoryRequest: "2Gi", MemoryLimit: "2Gi", EphemeralStorageRequest: "1Gi", EphemeralStorageLimit: "4Gi"},
		Doc:  "With messageQueue pulsar: Pulsar's brokers. " + workloadFields + pulsarHeapAndDirect,
		bind: object(func(c *Config) *sizing.Workload { return &c.Milvus.Workloads.Pulsar.Broker }, workload)},
	{Name: "pulsarProxy", Group: GroupSizes, Default: sizing.Workload{Replicas: 2, CPURequest: "500m", MemoryRequest: "1Gi", MemoryLimit: "1Gi", EphemeralStorageRequest: "512Mi", EphemeralStorageLimit: "2Gi"},
		Doc:  "With messageQueue pulsar: Pulsar's proxies, which Milvus connects to. " + workloadFields + pulsarHeapAndDirect,
		bind: object(func(c *Config) *sizing.Workload { return &c.Milvus.Workloads.Pulsar.Proxy }, workload)},
	{Name: "pulsarRecovery", Group: GroupSizes, Default: sizing.Workload{Replicas: 1, CPURequest: "100m", MemoryRequest: "256Mi", MemoryLimit: "256Mi", EphemeralStorageRequest: "256Mi", EphemeralStorageLimit: "1Gi"},
		Doc:  "With messageQueue pulsar: Pulsar's bookie auto-recovery. " + workloadFields + pulsarHeapOnly,
		bind: object(func(c *Config) *sizing.Workload { return &c.Milvus.Workloads.Pulsar.Recovery }, workload)},
	{Name: "backup", Group: GroupBackups, Default: DefaultBackup,
		Doc: "Scheduled backups of Milvus (milvus-backup, as a CronJob in Milvus' namespace, under a role of its own). " +
			"Fields: enabled; schedule, a cron schedule in UTC; keep, how many backups remain after each one; " +
			`destination, "separate" (a bucket of their own, with the same protections as Milvus') or "same" (a prefix of Milvus' bucket, apart from its root path); ` +
			"prefix, where in that bucket they go; objectLockMode (GOVERNANCE or COMPLIANCE) and objectLockDays, write-once backups (separate only); " +
			"replicaRegion, a region the backup bucket is replicated to; image, milvus-backup's image, pinned.",
		bind: object(func(c *Config) *Backup { return &c.Backup }, backupRules)},
	{Name: "monitoring", Group: GroupMonitor, Default: DefaultMonitoring,
		Doc: "Metrics, alerts and logs: Milvus' metrics scraped into Amazon Managed Service for Prometheus by its managed collector, " +
			"alerts routed to SNS, and the pods' logs kept in CloudWatch Logs. Fields: enabled; alertEmails, addresses subscribed to the alerts, " +
			"or alertTopicArn, an existing SNS topic; logRetentionDays, one of CloudWatch Logs' periods; workspaceArn, an existing workspace to use.",
		bind: object(func(c *Config) *Monitoring { return &c.Monitoring }, monitoringRules)},
}

// FullName is the key as the engine names it, with the project's namespace
// ("milvus:nodeMinSize").
func (k Key) FullName() string { return FullName(k.Name) }

// Kind is how Pulumi.yaml declares the key's type: string, integer, boolean
// or array (of strings).
func (k Key) Kind() string { return k.bind.kind }

// Secret reports whether the key holds a secret, which must be set with
// `pulumi config set --secret` and is never shown.
func (k Key) Secret() bool { return k.bind.secret }

// Switch reports whether the key is an add-on switch: "true", "false", or
// empty for the cluster mode's default. Such switches are strings because a
// Pulumi.yaml key without a default is required in every stack, and a
// boolean's default cannot depend on another key.
func (k Key) Switch() bool { return k.bind.onOff }

// DefaultText is the default as the engine hands it to the program: lists
// as JSON.
func (k Key) DefaultText() string {
	switch v := k.Default.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	case []string:
		text, _ := json.Marshal(v) // a list of strings always marshals
		return string(text)
	}
	if k.Kind() == "object" {
		text, err := json.Marshal(k.Default)
		if err != nil {
			panic(fmt.Sprintf("config: key %s: its default does not marshal: %v", k.Name, err))
		}
		return string(text)
	}
	panic(fmt.Sprintf("config: key %s: a default of type %T", k.Name, k.Default))
}

// keyNamed is the key of that name, if this project has one.
func keyNamed(name string) (Key, bool) {
	for _, k := range Keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

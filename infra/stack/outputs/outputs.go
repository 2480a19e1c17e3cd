// Package outputs is the stack-output contract: the name, meaning and
// secrecy of every output a stack of this project exports, and when it
// exports it. Other stacks read these outputs by name with a StackReference,
// so renaming or removing one is a breaking change.
//
// Everything that names an output uses these constants: the stack that
// exports them, the discovery of an existing cluster from a platform stack's
// outputs (a stack of this project can be another's platform), the offline
// mock of such a platform, and the post-deploy checks. The README's table is
// generated from Contract (go generate ./...).
package outputs

// The outputs, by name.
const (
	Region                        = "region"
	ClusterName                   = "clusterName"
	Kubeconfig                    = "kubeconfig"
	OidcProviderArn               = "oidcProviderArn"
	OidcIssuer                    = "oidcIssuer"
	VpcID                         = "vpcId"
	PublicSubnetIDs               = "publicSubnetIds"
	PrivateSubnetIDs              = "privateSubnetIds"
	BucketName                    = "bucketName"
	BucketArn                     = "bucketArn"
	MilvusRootPath                = "milvusRootPath"
	MilvusMessageQueue            = "milvusMessageQueue"
	S3PolicyArn                   = "s3PolicyArn"
	MilvusRoleArn                 = "milvusRoleArn"
	MilvusNamespace               = "milvusNamespace"
	MilvusServiceAccount          = "milvusServiceAccount"
	MilvusChartVersion            = "milvusChartVersion"
	MilvusEndpoint                = "milvusEndpoint"
	MilvusURI                     = "milvusUri"
	MilvusDNSName                 = "milvusDnsName"
	MilvusRootPassword            = "milvusRootPassword"
	EbsCsiDriverRoleArn           = "ebsCsiDriverRoleArn"
	NodeLaunchTemplateID          = "nodeLaunchTemplateId"
	LoadBalancerControllerRoleArn = "loadBalancerControllerRoleArn"
	BackupBucketName              = "backupBucketName"
	BackupPrefix                  = "backupPrefix"
	BackupCronJob                 = "backupCronJob"
	BackupRoleArn                 = "backupRoleArn"
	RestoreRoleArn                = "restoreRoleArn"
	BackupReplicaBucketName       = "backupReplicaBucketName"
	BackupReplicaRegion           = "backupReplicaRegion"
	MonitoringWorkspaceArn        = "monitoringWorkspaceArn"
	MonitoringScraperArn          = "monitoringScraperArn"
	AlertTopicArn                 = "alertTopicArn"
	PodLogGroup                   = "podLogGroup"
	KarpenterRoleArn              = "karpenterRoleArn"
	KarpenterNodeRoleArn          = "karpenterNodeRoleArn"
	KarpenterInterruptionQueue    = "karpenterInterruptionQueue"
)

// Condition is when a stack exports an output.
type Condition string

// The conditions, in the words of the README's table.
const (
	Always Condition = "always"
	// CreatedCluster outputs describe the network of a cluster the stack
	// creates; an existing cluster's network is its owner's to report.
	CreatedCluster         Condition = "when the stack creates its cluster"
	Authentication         Condition = "with `milvusAuthentication` on"
	EbsCsiDriver           Condition = "with `ebsCsiDriver` on"
	LoadBalancerController Condition = "with `loadBalancerController` on"
	DNSName                Condition = "with `milvusDnsName` set"
	Backups                Condition = "with `backup.enabled`"
	BackupReplica          Condition = "with `backup.replicaRegion` set"
	Monitoring             Condition = "with `monitoring.enabled`"
	PodLogs                Condition = "with `monitoring.enabled`, when the stack creates its cluster"
	NodePools              Condition = "with `nodePools.enabled`"
)

// Output is one output of the contract.
type Output struct {
	Name    string
	Meaning string
	// Secret outputs are stored encrypted and shown only with --show-secrets.
	Secret bool
	When   Condition
}

// Contract is every output, in the order the README lists them.
var Contract = []Output{
	{Name: Region, When: Always, Meaning: "AWS region of everything below"},
	{Name: ClusterName, When: Always, Meaning: "EKS cluster name"},
	{Name: Kubeconfig, When: Always, Secret: true,
		Meaning: "Kubeconfig JSON for the cluster (`aws eks get-token`); on a platform stack's cluster, the platform's kubeconfig, JSON or YAML"},
	{Name: OidcProviderArn, When: Always, Meaning: "ARN of the cluster's IAM OIDC provider, for further IRSA roles"},
	{Name: OidcIssuer, When: Always, Meaning: "The cluster's OIDC issuer URL, `https://` included"},
	{Name: VpcID, When: CreatedCluster, Meaning: "VPC of the cluster (created or existing)"},
	{Name: PublicSubnetIDs, When: CreatedCluster, Meaning: "Public subnets (load balancers)"},
	{Name: PrivateSubnetIDs, When: CreatedCluster, Meaning: "Private subnets (nodes)"},
	{Name: NodeLaunchTemplateID, When: CreatedCluster, Meaning: "Launch template of the nodes (IMDSv2 only, hop limit 1; encrypted gp3 root volume)"},
	{Name: BucketName, When: Always, Meaning: "The S3 bucket holding Milvus' data"},
	{Name: BucketArn, When: Always, Meaning: "Its ARN"},
	{Name: MilvusRootPath, When: Always, Meaning: "Prefix of Milvus' objects in the bucket (`bucketRootPath`); empty for the bucket's root"},
	{Name: MilvusMessageQueue, When: Always, Meaning: "Milvus' write-ahead log (`messageQueue`): `woodpecker`, under `<milvusRootPath>/wp` in the bucket, or `pulsar`"},
	{Name: S3PolicyArn, When: Always, Meaning: "The IAM policy granting the guide's four S3 actions on that bucket"},
	{Name: MilvusRoleArn, When: Always, Meaning: "The IRSA role Milvus runs under"},
	{Name: MilvusNamespace, When: Always, Meaning: "Namespace of Milvus"},
	{Name: MilvusServiceAccount, When: Always, Meaning: "ServiceAccount annotated with the role"},
	{Name: MilvusChartVersion, When: Always, Meaning: "Installed chart version"},
	{Name: MilvusEndpoint, When: Always, Meaning: "`<NLB host>:19530`, read from the load balancer's Service after install"},
	{Name: MilvusURI, When: Always, Meaning: "What clients connect to: `https://<milvusDnsName>:19530` with `loadBalancerCertificateArn`, `http://<NLB host or milvusDnsName>:19530` without"},
	{Name: MilvusDNSName, When: DNSName, Meaning: "The name clients reach Milvus by, which the certificate covers (`milvusDnsName`); the post-deploy checks connect to the load balancer with it as the TLS server name"},
	{Name: MilvusRootPassword, When: Authentication, Secret: true, Meaning: "Milvus' root password"},
	{Name: EbsCsiDriverRoleArn, When: EbsCsiDriver, Meaning: "The EBS CSI driver's IRSA role"},
	{Name: LoadBalancerControllerRoleArn, When: LoadBalancerController, Meaning: "The load balancer controller's IRSA role"},
	{Name: BackupBucketName, When: Backups, Meaning: "The bucket holding the backups: their own, or Milvus' with `backup.destination` same"},
	{Name: BackupPrefix, When: Backups, Meaning: "Where in that bucket the backups are, one prefix per backup below it"},
	{Name: BackupCronJob, When: Backups, Meaning: "The CronJob, in Milvus' namespace, that makes the backups; `make restore` runs its template"},
	{Name: BackupRoleArn, When: Backups, Meaning: "The backup job's IRSA role: reads Milvus' objects, writes only the backups"},
	{Name: RestoreRoleArn, When: Backups, Meaning: "A restore's IRSA role: reads the backups, writes only the temporary copies Milvus imports from"},
	{Name: BackupReplicaBucketName, When: BackupReplica, Meaning: "The copy of the backup bucket, which S3 replicates the backups to"},
	{Name: BackupReplicaRegion, When: BackupReplica, Meaning: "The copy's region, where a new stack restores from it if the stack's region is lost"},
	{Name: MonitoringWorkspaceArn, When: Monitoring, Meaning: "The Amazon Managed Service for Prometheus workspace holding the metrics and the alert rules: a Grafana data source"},
	{Name: MonitoringScraperArn, When: Monitoring, Meaning: "AMP's managed collector reading the cluster"},
	{Name: AlertTopicArn, When: Monitoring, Meaning: "The SNS topic the alerts go to"},
	{Name: PodLogGroup, When: PodLogs, Meaning: "The CloudWatch Logs group of the pods' logs (Container Insights' application group)"},
	{Name: KarpenterRoleArn, When: NodePools, Meaning: "Karpenter's controller's IRSA role, with the policies its release publishes"},
	{Name: KarpenterNodeRoleArn, When: NodePools, Meaning: "The role of the nodes Karpenter starts, which has an EC2_LINUX access entry"},
	{Name: KarpenterInterruptionQueue, When: NodePools, Meaning: "The SQS queue of spot interruptions, rebalance recommendations, instance state changes and scheduled changes that Karpenter reads"},
}

// Platform outputs are what this program reads of a platform stack that
// runs the cluster it deploys onto (clusterMode existing,
// existingClusterStack): the cluster outputs of this very contract, so that
// a stack of this project can serve as another's platform.
var (
	// PlatformRequired must be exported by every platform stack.
	PlatformRequired = []string{ClusterName, Kubeconfig, OidcProviderArn}
	// PlatformOptional are read when present: the issuer, which the
	// provider's ARN also names, and the VPC, which only the AWS Load
	// Balancer Controller needs.
	PlatformOptional = []string{OidcIssuer, VpcID}
)

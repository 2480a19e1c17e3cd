// Package config reads the stack's configuration into one typed value and
// checks it before any resource is declared.
//
// Every key is written once, in Keys (keys.go): its name, field, default,
// description and the rules of its own value. Rules that relate keys are in
// rules.go. Pulumi.yaml's config block and the README's table are generated
// from Keys. The package imports no cloud SDK: the program hands it the
// configuration the engine passed (Settings), and tests a map.
package config

import (
	"fmt"

	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Namespace is the configuration namespace of this project's own keys. It is
// the project name in Pulumi.yaml, so `pulumi config set <key>` needs no prefix.
const Namespace = "milvus"

// RegionKey is where the AWS provider, and so this program, reads its region.
const RegionKey = "aws:region"

// NAT gateway layouts.
const (
	NatSingle = "single" // one NAT gateway shared by every private subnet: cheap, one AZ failure domain
	NatPerAz  = "perAz"  // one NAT gateway per availability zone: what production wants
)

// What an existing VPC has of S3's gateway endpoint.
const (
	// S3EndpointPresent trusts that the VPC routes S3 through one already.
	S3EndpointPresent = "present"
	// S3EndpointCreate adds one on the private subnets' route tables.
	S3EndpointCreate = "create"
)

// Load balancer schemes accepted by the AWS Load Balancer Controller.
const (
	SchemeInternetFacing = "internet-facing"
	SchemeInternal       = "internal"
)

// Milvus' message queues: where its write-ahead log lives.
const (
	// QueueWoodpecker writes the log to the bucket, from the streaming
	// node: no pods or volumes of its own.
	QueueWoodpecker = "woodpecker"
	// QueuePulsar runs Apache Pulsar (v3) in the cluster.
	QueuePulsar = "pulsar"
)

// Cluster modes: where Milvus runs.
const (
	// ClusterCreate makes the stack create its own VPC, EKS cluster, IAM
	// OIDC provider, node group and add-ons.
	ClusterCreate = "create"
	// ClusterExisting deploys onto an EKS cluster someone else runs: the
	// stack looks it up and changes nothing of it but Milvus' namespace.
	ClusterExisting = "existing"
)

// Config is the whole stack configuration, with defaults applied.
type Config struct {
	// Stack is the Pulumi stack name; the default cluster and load balancer
	// names end with it, since both must be unique in the account and region.
	Stack string
	// Region is aws:region; the bucket, the cluster and the S3 endpoint live there.
	Region string
	// ClusterMode is ClusterCreate or ClusterExisting.
	ClusterMode string
	// ExistingCluster names the cluster of ClusterExisting.
	ExistingCluster ExistingCluster
	// ClusterName names the EKS cluster the stack creates; empty in config
	// means "milvus-<stack>".
	ClusterName string
	// KubernetesVersion is the EKS control plane version.
	KubernetesVersion string
	// Production holds the stack to production's rules (rules.go) and
	// protects its cluster, Milvus' namespace, release and volumes.
	Production bool
	// ControlPlane is who reaches the Kubernetes API of a cluster the stack
	// creates, from where, and what it logs.
	ControlPlane ControlPlane

	Network    Network
	NodeGroup  NodeGroup
	Addons     Addons
	Bucket     Bucket
	Milvus     Milvus
	Backup     Backup
	Monitoring Monitoring
	// NodePools is Karpenter and its pools; ProxyAutoscaling the proxies'
	// HorizontalPodAutoscaler.
	NodePools        NodePools
	ProxyAutoscaling ProxyAutoscaling
}

// ControlPlane is the access to a created cluster's API. The cluster uses
// EKS access entries only (authentication mode API): every principal that
// can reach it is listed by `aws eks list-access-entries`, the one that
// created it included.
type ControlPlane struct {
	// Admins get AmazonEKSClusterAdminPolicy, Viewers AmazonEKSViewPolicy,
	// cluster-wide: IAM role or user ARNs.
	Admins  []string
	Viewers []string
	// PublicCidrs may reach the public API endpoint; none turns it off.
	// The private endpoint is always on.
	PublicCidrs []string
	// Logs sends the api, audit and authenticator logs to CloudWatch.
	Logs bool
}

// ExistingCluster is where the cluster of ClusterExisting comes from: exactly
// one of the two is set.
type ExistingCluster struct {
	// Name is an EKS cluster in the stack's region, looked up by name.
	Name string
	// Stack is a platform stack ("org/project/stack") whose outputs describe
	// its cluster (see discovery.Outputs).
	Stack string
}

// CreatesCluster reports whether the stack creates its own cluster, and with
// it the network, the nodes and, unless switched off, the add-ons.
func (c Config) CreatesCluster() bool { return c.ClusterMode == ClusterCreate }

// Network chooses between a VPC this program creates and one that exists.
type Network struct {
	// VpcCidr is the address range of the VPC created when no existing VPC is named.
	VpcCidr string
	// NatGateways is NatSingle or NatPerAz.
	NatGateways string
	// ExistingVpcID, when set, makes the program use that VPC and the subnets
	// below, and create no network resources at all.
	ExistingVpcID            string
	ExistingPublicSubnetIDs  []string
	ExistingPrivateSubnetIDs []string
	// ExistingVpcS3Endpoint is S3EndpointPresent or S3EndpointCreate.
	ExistingVpcS3Endpoint string
	// AvailabilityZones of a new VPC; none means the region's first zones
	// that need no opt-in.
	AvailabilityZones []string
}

// UsesExistingVpc reports whether the stack brings its own VPC.
func (n Network) UsesExistingVpc() bool { return n.ExistingVpcID != "" }

// NodeGroup sizes the EKS managed node group that runs Milvus, or with
// node pools the system pool. It keeps DesiredSize nodes: nothing scales a
// managed node group without an autoscaler, so it has no maximum of its
// own (nodeMaxSize was retired); Karpenter's pools are what grow.
type NodeGroup struct {
	InstanceTypes []string
	MinSize       int
	DesiredSize   int
	DiskSizeGiB   int
}

// Addons are the cluster add-ons that Milvus' chart values rely on without
// naming them: its StatefulSets need a default StorageClass that can provision
// EBS volumes, and its Service's annotations are read only by the AWS Load
// Balancer Controller. Each is on by default on a cluster the stack creates
// and off on an existing one, whose owner installs them.
type Addons struct {
	EbsCsiDriver           EbsCsiDriver
	LoadBalancerController LoadBalancerController
}

// onOff is what the stack file says of an add-on switch: "true", "false",
// or nothing, which leaves it to the cluster mode.
type onOff int8

const (
	unset onOff = iota
	on
	off
)

// or is the switch's setting, or fallback when it is unset.
func (s onOff) or(fallback bool) bool {
	if s == unset {
		return fallback
	}
	return s == on
}

// EbsCsiDriver is the aws-ebs-csi-driver EKS add-on with its IAM role, and the
// encrypted gp3 StorageClass made the cluster's default.
type EbsCsiDriver struct {
	// Enabled is the stack file's ebsCsiDriver, or the mode's default.
	Enabled  bool
	switched onOff
	// Version is an EKS add-on version ("v1.48.0-eksbuild.1"); empty means
	// the version EKS picks by default for the cluster's Kubernetes version.
	Version string
}

// LoadBalancerController is the AWS Load Balancer Controller's Helm release
// with its IAM role.
type LoadBalancerController struct {
	// Enabled is the stack file's loadBalancerController, or the mode's default.
	Enabled  bool
	switched onOff
	// ChartVersion pins the eks-charts aws-load-balancer-controller chart. The
	// controller's IAM policy must be the one published for the same release.
	ChartVersion string
}

// Bucket describes the S3 bucket that holds Milvus' data; storage.Args,
// which the stack fills from it, says what each setting does.
type Bucket struct {
	Name                  string
	NamePrefix            string
	ForceDestroy          bool
	Retain                bool
	Versioning            bool
	NoncurrentVersionDays int
	KmsKeyArn             string
	// RootPath is the prefix of every object Milvus writes; empty means none.
	RootPath string
}

// Milvus describes the Helm release and the identity it runs under.
type Milvus struct {
	Namespace      string
	ServiceAccount string
	ReleaseName    string
	ChartVersion   string
	// TimeoutSeconds bounds the Helm install; with atomic set, a release that is
	// not ready by then is rolled back.
	TimeoutSeconds int
	Authentication Authentication
	LoadBalancer   LoadBalancer
	// MessageQueue is QueueWoodpecker or QueuePulsar: Milvus' write-ahead log.
	MessageQueue string
	// SpreadAcrossZones spreads every workload with more than one replica
	// across availability zones and makes etcd's (and Pulsar's)
	// anti-affinity hard, with PodDisruptionBudgets.
	SpreadAcrossZones bool
	Workloads         sizing.Workloads
}

// Authentication is Milvus' user authentication, and its root user's password.
type Authentication struct {
	Enabled bool
	// RootPassword comes from a secret config value; empty means none was set.
	RootPassword Secret
	// GenerateRootPassword lets the stack generate the password when none is
	// set (a random password kept in the stack's state).
	GenerateRootPassword bool
}

// LoadBalancer describes the NLB in front of Milvus' Service.
type LoadBalancer struct {
	Name   string
	Scheme string
	// CertificateArn is an ACM certificate; the NLB terminates TLS with it
	// on Milvus' port. Empty means plain TCP.
	CertificateArn string
	// SourceRanges are the CIDR blocks allowed to reach the load balancer.
	SourceRanges []string
	// DNSName is the name clients reach Milvus by; empty means the load
	// balancer's own. DNSZoneID, when set, is the Route 53 hosted zone in
	// which the stack points the name at the load balancer.
	DNSName, DNSZoneID string
}

// Defaults is the configuration of a stack whose file sets no key: each
// key's Default (Keys), read as the engine would hand it over, and the
// values derived from them.
func Defaults(stack string) Config {
	c := Config{Stack: stack}
	for _, k := range Keys {
		if f := k.decode(k.DefaultText(), &c); !f.ok() {
			panic(fmt.Sprintf("config: the default of %s: %s", k.Name, f.rule))
		}
	}
	c.derive()
	return c
}

// derive fills in what keys leave to the stack: names that default to ""
// derive from the stack's name, since they must be unique in the account
// and region; the add-ons follow the cluster mode unless switched.
func (c *Config) derive() {
	if c.ClusterName == "" {
		c.ClusterName = "milvus-" + c.Stack
	}
	if c.Milvus.LoadBalancer.Name == "" {
		c.Milvus.LoadBalancer.Name = "milvus-" + c.Stack
	}
	// The add-ons belong to whoever owns the cluster: on by default on one
	// this stack creates, off on an existing one.
	c.Addons.EbsCsiDriver.Enabled = c.Addons.EbsCsiDriver.switched.or(c.CreatesCluster())
	c.Addons.LoadBalancerController.Enabled = c.Addons.LoadBalancerController.switched.or(c.CreatesCluster())
}

// FullName is the full name of one of this project's keys
// ("milvus:nodeMinSize"). Code that names a key passes through here, so a
// misspelt name fails the first test that reaches it.
func FullName(name string) string {
	if _, ok := keyNamed(name); !ok {
		panic(fmt.Sprintf("config: %q is not a key of Keys", name))
	}
	return Namespace + ":" + name
}

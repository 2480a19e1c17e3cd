// Package config reads the stack's configuration into one typed value and
// checks it before any resource is declared.
//
// It imports no cloud SDK: the program hands it a lookup function over the
// stack's configuration (ctx.GetConfig at run time, a map in tests).
package config

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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

// Load balancer schemes accepted by the AWS Load Balancer Controller.
const (
	SchemeInternetFacing = "internet-facing"
	SchemeInternal       = "internal"
)

// Config is the whole stack configuration, with defaults applied.
type Config struct {
	// Stack is the Pulumi stack name; the default cluster and load balancer
	// names end with it, since both must be unique in the account and region.
	Stack string
	// Region is aws:region; the bucket, the cluster and the S3 endpoint live there.
	Region string
	// ClusterName names the EKS cluster; empty in config means "milvus-<stack>".
	ClusterName string
	// KubernetesVersion is the EKS control plane version.
	KubernetesVersion string

	Network   Network
	NodeGroup NodeGroup
	Addons    Addons
	Bucket    Bucket
	Milvus    Milvus
}

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
}

// UsesExistingVpc reports whether the stack brings its own VPC.
func (n Network) UsesExistingVpc() bool { return n.ExistingVpcID != "" }

// NodeGroup sizes the EKS managed node group that runs Milvus.
type NodeGroup struct {
	InstanceTypes []string
	MinSize       int
	DesiredSize   int
	MaxSize       int
	DiskSizeGiB   int
}

// Addons are the cluster add-ons that Milvus' chart values rely on without
// naming them: its StatefulSets need a default StorageClass that can provision
// EBS volumes, and its Service's annotations are read only by the AWS Load
// Balancer Controller. Each can be switched off for clusters where the
// platform team installs it already.
type Addons struct {
	EbsCsiDriver           EbsCsiDriver
	LoadBalancerController LoadBalancerController
}

// EbsCsiDriver is the aws-ebs-csi-driver EKS add-on with its IAM role, and the
// encrypted gp3 StorageClass made the cluster's default.
type EbsCsiDriver struct {
	Enabled bool
	// Version is an EKS add-on version ("v1.48.0-eksbuild.1"); empty means
	// the version EKS picks by default for the cluster's Kubernetes version.
	Version string
}

// LoadBalancerController is the AWS Load Balancer Controller's Helm release
// with its IAM role.
type LoadBalancerController struct {
	Enabled bool
	// ChartVersion pins the eks-charts aws-load-balancer-controller chart. The
	// controller's IAM policy must be the one published for the same release.
	ChartVersion string
}

// Bucket describes the S3 bucket that holds Milvus' data.
type Bucket struct {
	// Name is the exact bucket name; empty means "generate one from NamePrefix".
	Name string
	// NamePrefix is the prefix of a generated name (the guide's "milvus-bucket-").
	NamePrefix string
	// ForceDestroy lets `pulumi destroy` delete a bucket that still holds objects.
	ForceDestroy bool
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
	LoadBalancer   LoadBalancer
	MixCoordinator Coordinator
	Proxy          Workload
}

// LoadBalancer describes the NLB in front of Milvus' Service.
type LoadBalancer struct {
	Name   string
	Scheme string
}

// Workload is a replicated Milvus component.
type Workload struct {
	Replicas  int
	Resources Resources
}

// Coordinator is a Workload whose extra replicas run as hot standbys.
type Coordinator struct {
	Workload
	ActiveStandby bool
}

// Resources are Kubernetes requests and limits, as quantities ("1", "500m", "4Gi").
type Resources struct {
	Requests ResourceList
	Limits   ResourceList
}

// ResourceList is the cpu and memory of a Kubernetes resource list.
type ResourceList struct {
	CPU    string
	Memory string
}

// IsZero reports whether no quantity is set.
func (r ResourceList) IsZero() bool { return r.CPU == "" && r.Memory == "" }

// Defaults are the values a key takes when the stack file leaves it out. They
// are the small, cheap end: the prod stack file sets the guide's sizes.
func Defaults(stack string) Config {
	return Config{
		Stack:             stack,
		ClusterName:       "milvus-" + stack,
		KubernetesVersion: "1.34",
		Network: Network{
			VpcCidr:     "10.0.0.0/16",
			NatGateways: NatSingle,
		},
		NodeGroup: NodeGroup{
			InstanceTypes: []string{"m6i.2xlarge"},
			MinSize:       2,
			DesiredSize:   2,
			MaxSize:       3,
			DiskSizeGiB:   100,
		},
		Addons: Addons{
			EbsCsiDriver:           EbsCsiDriver{Enabled: true},
			LoadBalancerController: LoadBalancerController{Enabled: true, ChartVersion: "3.5.0"},
		},
		Bucket: Bucket{NamePrefix: "milvus-bucket-"},
		Milvus: Milvus{
			Namespace:      "milvus",
			ServiceAccount: "milvus-s3-access-sa",
			ReleaseName:    "milvus",
			ChartVersion:   "5.0.19",
			TimeoutSeconds: 1800,
			LoadBalancer: LoadBalancer{
				Name:   "milvus-" + stack,
				Scheme: SchemeInternetFacing,
			},
			MixCoordinator: Coordinator{Workload: Workload{Replicas: 1}},
			Proxy:          Workload{Replicas: 1},
		},
	}
}

// Lookup returns a configuration value by its full key ("milvus:bucketName")
// and whether it is set. ctx.GetConfig has this shape.
type Lookup func(key string) (string, bool)

// Key is the full name of one of this project's keys.
func Key(name string) string { return Namespace + ":" + name }

// binding ties one flat configuration key to the field it sets.
type binding struct {
	name string
	dst  any // *string, *int, *bool or *[]string
}

// bindings lists every key of this project. Pulumi.yaml declares the same
// keys (a test holds the two lists together); Pulumi.yaml can declare only
// strings, integers, booleans and arrays, which is why the keys are flat.
func (c *Config) bindings() []binding {
	m := &c.Milvus
	return []binding{
		{"clusterName", &c.ClusterName},
		{"kubernetesVersion", &c.KubernetesVersion},
		{"vpcCidr", &c.Network.VpcCidr},
		{"natGateways", &c.Network.NatGateways},
		{"existingVpcId", &c.Network.ExistingVpcID},
		{"existingPublicSubnetIds", &c.Network.ExistingPublicSubnetIDs},
		{"existingPrivateSubnetIds", &c.Network.ExistingPrivateSubnetIDs},
		{"nodeInstanceTypes", &c.NodeGroup.InstanceTypes},
		{"nodeMinSize", &c.NodeGroup.MinSize},
		{"nodeDesiredSize", &c.NodeGroup.DesiredSize},
		{"nodeMaxSize", &c.NodeGroup.MaxSize},
		{"nodeDiskSizeGiB", &c.NodeGroup.DiskSizeGiB},
		{"ebsCsiDriver", &c.Addons.EbsCsiDriver.Enabled},
		{"ebsCsiDriverVersion", &c.Addons.EbsCsiDriver.Version},
		{"loadBalancerController", &c.Addons.LoadBalancerController.Enabled},
		{"loadBalancerControllerChartVersion", &c.Addons.LoadBalancerController.ChartVersion},
		{"bucketName", &c.Bucket.Name},
		{"bucketNamePrefix", &c.Bucket.NamePrefix},
		{"bucketForceDestroy", &c.Bucket.ForceDestroy},
		{"milvusNamespace", &m.Namespace},
		{"milvusServiceAccount", &m.ServiceAccount},
		{"milvusReleaseName", &m.ReleaseName},
		{"milvusChartVersion", &m.ChartVersion},
		{"milvusTimeoutSeconds", &m.TimeoutSeconds},
		{"loadBalancerName", &m.LoadBalancer.Name},
		{"loadBalancerScheme", &m.LoadBalancer.Scheme},
		{"coordinatorReplicas", &m.MixCoordinator.Replicas},
		{"coordinatorActiveStandby", &m.MixCoordinator.ActiveStandby},
		{"coordinatorCpuRequest", &m.MixCoordinator.Resources.Requests.CPU},
		{"coordinatorMemoryRequest", &m.MixCoordinator.Resources.Requests.Memory},
		{"coordinatorCpuLimit", &m.MixCoordinator.Resources.Limits.CPU},
		{"coordinatorMemoryLimit", &m.MixCoordinator.Resources.Limits.Memory},
		{"proxyReplicas", &m.Proxy.Replicas},
		{"proxyCpuRequest", &m.Proxy.Resources.Requests.CPU},
		{"proxyMemoryRequest", &m.Proxy.Resources.Requests.Memory},
		{"proxyCpuLimit", &m.Proxy.Resources.Limits.CPU},
		{"proxyMemoryLimit", &m.Proxy.Resources.Limits.Memory},
	}
}

// KeyNames lists the names (without namespace) of every key this project reads.
func KeyNames() []string {
	var c Config
	var names []string
	for _, b := range c.bindings() {
		names = append(names, b.name)
	}
	return names
}

// Load reads every key of this project over the defaults and validates the
// result. The error, if any, is a Problems listing everything wrong at once.
func Load(lookup Lookup, stack string) (Config, error) {
	cfg := Defaults(stack)
	var problems Problems

	region, ok := lookup(RegionKey)
	if !ok || region == "" {
		problems = append(problems, Problem{Key: RegionKey, Rule: "is required: set it with `pulumi config set aws:region us-east-2`"})
	}
	cfg.Region = region

	undecoded := map[string]bool{}
	for _, b := range cfg.bindings() {
		raw, ok := lookup(Key(b.name))
		if !ok {
			continue
		}
		if rule := decode(raw, b.dst); rule != "" {
			problems = append(problems, Problem{Key: Key(b.name), Value: raw, Rule: rule})
			undecoded[Key(b.name)] = true
		}
	}

	// Names that default to "" in Pulumi.yaml derive from the stack name.
	defaults := Defaults(stack)
	if cfg.ClusterName == "" {
		cfg.ClusterName = defaults.ClusterName
	}
	if cfg.Milvus.LoadBalancer.Name == "" {
		cfg.Milvus.LoadBalancer.Name = defaults.Milvus.LoadBalancer.Name
	}

	// A key that failed to decode still holds its default: its rules would
	// speak of a value the user never wrote.
	for _, p := range cfg.Validate() {
		if !undecoded[p.Key] {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return Config{}, problems
	}
	return cfg, nil
}

// decode parses one raw configuration value into dst and returns the rule it
// breaks, or "". Pulumi hands arrays to the program as JSON text.
func decode(raw string, dst any) string {
	switch dst := dst.(type) {
	case *string:
		*dst = raw
	case *int:
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return "must be a whole number"
		}
		*dst = n
	case *bool:
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return "must be true or false"
		}
		*dst = b
	case *[]string:
		var list []string
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			return "must be a list of strings"
		}
		if len(list) == 0 {
			list = nil // an empty list and no list mean the same here
		}
		*dst = list
	default:
		panic(fmt.Sprintf("config: no decoder for %T", dst))
	}
	return ""
}

// Package config reads the stack's configuration into one typed value and
// checks it before any resource is declared.
//
// It imports no cloud SDK: the program hands it a lookup function over the
// stack's configuration (ctx.GetConfig at run time, a map in tests).
package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
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

	Network   Network
	NodeGroup NodeGroup
	Addons    Addons
	Bucket    Bucket
	Milvus    Milvus
}

// ExistingCluster is where the cluster of ClusterExisting comes from: exactly
// one of the two is set.
type ExistingCluster struct {
	// Name is an EKS cluster in the stack's region, looked up by name.
	Name string
	// Stack is a platform stack ("org/project/stack") whose outputs describe
	// its cluster (see existingcluster.Outputs).
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

// Bucket describes the S3 bucket that holds Milvus' data.
type Bucket struct {
	// Name is the exact bucket name; empty means "generate one from NamePrefix".
	Name string
	// NamePrefix is the prefix of a generated name (the guide's "milvus-bucket-").
	NamePrefix string
	// ForceDestroy lets `pulumi destroy` delete a bucket that still holds objects.
	ForceDestroy bool
	// Retain protects the bucket in Pulumi (protect) and leaves it in AWS
	// when it leaves the stack (retainOnDelete).
	Retain bool
	// Versioning keeps overwritten and deleted objects as noncurrent
	// versions, which expire after NoncurrentVersionDays.
	Versioning            bool
	NoncurrentVersionDays int
	// KmsKeyArn, when set, encrypts objects with that KMS key (SSE-KMS)
	// instead of S3-managed keys (SSE-S3); Milvus' role may then use the key.
	KmsKeyArn string
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
	MixCoordinator Coordinator
	Proxy          Workload
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

// Secret is a configuration value that must never be shown: printing it, on
// its own or inside a struct, gives SecretMask.
type Secret string

func (Secret) String() string   { return SecretMask }
func (Secret) GoString() string { return SecretMask }

// Reveal is the value itself, for the one place that must pass it on.
func (s Secret) Reveal() string { return string(s) }

// LoadBalancer describes the NLB in front of Milvus' Service.
type LoadBalancer struct {
	Name   string
	Scheme string
	// SourceRanges are the CIDR blocks allowed to reach the load balancer.
	SourceRanges []string
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
		ClusterMode:       ClusterCreate,
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
		Bucket: Bucket{NamePrefix: "milvus-bucket-", NoncurrentVersionDays: 30},
		Milvus: Milvus{
			Namespace:      "milvus",
			ServiceAccount: "milvus-s3-access-sa",
			ReleaseName:    "milvus",
			ChartVersion:   "5.0.19",
			TimeoutSeconds: 1800,
			Authentication: Authentication{Enabled: true},
			LoadBalancer: LoadBalancer{
				Name:         "milvus-" + stack,
				Scheme:       SchemeInternetFacing,
				SourceRanges: []string{"0.0.0.0/0"},
			},
			MixCoordinator: Coordinator{Workload: Workload{Replicas: 1}},
			Proxy:          Workload{Replicas: 1},
		},
	}
}

// Settings is the stack's configuration as the Pulumi engine hands it to the
// program: every key that has a value (the stack file's, and Pulumi.yaml's
// defaults), by full name ("milvus:bucketName"), and which of them are secret.
// The engine has decrypted secrets by then; this package never prints them.
type Settings struct {
	Values map[string]string
	Secret map[string]bool
}

// The environment variables through which the engine passes the
// configuration to a program (pulumi.EnvConfig and pulumi.EnvConfigSecretKeys
// in the Go SDK; a test holds them equal).
const (
	EnvConfig           = "PULUMI_CONFIG"
	EnvConfigSecretKeys = "PULUMI_CONFIG_SECRET_KEYS"
)

// FromEnvironment reads the Settings the engine passed to this process. The
// SDK's ctx.GetConfig reads the same variable but cannot list the keys, and
// a misspelt key is found only by listing them.
func FromEnvironment(getenv func(string) string) (Settings, error) {
	s := Settings{Values: map[string]string{}, Secret: map[string]bool{}}
	if raw := getenv(EnvConfig); raw != "" {
		if err := json.Unmarshal([]byte(raw), &s.Values); err != nil {
			return Settings{}, fmt.Errorf("reading the stack configuration from %s: %w", EnvConfig, err)
		}
	}
	if raw := getenv(EnvConfigSecretKeys); raw != "" {
		var keys []string
		if err := json.Unmarshal([]byte(raw), &keys); err != nil {
			return Settings{}, fmt.Errorf("reading the secret configuration keys from %s: %w", EnvConfigSecretKeys, err)
		}
		for _, k := range keys {
			s.Secret[k] = true
		}
	}
	return s, nil
}

// display is how a value appears in an error: secrets never do.
func (s Settings) display(key, value string) string {
	if s.Secret[key] && value != "" {
		return SecretMask
	}
	return value
}

// SecretMask stands for a secret value wherever one would be shown.
const SecretMask = "[secret]"

// Key is the full name of one of this project's keys.
func Key(name string) string { return Namespace + ":" + name }

// binding ties one flat configuration key to the field it sets.
type binding struct {
	name string
	dst  any // *string, *Secret, *int, *bool, *onOff or *[]string
}

// bindings lists every key of this project. Pulumi.yaml declares the same
// keys (a test holds the two lists together); Pulumi.yaml can declare only
// strings, integers, booleans and arrays, which is why the keys are flat.
func (c *Config) bindings() []binding {
	m := &c.Milvus
	return []binding{
		{"clusterMode", &c.ClusterMode},
		{"existingClusterName", &c.ExistingCluster.Name},
		{"existingClusterStack", &c.ExistingCluster.Stack},
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
		{"ebsCsiDriver", &c.Addons.EbsCsiDriver.switched},
		{"ebsCsiDriverVersion", &c.Addons.EbsCsiDriver.Version},
		{"loadBalancerController", &c.Addons.LoadBalancerController.switched},
		{"loadBalancerControllerChartVersion", &c.Addons.LoadBalancerController.ChartVersion},
		{"bucketName", &c.Bucket.Name},
		{"bucketNamePrefix", &c.Bucket.NamePrefix},
		{"bucketForceDestroy", &c.Bucket.ForceDestroy},
		{"bucketRetain", &c.Bucket.Retain},
		{"bucketVersioning", &c.Bucket.Versioning},
		{"bucketNoncurrentVersionDays", &c.Bucket.NoncurrentVersionDays},
		{"bucketKmsKeyArn", &c.Bucket.KmsKeyArn},
		{"milvusNamespace", &m.Namespace},
		{"milvusServiceAccount", &m.ServiceAccount},
		{"milvusReleaseName", &m.ReleaseName},
		{"milvusChartVersion", &m.ChartVersion},
		{"milvusTimeoutSeconds", &m.TimeoutSeconds},
		{"milvusAuthentication", &m.Authentication.Enabled},
		{"milvusRootPassword", &m.Authentication.RootPassword},
		{"milvusGenerateRootPassword", &m.Authentication.GenerateRootPassword},
		{"loadBalancerName", &m.LoadBalancer.Name},
		{"loadBalancerScheme", &m.LoadBalancer.Scheme},
		{"loadBalancerSourceRanges", &m.LoadBalancer.SourceRanges},
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
// result. The error, if any, is a Problems listing everything wrong at once:
// values that do not parse, keys this project does not have, and broken rules.
func Load(settings Settings, stack string) (Config, error) {
	cfg := Defaults(stack)
	var problems Problems

	region, ok := settings.Values[RegionKey]
	if !ok || region == "" {
		problems = append(problems, Problem{Key: RegionKey, Rule: "is required: set it with `pulumi config set aws:region us-east-2`"})
	}
	cfg.Region = region

	known := map[string]bool{}
	undecoded := map[string]bool{}
	for _, b := range cfg.bindings() {
		key := Key(b.name)
		known[key] = true
		raw, ok := settings.Values[key]
		if !ok {
			continue
		}
		if rule := decode(raw, b.dst); rule != "" {
			problems = append(problems, Problem{Key: key, Value: settings.display(key, raw), Rule: rule})
			undecoded[key] = true
		}
	}
	problems = append(problems, unknownKeys(settings, known)...)

	// Names that default to "" in Pulumi.yaml derive from the stack name.
	defaults := Defaults(stack)
	if cfg.ClusterName == "" {
		cfg.ClusterName = defaults.ClusterName
	}
	if cfg.Milvus.LoadBalancer.Name == "" {
		cfg.Milvus.LoadBalancer.Name = defaults.Milvus.LoadBalancer.Name
	}
	// The add-ons belong to whoever owns the cluster: on by default on one
	// this stack creates, off on an existing one.
	cfg.Addons.EbsCsiDriver.Enabled = cfg.Addons.EbsCsiDriver.switched.or(cfg.CreatesCluster())
	cfg.Addons.LoadBalancerController.Enabled = cfg.Addons.LoadBalancerController.switched.or(cfg.CreatesCluster())
	if cfg.ClusterMode == ClusterExisting {
		problems = append(problems, createModeKeysSet(settings, cfg, defaults, undecoded)...)
	}

	// A key that failed to decode still holds its default: its rules, and
	// the rules of other keys that name it ("between nodeMinSize (2) and
	// ..."), would speak of a value the user never wrote.
	for _, p := range cfg.Validate(settings.Secret) {
		if !undecoded[p.Key] && !namesAnyOf(p.Rule, undecoded) {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return Config{}, problems
	}
	return cfg, nil
}

// createModeOnly are the keys that describe a cluster the stack creates: its
// name, version, network and nodes. An existing cluster's are its owner's.
var createModeOnly = map[string]bool{
	"clusterName": true, "kubernetesVersion": true,
	"vpcCidr": true, "natGateways": true,
	"existingVpcId": true, "existingPublicSubnetIds": true, "existingPrivateSubnetIds": true,
	"nodeInstanceTypes": true, "nodeMinSize": true, "nodeDesiredSize": true, "nodeMaxSize": true, "nodeDiskSizeGiB": true,
}

// createModeKeysSet reports the create-mode keys that an existing-cluster
// stack sets to something other than their default: they would be ignored,
// and a user who set them expects them to matter.
func createModeKeysSet(settings Settings, cfg, defaults Config, undecoded map[string]bool) Problems {
	var problems Problems
	want := defaults.bindings()
	for i, b := range cfg.bindings() {
		key := Key(b.name)
		if !createModeOnly[b.name] || undecoded[key] {
			continue
		}
		if !reflect.DeepEqual(reflect.ValueOf(b.dst).Elem().Interface(), reflect.ValueOf(want[i].dst).Elem().Interface()) {
			problems = append(problems, Problem{Key: key, Value: settings.display(key, settings.Values[key]),
				Rule: `applies only when clusterMode is "create": an existing cluster's version, network and nodes are its owner's; remove it`})
		}
	}
	return problems
}

// namesAnyOf reports whether a rule names one of the keys, by its short name.
func namesAnyOf(rule string, keys map[string]bool) bool {
	for key := range keys {
		name := strings.TrimPrefix(key, Namespace+":")
		if regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`).MatchString(rule) {
			return true
		}
	}
	return false
}

// unknownKeys reports the keys under this project's namespace that it does
// not read: a misspelt key would otherwise be ignored, and its default used.
func unknownKeys(settings Settings, known map[string]bool) Problems {
	var unknown []string
	for key := range settings.Values {
		if strings.HasPrefix(key, Namespace+":") && !known[key] {
			unknown = append(unknown, key)
		}
	}
	sort.Strings(unknown)
	var problems Problems
	for _, key := range unknown {
		rule := "is not a key of this project"
		if near := nearestKey(strings.TrimPrefix(key, Namespace+":")); near != "" {
			rule += fmt.Sprintf("; did you mean %q?", near)
		}
		problems = append(problems, Problem{Key: key, Value: settings.display(key, settings.Values[key]), Rule: rule})
	}
	return problems
}

// nearestKey is the key name closest to name in spelling, if it is close
// enough to be the likely intent: a difference of case, a key that name
// begins (a unit left off), or at most three edits.
func nearestKey(name string) string {
	for _, known := range KeyNames() {
		if strings.EqualFold(known, name) {
			return known
		}
	}
	for _, known := range KeyNames() {
		if len(name) >= 4 && strings.HasPrefix(strings.ToLower(known), strings.ToLower(name)) {
			return known
		}
	}
	best, bestDistance := "", 4
	for _, known := range KeyNames() {
		if d := editDistance(strings.ToLower(known), strings.ToLower(name)); d < bestDistance {
			best, bestDistance = known, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	previous := make([]int, len(b)+1)
	current := make([]int, len(b)+1)
	for j := range previous {
		previous[j] = j
	}
	for i := 1; i <= len(a); i++ {
		current[0] = i
		for j := 1; j <= len(b); j++ {
			substitution := previous[j-1]
			if a[i-1] != b[j-1] {
				substitution++
			}
			current[j] = min(previous[j]+1, current[j-1]+1, substitution)
		}
		previous, current = current, previous
	}
	return previous[len(b)]
}

// decode parses one raw configuration value into dst and returns the rule it
// breaks, or "". Pulumi hands arrays to the program as JSON text.
func decode(raw string, dst any) string {
	switch dst := dst.(type) {
	case *string:
		*dst = raw
	case *Secret:
		*dst = Secret(raw)
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
	case *onOff:
		if strings.TrimSpace(raw) == "" {
			*dst = unset
			break
		}
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return "must be true, false or empty (on when the stack creates the cluster, off on an existing one)"
		}
		*dst = off
		if b {
			*dst = on
		}
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

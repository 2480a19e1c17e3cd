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
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/agext/levenshtein"

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

	Network   Network
	NodeGroup NodeGroup
	Addons    Addons
	Bucket    Bucket
	Milvus    Milvus
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
	// CertificateArn is an ACM certificate; the NLB terminates TLS with it
	// on Milvus' port. Empty means plain TCP.
	CertificateArn string
	// SourceRanges are the CIDR blocks allowed to reach the load balancer.
	SourceRanges []string
}

// Defaults is the configuration of a stack whose file sets no key: each
// key's Default (Keys), read as the engine would hand it over, and the
// values derived from them.
func Defaults(stack string) Config {
	c := Config{Stack: stack}
	for _, k := range Keys {
		if rule := k.decode(k.DefaultText(), &c); rule != "" {
			panic(fmt.Sprintf("config: the default of %s: %s", k.Name, rule))
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

// FullName is the full name of one of this project's keys
// ("milvus:nodeMinSize"). Code that names a key passes through here, so a
// misspelt name fails the first test that reaches it.
func FullName(name string) string {
	if _, ok := keyNamed(name); !ok {
		panic(fmt.Sprintf("config: %q is not a key of Keys", name))
	}
	return Namespace + ":" + name
}

// Load reads every key of this project over the defaults and validates the
// result. The error, if any, is a Problems listing everything wrong at once,
// in the order of the keys: values that do not parse, keys this project does
// not have, and broken rules.
func Load(settings Settings, stack string) (Config, error) {
	cfg := Config{Stack: stack}
	var problems Problems

	region, ok := settings.Values[RegionKey]
	if !ok || region == "" {
		problems = append(problems, Problem{Key: RegionKey, Rule: "is required: set it with `pulumi config set aws:region us-east-2`"})
	}
	cfg.Region = region

	undecoded := map[string]bool{}
	for _, k := range Keys {
		raw, ok := settings.Values[k.FullName()]
		if !ok {
			raw = k.DefaultText()
		}
		if rule := k.decode(raw, &cfg); rule != "" {
			problems = append(problems, Problem{Key: k.FullName(), Value: settings.display(k.FullName(), raw), Rule: rule})
			undecoded[k.FullName()] = true
			k.decode(k.DefaultText(), &cfg)
		}
	}
	problems = append(problems, unknownKeys(settings)...)
	cfg.derive()

	defaults := Defaults(stack)
	for _, k := range Keys {
		switch {
		case undecoded[k.FullName()]:
		case k.CreateOnly && !cfg.CreatesCluster():
			problems = append(problems, createOnlyKeySet(settings, k, cfg, defaults)...)
		default:
			for _, broken := range k.bind.broken(cfg) {
				key := k.FullName()
				if broken.field != "" {
					key += "." + broken.field
				}
				problems = append(problems, Problem{Key: key, Value: settings.display(k.FullName(), broken.value), Rule: broken.rule})
			}
		}
	}

	// A key that failed to decode holds its default: the rules that compare
	// other keys with it ("between nodeMinSize (2) and ...") would speak of
	// a value the user never wrote.
	for _, p := range cfg.validate(settings.Secret) {
		if !undecoded[p.Key] && !namesAnyOf(p.Rule, undecoded) {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		sortByKey(problems)
		return Config{}, problems
	}
	return cfg, nil
}

// createOnlyKeySet reports a create-mode key that an existing-cluster stack
// sets to something other than its default: it would be ignored, and a user
// who set it expects it to matter.
func createOnlyKeySet(settings Settings, k Key, cfg, defaults Config) Problems {
	if reflect.DeepEqual(k.bind.field(&cfg), k.bind.field(&defaults)) {
		return nil
	}
	return Problems{{Key: k.FullName(), Value: settings.display(k.FullName(), settings.Values[k.FullName()]),
		Rule: `applies only when clusterMode is "create": an existing cluster's version, network and nodes are its owner's; remove it`}}
}

// sortByKey orders problems as the keys are ordered: aws:region first, then
// this project's keys as Keys lists them (the fields of an object key,
// "milvus:etcd.replicas", with the key), then keys it does not have. The
// problems of one key keep their order.
func sortByKey(problems Problems) {
	rank := func(key string) int {
		if key == RegionKey {
			return -1
		}
		for i, k := range Keys {
			if k.FullName() == key || strings.HasPrefix(key, k.FullName()+".") {
				return i
			}
		}
		return len(Keys)
	}
	sort.SliceStable(problems, func(i, j int) bool { return rank(problems[i].Key) < rank(problems[j].Key) })
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
func unknownKeys(settings Settings) Problems {
	var unknown []string
	for key := range settings.Values {
		if _, known := keyNamed(strings.TrimPrefix(key, Namespace+":")); strings.HasPrefix(key, Namespace+":") && !known {
			unknown = append(unknown, key)
		}
	}
	sort.Strings(unknown)
	var problems Problems
	for _, key := range unknown {
		rule := "is not a key of this project"
		if field := retiredKeyField(strings.TrimPrefix(key, Namespace+":")); field != "" {
			rule += fmt.Sprintf(" any more: set the field instead, with `pulumi config set --path %s <value>`", field)
		} else if near := nearestKey(strings.TrimPrefix(key, Namespace+":")); near != "" {
			rule += fmt.Sprintf("; did you mean %q?", near)
		}
		problems = append(problems, Problem{Key: key, Value: settings.display(key, settings.Values[key]), Rule: rule})
	}
	return problems
}

// retiredKeyField is the field of an object key that replaced a retired
// flat workload key ("coordinatorCpuLimit" is now mixCoordinator.cpuLimit),
// or "".
func retiredKeyField(name string) string {
	for prefix, object := range map[string]string{"coordinator": "mixCoordinator", "proxy": "proxy"} {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok || rest == "" {
			continue
		}
		field := strings.ToLower(rest[:1]) + rest[1:]
		k, _ := keyNamed(object)
		if slices.Contains(k.objectFields(), field) {
			return object + "." + field
		}
	}
	return ""
}

// nearestKey is the key name closest to name in spelling, if it is close
// enough to be the likely intent: a difference of case, a key that name
// begins (a unit left off), or at most three edits.
func nearestKey(name string) string {
	lower := strings.ToLower(name)
	for _, k := range Keys {
		if strings.EqualFold(k.Name, name) {
			return k.Name
		}
	}
	for _, k := range Keys {
		if len(name) >= 4 && strings.HasPrefix(strings.ToLower(k.Name), lower) {
			return k.Name
		}
	}
	// Fewer edits than the name has letters: "vpc" is not "etcd".
	best, bestDistance := "", min(4, len(name))
	for _, k := range Keys {
		if d := levenshtein.Distance(strings.ToLower(k.Name), lower, nil); d < bestDistance {
			best, bestDistance = k.Name, d
		}
	}
	return best
}

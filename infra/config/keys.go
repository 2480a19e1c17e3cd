package config

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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
		bind: text(func(c *Config) *string { return &c.ClusterName }, matches(clusterNamePattern, clusterNameRule))},
	{Name: "kubernetesVersion", Group: GroupCluster, Default: "1.34", CreateOnly: true,
		Doc:  "EKS control plane version (major.minor).",
		bind: text(func(c *Config) *string { return &c.KubernetesVersion }, matches(kubernetesVersionPattern, `must be an EKS version such as "1.34"`))},

	{Name: "vpcCidr", Group: GroupNetwork, Default: "10.0.0.0/16", CreateOnly: true,
		Doc:  "Address range of the VPC this stack creates (/16 to /20).",
		bind: text(func(c *Config) *string { return &c.Network.VpcCidr })},
	{Name: "natGateways", Group: GroupNetwork, Default: NatSingle, CreateOnly: true,
		Doc:  `NAT gateways of a new VPC: "single" (one, cheap) or "perAz" (one per zone).`,
		bind: text(func(c *Config) *string { return &c.Network.NatGateways })},
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
			each(matches(instanceTypePattern, "must be an EC2 instance type such as m6i.4xlarge")))},
	{Name: "nodeMinSize", Group: GroupNodes, Default: 2, CreateOnly: true,
		Doc:  "Fewest nodes.",
		bind: number(func(c *Config) *int { return &c.NodeGroup.MinSize }, atLeast(1, "must be at least 1: Milvus needs nodes to run on"))},
	{Name: "nodeDesiredSize", Group: GroupNodes, Default: 2, CreateOnly: true,
		Doc:  "Nodes to start with, between nodeMinSize and nodeMaxSize.",
		bind: number(func(c *Config) *int { return &c.NodeGroup.DesiredSize })},
	{Name: "nodeMaxSize", Group: GroupNodes, Default: 3, CreateOnly: true,
		Doc:  "Most nodes.",
		bind: number(func(c *Config) *int { return &c.NodeGroup.MaxSize })},
	{Name: "nodeDiskSizeGiB", Group: GroupNodes, Default: 100, CreateOnly: true,
		Doc:  "Root volume size of each node, in GiB.",
		bind: number(func(c *Config) *int { return &c.NodeGroup.DiskSizeGiB }, atLeast(minDiskSizeGiB, ""))},

	{Name: "ebsCsiDriver", Group: GroupAddons, Default: "", EmptyMeans: "on in create mode, off in existing mode",
		Doc:  `Install the EBS CSI driver add-on with its IAM role, and make an encrypted gp3 StorageClass the default: "true" or "false".`,
		bind: switchKey(func(c *Config) *onOff { return &c.Addons.EbsCsiDriver.switched })},
	{Name: "ebsCsiDriverVersion", Group: GroupAddons, Default: "", EmptyMeans: "EKS' default for the cluster's version",
		Doc: "EKS add-on version of the EBS CSI driver, such as v1.48.0-eksbuild.1.",
		bind: text(func(c *Config) *string { return &c.Addons.EbsCsiDriver.Version },
			unlessEmpty(matches(addonVersionPattern, `must be an EKS add-on version such as "v1.48.0-eksbuild.1", or empty for EKS' default`)))},
	{Name: "loadBalancerController", Group: GroupAddons, Default: "", EmptyMeans: "on in create mode, off in existing mode",
		Doc:  `Install the AWS Load Balancer Controller with its IAM role (Milvus' NLB needs it; aws partition only): "true" or "false".`,
		bind: switchKey(func(c *Config) *onOff { return &c.Addons.LoadBalancerController.switched })},
	{Name: "loadBalancerControllerChartVersion", Group: GroupAddons, Default: "3.5.0",
		Doc:  "Version of the eks-charts aws-load-balancer-controller chart; its controller's IAM policy must be embedded.",
		bind: text(func(c *Config) *string { return &c.Addons.LoadBalancerController.ChartVersion }, exactVersion("3.5.0"))},

	{Name: "bucketName", Group: GroupBucket, Default: "", EmptyMeans: "generated from bucketNamePrefix",
		Doc:  "Exact S3 bucket name, checked against S3's naming rules.",
		bind: text(func(c *Config) *string { return &c.Bucket.Name }, unlessEmpty(BucketNameRule))},
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
			unlessEmpty(matches(kmsKeyArnPattern, "must be the ARN of a KMS key, such as arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias)")))},

	{Name: "bucketRootPath", Group: GroupBucket, Default: "", EmptyMeans: "the bucket's root",
		Doc:  "Prefix under which Milvus keeps its data in the bucket (the chart's externalS3.rootPath), so that other tools can use other prefixes.",
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
		Doc:  "Version of the zilliztech milvus chart (5.x ships Milvus 2.6).",
		bind: text(func(c *Config) *string { return &c.Milvus.ChartVersion }, exactVersion("5.0.19"))},
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

	{Name: "loadBalancerName", Group: GroupEndpoint, Default: "", EmptyMeans: "`milvus-<stack>`",
		Doc: "Name of the Network Load Balancer in front of Milvus (unique in the account and region).",
		bind: text(func(c *Config) *string { return &c.Milvus.LoadBalancer.Name },
			loadBalancerName)},
	{Name: "loadBalancerScheme", Group: GroupEndpoint, Default: SchemeInternetFacing,
		Doc:  `Load balancer scheme: "internet-facing" or "internal".`,
		bind: text(func(c *Config) *string { return &c.Milvus.LoadBalancer.Scheme }, oneOf(SchemeInternetFacing, SchemeInternal))},
	{Name: "loadBalancerSourceRanges", Group: GroupEndpoint, Default: []string{"0.0.0.0/0"},
		Doc: "CIDR blocks allowed to reach the load balancer.",
		bind: list(func(c *Config) *[]string { return &c.Milvus.LoadBalancer.SourceRanges },
			notEmpty(`at least one CIDR block is required ("0.0.0.0/0" admits every address)`), each(cidrBlock))},

	{Name: "coordinatorReplicas", Group: GroupSizes, Default: 1,
		Doc:  "Replicas of the mixCoordinator; more than one needs coordinatorActiveStandby.",
		bind: number(func(c *Config) *int { return &c.Milvus.MixCoordinator.Replicas }, atLeast(1, ""))},
	{Name: "coordinatorActiveStandby", Group: GroupSizes, Default: false,
		Doc:  "Run the extra coordinator replicas as hot standbys.",
		bind: boolean(func(c *Config) *bool { return &c.Milvus.MixCoordinator.ActiveStandby })},
	{Name: "coordinatorCpuRequest", Group: GroupSizes, Default: "",
		Doc:  "CPU request of the mixCoordinator (a Kubernetes quantity).",
		bind: text(func(c *Config) *string { return &c.Milvus.MixCoordinator.Resources.Requests.CPU }, unlessEmpty(quantity))},
	{Name: "coordinatorMemoryRequest", Group: GroupSizes, Default: "",
		Doc:  "Memory request of the mixCoordinator.",
		bind: text(func(c *Config) *string { return &c.Milvus.MixCoordinator.Resources.Requests.Memory }, unlessEmpty(quantity))},
	{Name: "coordinatorCpuLimit", Group: GroupSizes, Default: "",
		Doc:  "CPU limit of the mixCoordinator.",
		bind: text(func(c *Config) *string { return &c.Milvus.MixCoordinator.Resources.Limits.CPU }, unlessEmpty(quantity))},
	{Name: "coordinatorMemoryLimit", Group: GroupSizes, Default: "",
		Doc:  "Memory limit of the mixCoordinator.",
		bind: text(func(c *Config) *string { return &c.Milvus.MixCoordinator.Resources.Limits.Memory }, unlessEmpty(quantity))},
	{Name: "proxyReplicas", Group: GroupSizes, Default: 1,
		Doc:  "Replicas of the proxy that serves clients.",
		bind: number(func(c *Config) *int { return &c.Milvus.Proxy.Replicas }, atLeast(1, ""))},
	{Name: "proxyCpuRequest", Group: GroupSizes, Default: "",
		Doc:  "CPU request of each proxy.",
		bind: text(func(c *Config) *string { return &c.Milvus.Proxy.Resources.Requests.CPU }, unlessEmpty(quantity))},
	{Name: "proxyMemoryRequest", Group: GroupSizes, Default: "",
		Doc:  "Memory request of each proxy.",
		bind: text(func(c *Config) *string { return &c.Milvus.Proxy.Resources.Requests.Memory }, unlessEmpty(quantity))},
	{Name: "proxyCpuLimit", Group: GroupSizes, Default: "",
		Doc:  "CPU limit of each proxy.",
		bind: text(func(c *Config) *string { return &c.Milvus.Proxy.Resources.Limits.CPU }, unlessEmpty(quantity))},
	{Name: "proxyMemoryLimit", Group: GroupSizes, Default: "",
		Doc:  "Memory limit of each proxy.",
		bind: text(func(c *Config) *string { return &c.Milvus.Proxy.Resources.Limits.Memory }, unlessEmpty(quantity))},
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

// binding ties a key to the field it sets and to the rules its value obeys.
type binding struct {
	kind   string // as Pulumi.yaml declares it
	secret bool
	onOff  bool
	// field is a pointer to the key's field in c: *string, *Secret, *int,
	// *bool, *onOff or *[]string.
	field func(c *Config) any
	// broken lists the rules the key's value in c breaks, with the value
	// each speaks of (an element, for a list).
	broken func(c Config) []violation
}

// violation is one broken rule of one key: the value as shown, and the rule.
type violation struct{ value, rule string }

func text(field func(*Config) *string, rules ...func(string) string) binding {
	return binding{
		kind:  "string",
		field: func(c *Config) any { return field(c) },
		broken: func(c Config) []violation {
			return check(*field(&c), rules, func(s string) string { return s })
		},
	}
}

func number(field func(*Config) *int, rules ...func(int) string) binding {
	return binding{
		kind:  "integer",
		field: func(c *Config) any { return field(c) },
		broken: func(c Config) []violation {
			return check(*field(&c), rules, strconv.Itoa)
		},
	}
}

func boolean(field func(*Config) *bool) binding {
	return binding{kind: "boolean", field: func(c *Config) any { return field(c) }, broken: noRules}
}

func secret(field func(*Config) *Secret) binding {
	return binding{kind: "string", secret: true, field: func(c *Config) any { return field(c) }, broken: noRules}
}

func switchKey(field func(*Config) *onOff) binding {
	return binding{kind: "string", onOff: true, field: func(c *Config) any { return field(c) }, broken: noRules}
}

// list binds a list of strings; its rules see the whole list (notEmpty,
// each).
func list(field func(*Config) *[]string, rules ...func([]string) []violation) binding {
	return binding{
		kind:  "array",
		field: func(c *Config) any { return field(c) },
		broken: func(c Config) []violation {
			var out []violation
			for _, rule := range rules {
				out = append(out, rule(*field(&c))...)
			}
			return out
		},
	}
}

func noRules(Config) []violation { return nil }

// check applies rules to a value; show is how the value appears in a problem.
func check[T any](value T, rules []func(T) string, show func(T) string) []violation {
	var out []violation
	for _, rule := range rules {
		if broken := rule(value); broken != "" {
			out = append(out, violation{show(value), broken})
		}
	}
	return out
}

// decode parses one raw configuration value into the key's field of c and
// returns the rule the text breaks, or "". The engine hands lists to the
// program as JSON text.
func (k Key) decode(raw string, c *Config) string {
	switch dst := k.bind.field(c).(type) {
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
		panic(fmt.Sprintf("config: key %s binds a %T", k.Name, dst))
	}
	return ""
}

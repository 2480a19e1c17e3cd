package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
)

// Problem is one broken rule: which key, what it held, and what the rule is.
type Problem struct {
	Key   string
	Value string // as the user wrote it; empty when the key is missing
	Rule  string
}

func (p Problem) String() string {
	if p.Value == "" {
		return fmt.Sprintf("%s: %s", p.Key, p.Rule)
	}
	return fmt.Sprintf("%s %q: %s", p.Key, p.Value, p.Rule)
}

// Problems is every broken rule of one configuration. It is an error so that
// Load can return it; callers print it whole.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, 0, len(ps)+1)
	lines = append(lines, fmt.Sprintf("invalid configuration (%d problem(s)):", len(ps)))
	for _, p := range ps {
		lines = append(lines, "  - "+p.String())
	}
	return strings.Join(lines, "\n")
}

// Naming rules, each from the documentation of the system that enforces it.
var (
	// AWS region names: us-east-2, eu-central-1, us-gov-west-1, cn-north-1.
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$`)
	// EKS CreateCluster: 1 to 100 characters, starting with a letter or digit,
	// then letters, digits, hyphens and underscores.
	clusterNamePattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$`)
	// Pulumi stack references: [organization/][project/]stack, each part
	// letters, digits, hyphens, underscores and dots.
	stackReferencePattern = regexp.MustCompile(`^([A-Za-z0-9_.-]+/){0,2}[A-Za-z0-9_.-]+$`)
	// EKS versions are major.minor.
	kubernetesVersionPattern = regexp.MustCompile(`^1\.\d{1,2}$`)
	// Kubernetes RFC 1123 labels. Namespaces and Helm releases must be labels;
	// ServiceAccounts may be DNS subdomains, but a label is always one, and
	// the IRSA subject string is simpler without dots.
	dnsLabelPattern = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	// Semantic versions as Helm accepts them for a pinned chart.
	semverPattern = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	// EC2 instance types: family, generation and attributes, a dot, a size.
	instanceTypePattern = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9-]+$`)
	vpcIDPattern        = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	subnetIDPattern     = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	// KMS key ARNs (single- or multi-Region keys); the region is captured.
	kmsKeyArnPattern = regexp.MustCompile(`^arn:aws(?:-cn|-us-gov)?:kms:([a-z0-9-]+):\d{12}:key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)
	// EKS add-on versions: the upstream release and EKS' build of it.
	addonVersionPattern = regexp.MustCompile(`^v\d+\.\d+\.\d+-eksbuild\.\d+$`)
	// Elastic Load Balancing names: up to 32 letters, digits and hyphens, not
	// starting or ending with a hyphen.
	loadBalancerNamePattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$`)
)

const clusterNameRule = "EKS cluster names are 1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit"

// Limits that are not patterns.
const (
	// Helm refuses release names longer than 53 characters.
	maxReleaseNameLength = 53
	// The AWS provider appends a 26-character unique suffix to a bucket prefix,
	// and bucket names end at 63 characters.
	maxBucketPrefixLength = 37
	// VPC sizes the subnet layout supports: /16 gives /19 private subnets.
	minVpcPrefix, maxVpcPrefix = 16, 20
	// EKS needs subnets in at least two availability zones.
	minClusterSubnets = 2
	minDiskSizeGiB    = 20
	minTimeoutSeconds = 60
	// Milvus refuses passwords longer than 256 characters (its
	// proxy.maxPasswordLength); it accepts 6, but a root password on an
	// endpoint that may face the internet should be longer.
	minRootPasswordLength = 12
	maxRootPasswordLength = 256
)

// Validate checks every rule and returns all the problems found, grouped by
// the part of the configuration they concern.
// secret tells which keys were set as secrets.
func (c Config) Validate(secret map[string]bool) Problems {
	var v validator
	if c.Region != "" && !regionPattern.MatchString(c.Region) {
		v.add(RegionKey, c.Region, "must be an AWS region name such as us-east-2")
	}
	switch c.ClusterMode {
	case ClusterCreate:
		v.existingClusterUnset(c.ExistingCluster)
		if !clusterNamePattern.MatchString(c.ClusterName) {
			v.add(Key("clusterName"), c.ClusterName, clusterNameRule)
		}
		if !kubernetesVersionPattern.MatchString(c.KubernetesVersion) {
			v.add(Key("kubernetesVersion"), c.KubernetesVersion, `must be an EKS version such as "1.34"`)
		}
		v.network(c.Network, c.Milvus.LoadBalancer.Scheme)
		v.nodeGroup(c.NodeGroup)
	case ClusterExisting:
		// The create-mode keys are not read; Load reports any that is set.
		v.existingCluster(c.ExistingCluster, c.Stack)
	default:
		v.add(Key("clusterMode"), c.ClusterMode, fmt.Sprintf("must be %q (the stack creates its cluster) or %q (it deploys onto one that exists)", ClusterCreate, ClusterExisting))
	}
	v.addons(c.Addons, c.Region)
	v.bucket(c.Bucket, c.Region)
	v.milvus(c.Milvus, secret)
	return v.problems
}

type validator struct{ problems Problems }

func (v *validator) add(key, value, rule string) {
	v.problems = append(v.problems, Problem{Key: key, Value: value, Rule: rule})
}

// existingClusterUnset checks that a stack creating its cluster names no
// existing one: the user most likely forgot clusterMode.
func (v *validator) existingClusterUnset(e ExistingCluster) {
	for _, key := range []struct{ name, value string }{
		{"existingClusterName", e.Name},
		{"existingClusterStack", e.Stack},
	} {
		if key.value != "" {
			v.add(Key(key.name), key.value, `applies only when clusterMode is "existing": set clusterMode to existing to deploy onto that cluster, or remove it`)
		}
	}
}

// existingCluster checks that exactly one source names the cluster.
func (v *validator) existingCluster(e ExistingCluster, stack string) {
	switch {
	case e.Name == "" && e.Stack == "":
		v.add(Key("clusterMode"), ClusterExisting, "needs the cluster: set existingClusterName (an EKS cluster in aws:region) or existingClusterStack (a platform stack that exports it)")
	case e.Name != "" && e.Stack != "":
		v.add(Key("existingClusterStack"), e.Stack, "set only one of existingClusterName and existingClusterStack")
	case e.Name != "" && !clusterNamePattern.MatchString(e.Name):
		v.add(Key("existingClusterName"), e.Name, clusterNameRule)
	case e.Stack != "" && !stackReferencePattern.MatchString(e.Stack):
		v.add(Key("existingClusterStack"), e.Stack, `must be a stack name such as "acme/platform/prod" (organization/project/stack)`)
	case isThisStack(e.Stack, stack):
		v.add(Key("existingClusterStack"), e.Stack, "names this stack itself; name the stack that owns the cluster")
	}
}

// isThisStack reports whether a stack reference names this stack: its name
// alone, or after this project's (the project is the config namespace).
func isThisStack(reference, stack string) bool {
	parts := strings.Split(reference, "/")
	last := len(parts) - 1
	return parts[last] == stack && (last == 0 || parts[last-1] == Namespace)
}

func (v *validator) network(n Network, scheme string) {
	if n.UsesExistingVpc() {
		if !vpcIDPattern.MatchString(n.ExistingVpcID) {
			v.add(Key("existingVpcId"), n.ExistingVpcID, "must be a VPC ID such as vpc-0123456789abcdef0")
		}
		if len(n.ExistingPrivateSubnetIDs) < minClusterSubnets {
			v.add(Key("existingPrivateSubnetIds"), strings.Join(n.ExistingPrivateSubnetIDs, ","),
				fmt.Sprintf("an existing VPC needs at least %d private subnets, in different availability zones, for the cluster and its nodes", minClusterSubnets))
		}
		if len(n.ExistingPublicSubnetIDs) == 0 && scheme == SchemeInternetFacing {
			v.add(Key("existingPublicSubnetIds"), "", "an internet-facing load balancer needs public subnets: list them, or set loadBalancerScheme to internal")
		}
		for _, list := range []struct {
			field string
			ids   []string
		}{
			{"existingPublicSubnetIds", n.ExistingPublicSubnetIDs},
			{"existingPrivateSubnetIds", n.ExistingPrivateSubnetIDs},
		} {
			for _, id := range list.ids {
				if !subnetIDPattern.MatchString(id) {
					v.add(Key(list.field), id, "must be a subnet ID such as subnet-0123456789abcdef0")
				}
			}
		}
		return
	}
	if len(n.ExistingPublicSubnetIDs) > 0 || len(n.ExistingPrivateSubnetIDs) > 0 {
		v.add(Key("existingVpcId"), "", "existing subnets are named but no existing VPC: set existingVpcId too, or remove the subnet lists")
	}
	prefix, err := netip.ParsePrefix(n.VpcCidr)
	switch {
	case err != nil || !prefix.Addr().Is4():
		v.add(Key("vpcCidr"), n.VpcCidr, "must be an IPv4 CIDR block such as 10.0.0.0/16")
	case prefix.Bits() < minVpcPrefix || prefix.Bits() > maxVpcPrefix:
		v.add(Key("vpcCidr"), n.VpcCidr, fmt.Sprintf("the prefix length must be between /%d and /%d", minVpcPrefix, maxVpcPrefix))
	case prefix.Masked() != prefix:
		v.add(Key("vpcCidr"), n.VpcCidr, fmt.Sprintf("has host bits set; the block is %s", prefix.Masked()))
	}
	if n.NatGateways != NatSingle && n.NatGateways != NatPerAz {
		v.add(Key("natGateways"), n.NatGateways, fmt.Sprintf("must be %q or %q", NatSingle, NatPerAz))
	}
}

func (v *validator) nodeGroup(g NodeGroup) {
	if len(g.InstanceTypes) == 0 {
		v.add(Key("nodeInstanceTypes"), "", "at least one instance type is required")
	}
	for _, t := range g.InstanceTypes {
		if !instanceTypePattern.MatchString(t) {
			v.add(Key("nodeInstanceTypes"), t, "must be an EC2 instance type such as m6i.4xlarge")
		}
	}
	if g.MinSize < 1 {
		v.add(Key("nodeMinSize"), fmt.Sprint(g.MinSize), "must be at least 1: Milvus needs nodes to run on")
	}
	if g.MaxSize < g.MinSize {
		v.add(Key("nodeMaxSize"), fmt.Sprint(g.MaxSize), fmt.Sprintf("must be at least nodeMinSize (%d)", g.MinSize))
	} else if g.DesiredSize < g.MinSize || g.DesiredSize > g.MaxSize {
		v.add(Key("nodeDesiredSize"), fmt.Sprint(g.DesiredSize), fmt.Sprintf("must lie between nodeMinSize (%d) and nodeMaxSize (%d)", g.MinSize, g.MaxSize))
	}
	if g.DiskSizeGiB < minDiskSizeGiB {
		v.add(Key("nodeDiskSizeGiB"), fmt.Sprint(g.DiskSizeGiB), fmt.Sprintf("must be at least %d", minDiskSizeGiB))
	}
}

func (v *validator) addons(a Addons, region string) {
	if a.EbsCsiDriver.Version != "" && !addonVersionPattern.MatchString(a.EbsCsiDriver.Version) {
		v.add(Key("ebsCsiDriverVersion"), a.EbsCsiDriver.Version, `must be an EKS add-on version such as "v1.48.0-eksbuild.1", or empty for EKS' default`)
	}
	lbc := a.LoadBalancerController.ChartVersion
	switch {
	case !semverPattern.MatchString(lbc):
		v.add(Key("loadBalancerControllerChartVersion"), lbc, `must be an exact semantic version such as "3.5.0"`)
	case a.LoadBalancerController.Enabled && !iampolicy.HasLoadBalancerControllerPolicy(lbc):
		v.add(Key("loadBalancerControllerChartVersion"), lbc, fmt.Sprintf(
			"the controller's IAM policy is embedded only for chart versions %s: add the policy published with this release to infra/iampolicy first",
			strings.Join(iampolicy.LoadBalancerControllerChartVersions(), ", ")))
	}
	// The embedded policies name resources as arn:aws:...; the controller
	// publishes other files for the China and GovCloud partitions.
	if partition := iampolicy.Partition(region); a.LoadBalancerController.Enabled && region != "" && partition != "aws" {
		v.add(Key("loadBalancerController"), "true", fmt.Sprintf(
			"the embedded controller IAM policy is for the aws partition, not %s (%s): set it to false and install the controller with that partition's policy", partition, region))
	}
}

func (v *validator) bucket(b Bucket, region string) {
	if b.Retain && b.ForceDestroy {
		v.add(Key("bucketForceDestroy"), "true", "must be false while bucketRetain is true: a retained bucket keeps its data")
	}
	if b.NoncurrentVersionDays < 1 {
		v.add(Key("bucketNoncurrentVersionDays"), fmt.Sprint(b.NoncurrentVersionDays), "must be at least 1")
	}
	if b.KmsKeyArn != "" {
		m := kmsKeyArnPattern.FindStringSubmatch(b.KmsKeyArn)
		switch {
		case m == nil:
			v.add(Key("bucketKmsKeyArn"), b.KmsKeyArn, "must be the ARN of a KMS key, such as arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias)")
		case region != "" && m[1] != region:
			v.add(Key("bucketKmsKeyArn"), b.KmsKeyArn, fmt.Sprintf("the key must be in the bucket's region, %s", region))
		}
	}
	v.bucketName(b)
}

func (v *validator) bucketName(b Bucket) {
	if b.Name != "" {
		if rule := BucketNameRule(b.Name); rule != "" {
			v.add(Key("bucketName"), b.Name, rule)
		}
		return
	}
	switch {
	case b.NamePrefix == "":
		v.add(Key("bucketNamePrefix"), "", "set a bucket name or a name prefix")
	case len(b.NamePrefix) > maxBucketPrefixLength:
		v.add(Key("bucketNamePrefix"), b.NamePrefix, fmt.Sprintf("must be at most %d characters, to leave room for the 26-character generated suffix", maxBucketPrefixLength))
	default:
		// The prefix starts a bucket name, so it obeys the same rules but for
		// its end, which the suffix provides; a complete sample name checks it.
		if rule := BucketNameRule(b.NamePrefix + "0"); rule != "" {
			v.add(Key("bucketNamePrefix"), b.NamePrefix, rule)
		}
	}
}

func (v *validator) milvus(m Milvus, secret map[string]bool) {
	v.authentication(m.Authentication, m.LoadBalancer.Scheme, secret)
	if len(m.LoadBalancer.SourceRanges) == 0 {
		v.add(Key("loadBalancerSourceRanges"), "", `at least one CIDR block is required ("0.0.0.0/0" admits every address)`)
	}
	for _, cidr := range m.LoadBalancer.SourceRanges {
		prefix, err := netip.ParsePrefix(cidr)
		switch {
		case err != nil:
			v.add(Key("loadBalancerSourceRanges"), cidr, "must be a CIDR block such as 203.0.113.0/24")
		case prefix.Masked() != prefix:
			v.add(Key("loadBalancerSourceRanges"), cidr, fmt.Sprintf("has host bits set; the block is %s", prefix.Masked()))
		}
	}
	for _, label := range []struct{ field, name string }{
		{"milvusNamespace", m.Namespace},
		{"milvusServiceAccount", m.ServiceAccount},
		{"milvusReleaseName", m.ReleaseName},
	} {
		if len(label.name) > 63 || !dnsLabelPattern.MatchString(label.name) {
			v.add(Key(label.field), label.name, "must be an RFC 1123 label: at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit")
		}
	}
	if len(m.ReleaseName) > maxReleaseNameLength {
		v.add(Key("milvusReleaseName"), m.ReleaseName, fmt.Sprintf("Helm release names are at most %d characters", maxReleaseNameLength))
	}
	if !semverPattern.MatchString(m.ChartVersion) {
		v.add(Key("milvusChartVersion"), m.ChartVersion, `must be an exact semantic version such as "5.0.19"`)
	}
	if m.TimeoutSeconds < minTimeoutSeconds {
		v.add(Key("milvusTimeoutSeconds"), fmt.Sprint(m.TimeoutSeconds), fmt.Sprintf("must be at least %d", minTimeoutSeconds))
	}
	if !loadBalancerNamePattern.MatchString(m.LoadBalancer.Name) || strings.HasPrefix(m.LoadBalancer.Name, "internal-") {
		v.add(Key("loadBalancerName"), m.LoadBalancer.Name, `load balancer names are 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen nor starting with "internal-"`)
	}
	if m.LoadBalancer.Scheme != SchemeInternetFacing && m.LoadBalancer.Scheme != SchemeInternal {
		v.add(Key("loadBalancerScheme"), m.LoadBalancer.Scheme, fmt.Sprintf("must be %q or %q", SchemeInternetFacing, SchemeInternal))
	}
	if m.MixCoordinator.Replicas < 1 {
		v.add(Key("coordinatorReplicas"), fmt.Sprint(m.MixCoordinator.Replicas), "must be at least 1")
	}
	if m.MixCoordinator.Replicas > 1 && !m.MixCoordinator.ActiveStandby {
		v.add(Key("coordinatorActiveStandby"), "false", "more than one coordinator replica requires coordinatorActiveStandby: true (the chart runs extra coordinators only as standbys)")
	}
	if m.Proxy.Replicas < 1 {
		v.add(Key("proxyReplicas"), fmt.Sprint(m.Proxy.Replicas), "must be at least 1")
	}
	v.resources("coordinator", m.MixCoordinator.Resources)
	v.resources("proxy", m.Proxy.Resources)
}

// authentication checks that Milvus' endpoint has a root password worth the
// name, kept secret, or is not reachable from outside the VPC.
func (v *validator) authentication(a Authentication, scheme string, secret map[string]bool) {
	key := Key("milvusRootPassword")
	switch {
	case !a.Enabled:
		if scheme != SchemeInternal {
			v.add(Key("milvusAuthentication"), "false", "may be off only behind an internal load balancer (loadBalancerScheme: internal)")
		}
	case a.RootPassword == "" && !a.GenerateRootPassword:
		v.add(key, "", "is required while milvusAuthentication is on: set it with `pulumi config set --secret milvusRootPassword <password>`, or set milvusGenerateRootPassword to true")
	case a.RootPassword == "":
	case !secret[key]:
		v.add(key, SecretMask, "must be set as a secret, with `pulumi config set --secret milvusRootPassword <password>`: a plain value is stored in clear text in the stack file")
	case len(a.RootPassword) < minRootPasswordLength || len(a.RootPassword) > maxRootPasswordLength:
		v.add(key, SecretMask, fmt.Sprintf("must be %d to %d characters long", minRootPasswordLength, maxRootPasswordLength))
	}
}

// resources checks the quantities of one workload; component is the prefix of
// its keys ("proxy" for proxyCpuLimit).
func (v *validator) resources(component string, r Resources) {
	for _, q := range []struct{ key, value string }{
		{"CpuRequest", r.Requests.CPU},
		{"MemoryRequest", r.Requests.Memory},
		{"CpuLimit", r.Limits.CPU},
		{"MemoryLimit", r.Limits.Memory},
	} {
		if q.value == "" {
			continue
		}
		if _, err := resource.ParseQuantity(q.value); err != nil {
			v.add(Key(component+q.key), q.value, `must be a Kubernetes quantity such as "500m", "2" or "4Gi"`)
		}
	}
}

// BucketNameRule returns the S3 general purpose bucket naming rule that name
// breaks, or "" when it breaks none. The rules are those of the S3 User Guide,
// "General purpose bucket naming rules".
func BucketNameRule(name string) string {
	switch {
	case len(name) < 3 || len(name) > 63:
		return "bucket names must be 3 to 63 characters long"
	case strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-')
	}) >= 0:
		return "bucket names may contain only lowercase letters, digits, dots and hyphens"
	case !isLowerAlnum(name[0]) || !isLowerAlnum(name[len(name)-1]):
		return "bucket names must begin and end with a letter or digit"
	case strings.Contains(name, ".."):
		return "bucket names must not contain two adjacent dots"
	}
	if addr, err := netip.ParseAddr(name); err == nil && addr.Is4() {
		return "bucket names must not be formatted as an IP address"
	}
	for _, prefix := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, prefix) {
			return fmt.Sprintf("bucket names must not start with the reserved prefix %q", prefix)
		}
	}
	for _, suffix := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, suffix) {
			return fmt.Sprintf("bucket names must not end with the reserved suffix %q", suffix)
		}
	}
	return ""
}

func isLowerAlnum(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

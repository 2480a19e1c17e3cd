package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/milvus-eks/milvus-eks/infra/components/lbcontroller/controllerpolicy"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
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
	dnsLabelPattern     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	dnsSubdomainPattern = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)
	// Semantic versions as Helm accepts them for a pinned chart.
	semverPattern = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	// EC2 instance types: family, generation and attributes, a dot, a size.
	instanceTypePattern = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9-]+$`)
	vpcIDPattern        = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	subnetIDPattern     = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	// KMS key ARNs (single- or multi-Region keys); the region is captured.
	kmsKeyArnPattern = regexp.MustCompile(`^arn:aws(?:-cn|-us-gov)?:kms:([a-z0-9-]+):\d{12}:key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)
	// ACM certificate ARNs; the region is captured.
	certificateArnPattern = regexp.MustCompile(`^arn:aws(?:-cn|-us-gov)?:acm:([a-z0-9-]+):\d{12}:certificate/[0-9a-f-]{36}$`)
	// IAM principals an access entry may name: roles (with a path) and users.
	principalArnPattern = regexp.MustCompile(`^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:(role|user)/[\w+=,.@/-]+$`)
	// Availability zone names: the region's name and a letter.
	zonePattern = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-\d+[a-z]$`)
	// EKS add-on versions: the upstream release and EKS' build of it.
	addonVersionPattern = regexp.MustCompile(`^v\d+\.\d+\.\d+-eksbuild\.\d+$`)
	// Milvus' root path in the bucket: S3 key segments of letters, digits,
	// hyphens, underscores and dots, joined by single slashes. Narrower
	// than S3 allows, since the chart writes the value into milvus.yaml
	// unquoted, where "true", "*x" or "!x" would not stay a string.
	rootPathPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]*(/[A-Za-z0-9._-]+)*$`)
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
	// A prefix of S3 keys, which are at most 1,024 bytes: a quarter of it
	// leaves Milvus room for its own paths.
	maxRootPathLength     = 256
	minRootPasswordLength = 12
	maxRootPasswordLength = 256
)

// validate checks the rules that relate keys to each other, or that apply
// only in some settings; the rules of each key's own value are in Keys.
// secret tells which keys were set as secrets.
func (c Config) validate(secret map[string]bool) Problems {
	var v validator
	if c.Region != "" && !regionPattern.MatchString(c.Region) {
		v.add(RegionKey, c.Region, "must be an AWS region name such as us-east-2")
	}
	switch c.ClusterMode {
	case ClusterCreate:
		v.existingClusterUnset(c.ExistingCluster)
		v.network(c.Network, c.Milvus.LoadBalancer.Scheme)
		v.nodeGroup(c.NodeGroup)
	case ClusterExisting:
		// The create-mode keys are not read; Load reports any that is set.
		v.existingCluster(c.ExistingCluster, c.Stack)
	}
	v.addons(c.Addons, c.Region)
	v.bucket(c.Bucket, c.Region)
	v.exposure(c)
	if c.CreatesCluster() {
		v.zones(c.Network.AvailabilityZones, c.Region)
	}
	if m := certificateArnPattern.FindStringSubmatch(c.Milvus.LoadBalancer.CertificateArn); m != nil && c.Region != "" && m[1] != c.Region {
		v.add(FullName("loadBalancerCertificateArn"), c.Milvus.LoadBalancer.CertificateArn, fmt.Sprintf("the certificate must be in the load balancer's region, %s", c.Region))
	}
	v.milvus(c.Milvus, c.Bucket.RootPath, secret)
	if c.CreatesCluster() {
		v.capacity(c)
	}
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
			v.add(FullName(key.name), key.value, `applies only when clusterMode is "existing": set clusterMode to existing to deploy onto that cluster, or remove it`)
		}
	}
}

// existingCluster checks that exactly one source names the cluster.
func (v *validator) existingCluster(e ExistingCluster, stack string) {
	switch {
	case e.Name == "" && e.Stack == "":
		v.add(FullName("clusterMode"), ClusterExisting, "needs the cluster: set existingClusterName (an EKS cluster in aws:region) or existingClusterStack (a platform stack that exports it)")
	case e.Name != "" && e.Stack != "":
		v.add(FullName("existingClusterStack"), e.Stack, "set only one of existingClusterName and existingClusterStack")
	case e.Name != "" && !clusterNamePattern.MatchString(e.Name):
		v.add(FullName("existingClusterName"), e.Name, clusterNameRule)
	case e.Stack != "" && !stackReferencePattern.MatchString(e.Stack):
		v.add(FullName("existingClusterStack"), e.Stack, `must be a stack name such as "acme/platform/prod" (organization/project/stack)`)
	case isThisStack(e.Stack, stack):
		v.add(FullName("existingClusterStack"), e.Stack, "names this stack itself; name the stack that owns the cluster")
	}
}

// isThisStack reports whether a stack reference names this stack: its name
// alone, or after this project's (the project is the config namespace).
func isThisStack(reference, stack string) bool {
	parts := strings.Split(reference, "/")
	last := len(parts) - 1
	return parts[last] == stack && (last == 0 || parts[last-1] == Namespace)
}

// network checks the VPC keys, which mean different things with and
// without an existing VPC.
func (v *validator) network(n Network, scheme string) {
	if n.UsesExistingVpc() {
		if !vpcIDPattern.MatchString(n.ExistingVpcID) {
			v.add(FullName("existingVpcId"), n.ExistingVpcID, "must be a VPC ID such as vpc-0123456789abcdef0")
		}
		if len(n.ExistingPrivateSubnetIDs) < minClusterSubnets {
			v.add(FullName("existingPrivateSubnetIds"), strings.Join(n.ExistingPrivateSubnetIDs, ","),
				fmt.Sprintf("an existing VPC needs at least %d private subnets, in different availability zones, for the cluster and its nodes", minClusterSubnets))
		}
		if len(n.ExistingPublicSubnetIDs) == 0 && scheme == SchemeInternetFacing {
			v.add(FullName("existingPublicSubnetIds"), "", "an internet-facing load balancer needs public subnets: list them, or set loadBalancerScheme to internal")
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
					v.add(FullName(list.field), id, "must be a subnet ID such as subnet-0123456789abcdef0")
				}
			}
		}
		return
	}
	if len(n.ExistingPublicSubnetIDs) > 0 || len(n.ExistingPrivateSubnetIDs) > 0 {
		v.add(FullName("existingVpcId"), "", "existing subnets are named but no existing VPC: set existingVpcId too, or remove the subnet lists")
	}
	if n.ExistingVpcS3Endpoint == S3EndpointCreate {
		v.add(FullName("existingVpcS3Endpoint"), n.ExistingVpcS3Endpoint, "applies only with existingVpcId: a VPC this stack creates always gets its S3 endpoint")
	}
	prefix, err := netip.ParsePrefix(n.VpcCidr)
	switch {
	case err != nil || !prefix.Addr().Is4():
		v.add(FullName("vpcCidr"), n.VpcCidr, "must be an IPv4 CIDR block such as 10.0.0.0/16")
	case prefix.Bits() < minVpcPrefix || prefix.Bits() > maxVpcPrefix:
		v.add(FullName("vpcCidr"), n.VpcCidr, fmt.Sprintf("the prefix length must be between /%d and /%d", minVpcPrefix, maxVpcPrefix))
	case prefix.Masked() != prefix:
		v.add(FullName("vpcCidr"), n.VpcCidr, fmt.Sprintf("has host bits set; the block is %s", prefix.Masked()))
	}
	if n.NatGateways != NatSingle && n.NatGateways != NatPerAz {
		v.add(FullName("natGateways"), n.NatGateways, fmt.Sprintf("must be %q or %q", NatSingle, NatPerAz))
	}
}

func (v *validator) nodeGroup(g NodeGroup) {
	if g.MaxSize < g.MinSize {
		v.add(FullName("nodeMaxSize"), fmt.Sprint(g.MaxSize), fmt.Sprintf("must be at least nodeMinSize (%d)", g.MinSize))
	} else if g.DesiredSize < g.MinSize || g.DesiredSize > g.MaxSize {
		v.add(FullName("nodeDesiredSize"), fmt.Sprint(g.DesiredSize), fmt.Sprintf("must lie between nodeMinSize (%d) and nodeMaxSize (%d)", g.MinSize, g.MaxSize))
	}
}

func (v *validator) addons(a Addons, region string) {
	lbc := a.LoadBalancerController.ChartVersion
	if a.LoadBalancerController.Enabled && semverPattern.MatchString(lbc) && !controllerpolicy.Has(lbc) {
		v.add(FullName("loadBalancerControllerChartVersion"), lbc, fmt.Sprintf(
			"the controller's IAM policy is embedded only for chart versions %s: add the policy published with this release to infra/components/lbcontroller/controllerpolicy first",
			strings.Join(controllerpolicy.ChartVersions(), ", ")))
	}
	// The embedded policies name resources as arn:aws:...; the controller
	// publishes other files for the China and GovCloud partitions.
	if partition := iampolicy.Partition(region); a.LoadBalancerController.Enabled && region != "" && partition != "aws" {
		v.add(FullName("loadBalancerController"), "true", fmt.Sprintf(
			"the embedded controller IAM policy is for the aws partition, not %s (%s): set it to false and install the controller with that partition's policy", partition, region))
	}
}

func (v *validator) bucket(b Bucket, region string) {
	if b.Retain && b.ForceDestroy {
		v.add(FullName("bucketForceDestroy"), "true", "must be false while bucketRetain is true: a retained bucket keeps its data")
	}
	if m := kmsKeyArnPattern.FindStringSubmatch(b.KmsKeyArn); m != nil && region != "" && m[1] != region {
		v.add(FullName("bucketKmsKeyArn"), b.KmsKeyArn, fmt.Sprintf("the key must be in the bucket's region, %s", region))
	}
	if b.Name != "" {
		return
	}
	// Without a name, the prefix starts a generated one.
	switch {
	case b.NamePrefix == "":
		v.add(FullName("bucketNamePrefix"), "", "set a bucket name or a name prefix")
	case len(b.NamePrefix) > maxBucketPrefixLength:
		v.add(FullName("bucketNamePrefix"), b.NamePrefix, fmt.Sprintf("must be at most %d characters, to leave room for the 26-character generated suffix", maxBucketPrefixLength))
	default:
		// The prefix obeys the rules of a name but for its end, which the
		// suffix provides; a complete sample name checks it.
		if rule := BucketNameRule(b.NamePrefix + "0"); rule != "" {
			v.add(FullName("bucketNamePrefix"), b.NamePrefix, rule)
		}
	}
}

func (v *validator) milvus(m Milvus, rootPath string, secret map[string]bool) {
	v.authentication(m.Authentication, m.LoadBalancer.Scheme, secret)
	w := m.Workloads
	if w.MixCoordinator.Replicas > 1 && !w.MixCoordinator.ActiveStandby {
		v.add(FullName("mixCoordinator")+".activeStandby", "false", fmt.Sprintf("must be true with %d replicas: the chart runs extra coordinators only as standbys", w.MixCoordinator.Replicas))
	}
	if m.MessageQueue == QueueWoodpecker && rootPath == "" {
		v.add(FullName("bucketRootPath"), "", "must not be empty with messageQueue woodpecker: Woodpecker writes its log under <bucketRootPath>/wp, which at the bucket's root would be keys starting with a slash")
	}
	if m.SpreadAcrossZones && w.Etcd.Replicas < quorumReplicas {
		v.add(FullName("etcd")+".replicas", fmt.Sprint(w.Etcd.Replicas), fmt.Sprintf("must be at least %d with spreadAcrossZones: fewer replicas cannot keep a quorum when a zone is lost", quorumReplicas))
	}
}

// everyAddress is the CIDR block that admits every IPv4 address.
const everyAddress = "0.0.0.0/0"

// exposure checks what production may open to whom: Milvus' endpoint and
// the cluster's API. Authentication off behind an internet-facing load
// balancer is refused everywhere (authentication).
func (v *validator) exposure(c Config) {
	if !c.Production {
		return
	}
	const because = "in production (production: true)"
	lb := c.Milvus.LoadBalancer
	if lb.Scheme == SchemeInternetFacing {
		if lb.CertificateArn == "" {
			v.add(FullName("loadBalancerCertificateArn"), "", "is required "+because+" with an internet-facing load balancer: the root password would cross the internet in clear text; name an ACM certificate, or set loadBalancerScheme to internal")
		}
		if slices.Contains(lb.SourceRanges, everyAddress) {
			v.add(FullName("loadBalancerSourceRanges"), everyAddress, "must not admit every address "+because+" with an internet-facing load balancer: list the clients' CIDR blocks, or set loadBalancerScheme to internal")
		}
	}
	if !c.CreatesCluster() {
		return // the cluster's API is its owner's
	}
	if slices.Contains(c.ControlPlane.PublicCidrs, everyAddress) {
		v.add(FullName("clusterEndpointPublicCidrs"), everyAddress, "must not admit every address "+because+": list the CIDR blocks of the deployers and CI, or set it to [] to turn the public endpoint off")
	}
	if !c.ControlPlane.Logs {
		v.add(FullName("controlPlaneLogs"), "false", "must be true "+because+": the audit log is the record of who did what to the cluster")
	}
}

// Warnings are what a stack may do but should not, printed by the program:
// a non-production stack open to the internet.
func (c Config) Warnings() []string {
	lb := c.Milvus.LoadBalancer
	if c.Production || lb.Scheme != SchemeInternetFacing {
		return nil
	}
	var out []string
	if lb.CertificateArn == "" {
		out = append(out, "Milvus' internet-facing load balancer has no TLS (loadBalancerCertificateArn): the root password crosses the internet in clear text")
	}
	if slices.Contains(lb.SourceRanges, everyAddress) {
		out = append(out, "Milvus' internet-facing load balancer admits every address (loadBalancerSourceRanges 0.0.0.0/0)")
	}
	return out
}

// VpcZones is how many availability zones a VPC the stack creates spans
// (the network component's Zones; a test holds them equal).
const VpcZones = 3

// zones checks named availability zones: as many as the VPC spans,
// distinct, in the region.
func (v *validator) zones(zones []string, region string) {
	key := FullName("availabilityZones")
	if len(zones) == 0 {
		return
	}
	if len(zones) != VpcZones {
		v.add(key, strings.Join(zones, ","), fmt.Sprintf("must name exactly %d zones, one per subnet pair of the VPC, or none for the region's default ones", VpcZones))
	}
	seen := map[string]bool{}
	for _, z := range zones {
		switch {
		case seen[z]:
			v.add(key, z, "is named twice")
		case region != "" && zonePattern.MatchString(z) && !strings.HasPrefix(z, region):
			v.add(key, z, fmt.Sprintf("is not a zone of %s", region))
		}
		seen[z] = true
	}
}

// quorumReplicas is the fewest replicas of a quorum (etcd, ZooKeeper) that
// survive the loss of one zone when spread over three.
const quorumReplicas = 3

// The fields of a workload key, for its description.
const (
	workloadFields = "Fields: replicas, and each replica's cpuRequest and memoryRequest (required: no pod runs best-effort) and cpuLimit and memoryLimit (empty for none), as Kubernetes quantities; fields left out keep their defaults."
	// Pulsar's JVMs are sized from their memory request (milvus/values).
	pulsarHeapAndDirect = " Its JVM gets a quarter of memoryRequest as heap and half as direct memory, so that it stays within the request."
	pulsarHeapOnly      = " Its JVM gets half of memoryRequest as heap, so that it stays within the request."
)

// workload is the rule of a workload's own fields.
func workload(w sizing.Workload) []violation {
	var out []violation
	if w.Replicas < 1 {
		out = append(out, violation{field: "replicas", value: fmt.Sprint(w.Replicas), rule: "must be at least 1"})
	}
	for _, q := range []struct {
		field, value string
		required     bool
	}{
		{"cpuRequest", w.CPURequest, true},
		{"memoryRequest", w.MemoryRequest, true},
		{"cpuLimit", w.CPULimit, false},
		{"memoryLimit", w.MemoryLimit, false},
	} {
		switch {
		case q.value == "" && q.required:
			out = append(out, violation{field: q.field, rule: "is required: a pod without requests runs best-effort, the first the kubelet evicts"})
		case q.value == "":
		case quantity(q.value) != "":
			out = append(out, violation{field: q.field, value: q.value, rule: quantity(q.value)})
		case isZeroOrLess(q.value):
			out = append(out, violation{field: q.field, value: q.value, rule: "must be more than zero"})
		}
	}
	for _, pair := range []struct{ limit, request, limitField, requestField string }{
		{w.CPULimit, w.CPURequest, "cpuLimit", "cpuRequest"},
		{w.MemoryLimit, w.MemoryRequest, "memoryLimit", "memoryRequest"},
	} {
		if pair.limit == "" || quantity(pair.limit) != "" || quantity(pair.request) != "" || pair.request == "" {
			continue
		}
		if limit, request := resource.MustParse(pair.limit), resource.MustParse(pair.request); limit.Cmp(request) < 0 {
			out = append(out, violation{field: pair.limitField, value: pair.limit, rule: fmt.Sprintf("must be at least %s (%s)", pair.requestField, pair.request)})
		}
	}
	return out
}

func isZeroOrLess(q string) bool {
	v := resource.MustParse(q)
	return v.Sign() <= 0
}

func etcdRules(e sizing.Etcd) []violation {
	out := workload(e.Workload)
	if e.Replicas >= 1 && e.Replicas%2 == 0 {
		out = append(out, violation{field: "replicas", value: fmt.Sprint(e.Replicas), rule: "must be odd (1, 3, 5): an even number of etcd members tolerates no more failures than one fewer"})
	}
	out = append(out, atLeastGiB("volumeGiB", e.VolumeGiB)...)
	if e.StorageClass != "" && dnsSubdomain(e.StorageClass) != "" {
		out = append(out, violation{field: "storageClass", value: e.StorageClass, rule: dnsSubdomain(e.StorageClass)})
	}
	return out
}

func atLeastGiB(field string, n int) []violation {
	if n < 1 {
		return []violation{{field: field, value: fmt.Sprint(n), rule: "must be at least 1 (GiB)"}}
	}
	return nil
}

// dnsSubdomain is the rule of Kubernetes object names such as StorageClasses.
func dnsSubdomain(s string) string {
	if len(s) > 253 || !dnsSubdomainPattern.MatchString(s) {
		return "must be a Kubernetes object name: at most 253 lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit"
	}
	return ""
}

// authentication checks that Milvus' endpoint has a root password worth the
// name, kept secret, or is not reachable from outside the VPC.
func (v *validator) authentication(a Authentication, scheme string, secret map[string]bool) {
	key := FullName("milvusRootPassword")
	switch {
	case !a.Enabled:
		if scheme != SchemeInternal {
			v.add(FullName("milvusAuthentication"), "false", "may be off only behind an internal load balancer (loadBalancerScheme: internal)")
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

// The rules of single values that Keys name.

func oneOf(allowed ...string) func(string) string {
	return func(s string) string {
		for _, a := range allowed {
			if s == a {
				return ""
			}
		}
		quoted := make([]string, len(allowed))
		for i, a := range allowed {
			quoted[i] = strconv.Quote(a)
		}
		return "must be " + strings.Join(quoted, " or ")
	}
}

func clusterMode(s string) string {
	if s == ClusterCreate || s == ClusterExisting {
		return ""
	}
	return fmt.Sprintf("must be %q (the stack creates its cluster) or %q (it deploys onto one that exists)", ClusterCreate, ClusterExisting)
}

func matches(pattern *regexp.Regexp, rule string) func(string) string {
	return func(s string) string {
		if pattern.MatchString(s) {
			return ""
		}
		return rule
	}
}

// unlessEmpty applies rule to a value that is set: empty has a meaning of
// its own (Key.EmptyMeans).
func unlessEmpty(rule func(string) string) func(string) string {
	return func(s string) string {
		if s == "" {
			return ""
		}
		return rule(s)
	}
}

func atLeast(least int, rule string) func(int) string {
	if rule == "" {
		rule = fmt.Sprintf("must be at least %d", least)
	}
	return func(n int) string {
		if n < least {
			return rule
		}
		return ""
	}
}

func maxLength(most int, what string) func(string) string {
	return func(s string) string {
		if len(s) > most {
			return fmt.Sprintf("%s are at most %d characters", what, most)
		}
		return ""
	}
}

// exactVersion is the rule of a pinned chart version.
func exactVersion(example string) func(string) string {
	return matches(semverPattern, fmt.Sprintf("must be an exact semantic version such as %q", example))
}

func dnsLabel(s string) string {
	if len(s) > 63 || !dnsLabelPattern.MatchString(s) {
		return "must be an RFC 1123 label: at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"
	}
	return ""
}

func rootPath(s string) string {
	if len(s) > maxRootPathLength || !rootPathPattern.MatchString(s) {
		return fmt.Sprintf("must be at most %d letters, digits, hyphens, underscores and dots in segments joined by single slashes, starting with a letter and with no slash at either end, such as milvus/prod", maxRootPathLength)
	}
	return ""
}

func quantity(s string) string {
	if _, err := resource.ParseQuantity(s); err != nil {
		return `must be a Kubernetes quantity such as "500m", "2" or "4Gi"`
	}
	return ""
}

func principalArn(s string) string {
	if !principalArnPattern.MatchString(s) {
		return "must be the ARN of an IAM role or user, such as arn:aws:iam::111122223333:role/platform-admin (not an assumed-role session)"
	}
	return ""
}

func cidrBlock(s string) string {
	prefix, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		return "must be a CIDR block such as 203.0.113.0/24"
	case prefix.Masked() != prefix:
		return fmt.Sprintf("has host bits set; the block is %s", prefix.Masked())
	}
	return ""
}

const loadBalancerNameRule = `load balancer names are 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen nor starting with "internal-"`

func loadBalancerName(s string) string {
	if !loadBalancerNamePattern.MatchString(s) || strings.HasPrefix(s, "internal-") {
		return loadBalancerNameRule
	}
	return ""
}

// notEmpty is the rule of a list that needs an element.
func notEmpty(rule string) func([]string) []violation {
	return func(l []string) []violation {
		if len(l) == 0 {
			return []violation{{rule: rule}}
		}
		return nil
	}
}

// each applies rule to every element of a list; a problem shows the element.
func each(rule func(string) string) func([]string) []violation {
	return func(l []string) []violation {
		var out []violation
		for _, s := range l {
			if broken := rule(s); broken != "" {
				out = append(out, violation{value: s, rule: broken})
			}
		}
		return out
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

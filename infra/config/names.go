package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/milvus-eks/milvus-eks/infra/charts"
)

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
	// DNS host names (RFC 1123): dot-separated labels of lowercase letters,
	// digits and hyphens, at least two of them.
	hostNamePattern = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	// Route 53 hosted zone IDs: a Z and upper-case letters and digits.
	hostedZoneIDPattern = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
	// Elastic Load Balancing names: up to 32 letters, digits and hyphens, not
	// starting or ending with a hyphen.
	loadBalancerNamePattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$`)
)

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
	// A prefix of S3 keys, which are at most 1,024 bytes: a quarter of it
	// leaves Milvus room for its own paths.
	maxRootPathLength = 256
	// Milvus refuses passwords longer than 256 characters (its
	// proxy.maxPasswordLength); it accepts 6, but a root password on an
	// endpoint that may face the internet should be longer.
	minRootPasswordLength = 12
	maxRootPasswordLength = 256
)

// The rules of single values that Keys name. Each returns what its value
// breaks, or the zero finding.

func oneOf(allowed ...string) func(string) finding {
	return func(s string) finding {
		for _, a := range allowed {
			if s == a {
				return finding{}
			}
		}
		quoted := make([]string, len(allowed))
		for i, a := range allowed {
			quoted[i] = strconv.Quote(a)
		}
		return broke("one-of", "must be "+strings.Join(quoted, " or "))
	}
}

func clusterMode(s string) finding {
	if s == ClusterCreate || s == ClusterExisting {
		return finding{}
	}
	return broke("cluster-mode", "must be %q (the stack creates its cluster) or %q (it deploys onto one that exists)", ClusterCreate, ClusterExisting)
}

func clusterName(s string) finding {
	if clusterNamePattern.MatchString(s) {
		return finding{}
	}
	return broke("cluster-name", "EKS cluster names are 1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit")
}

func matches(pattern *regexp.Regexp, code Code, rule string) func(string) finding {
	return func(s string) finding {
		if pattern.MatchString(s) {
			return finding{}
		}
		return broke(code, rule)
	}
}

// unlessEmpty applies rule to a value that is set: empty has a meaning of
// its own (Key.EmptyMeans).
func unlessEmpty(rule func(string) finding) func(string) finding {
	return func(s string) finding {
		if s == "" {
			return finding{}
		}
		return rule(s)
	}
}

func atLeast(least int, rule string) func(int) finding {
	if rule == "" {
		rule = fmt.Sprintf("must be at least %d", least)
	}
	return func(n int) finding {
		if n < least {
			return broke("too-small", rule)
		}
		return finding{}
	}
}

func maxLength(most int, what string) func(string) finding {
	return func(s string) finding {
		if len(s) > most {
			return broke("too-long", "%s are at most %d characters", what, most)
		}
		return finding{}
	}
}

// exactVersion is the rule of a pinned chart version.
// vendoredChart accepts an exact version of chart that infra/charts holds:
// the releases install from the repository's archives alone.
func vendoredChart(chart string) func(string) finding {
	return func(s string) finding {
		held := strings.Join(charts.Versions(chart), ", ")
		if !semverPattern.MatchString(s) {
			return broke("chart-version", "must be an exact semantic version such as %q", charts.Versions(chart)[0])
		}
		if _, ok := charts.Find(chart, s); !ok {
			return broke("chart-not-vendored", "the repository holds chart %s at %s only: vendor this version into %s first (%s/README.md says how)", chart, held, charts.Dir, charts.Dir)
		}
		return finding{}
	}
}

func dnsLabel(s string) finding {
	if len(s) > 63 || !dnsLabelPattern.MatchString(s) {
		return broke("dns-label", "must be an RFC 1123 label: at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit")
	}
	return finding{}
}

// dnsSubdomain is the rule of Kubernetes object names such as StorageClasses.
func dnsSubdomain(s string) finding {
	if len(s) > 253 || !dnsSubdomainPattern.MatchString(s) {
		return broke("dns-subdomain", "must be a Kubernetes object name: at most 253 lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit")
	}
	return finding{}
}

func rootPath(s string) finding {
	if len(s) > maxRootPathLength || !rootPathPattern.MatchString(s) {
		return broke("root-path", "must be at most %d letters, digits, hyphens, underscores and dots in segments joined by single slashes, starting with a letter and with no slash at either end, such as milvus/prod", maxRootPathLength)
	}
	return finding{}
}

func quantity(s string) finding {
	if _, err := resource.ParseQuantity(s); err != nil {
		return broke("quantity", `must be a Kubernetes quantity such as "500m", "2" or "4Gi"`)
	}
	return finding{}
}

func principalArn(s string) finding {
	if !principalArnPattern.MatchString(s) {
		return broke("principal-arn", "must be the ARN of an IAM role or user, such as arn:aws:iam::111122223333:role/platform-admin (not an assumed-role session)")
	}
	// IAM Identity Center's roles live under a path, which EKS needs in
	// the ARN ("invalid principal" without it).
	resource := s[strings.LastIndex(s, ":")+1:]
	name := resource[strings.LastIndex(resource, "/")+1:]
	if strings.HasPrefix(name, ssoRolePrefix) && !strings.HasPrefix(resource, "role/"+ssoRolePath) {
		return broke("sso-role-path", "is an IAM Identity Center role named without its path, which EKS refuses as an invalid principal: "+
			"give its full ARN, role/%s<region>/%s (no region segment when Identity Center is in us-east-1), as `aws iam get-role --role-name %s` prints it",
			ssoRolePath, name, name)
	}
	return finding{}
}

// IAM Identity Center's roles: their names' prefix, and the path they live
// under (IAM Identity Center user guide, "Referencing permission sets in
// resource policies").
const (
	ssoRolePrefix = "AWSReservedSSO_"
	ssoRolePath   = "aws-reserved/sso.amazonaws.com/"
)

func cidrBlock(s string) finding {
	prefix, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		return broke("cidr-block", "must be a CIDR block such as 203.0.113.0/24")
	case prefix.Masked() != prefix:
		return broke("cidr-host-bits", "has host bits set; the block is %s", prefix.Masked())
	}
	return finding{}
}

func loadBalancerName(s string) finding {
	if !loadBalancerNamePattern.MatchString(s) || strings.HasPrefix(s, "internal-") {
		return broke("load-balancer-name", `load balancer names are 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen nor starting with "internal-"`)
	}
	return finding{}
}

func hostName(s string) finding {
	if len(s) > 253 || !hostNamePattern.MatchString(s) {
		return broke("dns-name", "must be a DNS host name such as milvus.example.com: lowercase letters, digits and hyphens in dot-separated labels")
	}
	return finding{}
}

// notEmpty is the rule of a list that needs an element.
func notEmpty(rule string) func([]string) []violation {
	return func(l []string) []violation {
		if len(l) == 0 {
			return []violation{{finding: broke("empty-list", rule)}}
		}
		return nil
	}
}

// each applies rule to every element of a list; a problem shows the element.
func each(rule func(string) finding) func([]string) []violation {
	return func(l []string) []violation {
		var out []violation
		for _, s := range l {
			if f := rule(s); !f.ok() {
				out = append(out, violation{value: s, finding: f})
			}
		}
		return out
	}
}

// bucketName is the S3 general purpose bucket naming rule that name breaks,
// if any: the rules of the S3 User Guide, "General purpose bucket naming
// rules".
func bucketName(name string) finding {
	switch {
	case len(name) < 3 || len(name) > 63:
		return broke("bucket-name-length", "bucket names must be 3 to 63 characters long")
	case strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-')
	}) >= 0:
		return broke("bucket-name-characters", "bucket names may contain only lowercase letters, digits, dots and hyphens")
	case !isLowerAlnum(name[0]) || !isLowerAlnum(name[len(name)-1]):
		return broke("bucket-name-ends", "bucket names must begin and end with a letter or digit")
	case strings.Contains(name, ".."):
		return broke("bucket-name-dots", "bucket names must not contain two adjacent dots")
	}
	if addr, err := netip.ParseAddr(name); err == nil && addr.Is4() {
		return broke("bucket-name-address", "bucket names must not be formatted as an IP address")
	}
	for _, prefix := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, prefix) {
			return broke("bucket-name-reserved", "bucket names must not start with the reserved prefix %q", prefix)
		}
	}
	for _, suffix := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, suffix) {
			return broke("bucket-name-reserved", "bucket names must not end with the reserved suffix %q", suffix)
		}
	}
	return finding{}
}

func isLowerAlnum(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

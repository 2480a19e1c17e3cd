package config

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/facts"
)

// validate checks the rules that relate keys to each other, or that apply
// only in some settings; the rules of each key's own value are in Keys.
// secret tells which keys were set as secrets.
func (c Config) validate(secret map[string]bool) Problems {
	var v validator
	if c.Region != "" && !regionPattern.MatchString(c.Region) {
		v.add(RegionKey, c.Region, broke("region-name", "must be an AWS region name such as us-east-2"))
	}
	switch c.ClusterMode {
	case ClusterCreate:
		v.existingClusterUnset(c.ExistingCluster)
		v.network(c.Network, c.Milvus.LoadBalancer.Scheme)
		v.zones(c.Network.AvailabilityZones, c.Region)
		v.nodeGroup(c.NodeGroup)
	case ClusterExisting:
		// The create-mode keys are not read; Load reports any that is set.
		v.existingCluster(c.ExistingCluster, c.Stack)
	}
	v.addons(c)
	v.bucket(c.Bucket, c.Region)
	v.exposure(c)
	v.milvus(c, secret)
	v.backups(c)
	v.monitoring(c)
	v.nodePools(c)
	v.proxyAutoscaling(c)
	if c.CreatesCluster() {
		v.capacity(c)
	}
	return v.problems
}

type validator struct{ problems Problems }

// add reports what a rule found, if it found anything.
func (v *validator) add(key, value string, f finding) {
	if f.ok() {
		return
	}
	v.problems = append(v.problems, Problem{Key: key, Value: value, Code: f.code, Rule: f.rule})
}

// existingClusterUnset checks that a stack creating its cluster names no
// existing one: the user most likely forgot clusterMode.
func (v *validator) existingClusterUnset(e ExistingCluster) {
	for _, key := range []struct{ name, value string }{
		{"existingClusterName", e.Name},
		{"existingClusterStack", e.Stack},
	} {
		if key.value != "" {
			v.add(FullName(key.name), key.value, broke("existing-mode-only",
				`applies only when clusterMode is "existing": set clusterMode to existing to deploy onto that cluster, or remove it`))
		}
	}
}

// existingCluster checks that exactly one source names the cluster.
func (v *validator) existingCluster(e ExistingCluster, stack string) {
	switch {
	case e.Name == "" && e.Stack == "":
		v.add(FullName("clusterMode"), ClusterExisting, broke("existing-cluster-unnamed",
			"needs the cluster: set existingClusterName (an EKS cluster in aws:region) or existingClusterStack (a platform stack that exports it)"))
	case e.Name != "" && e.Stack != "":
		v.add(FullName("existingClusterStack"), e.Stack, broke("existing-cluster-twice", "set only one of existingClusterName and existingClusterStack"))
	case e.Name != "" && !clusterName(e.Name).ok():
		v.add(FullName("existingClusterName"), e.Name, clusterName(e.Name))
	case e.Stack != "" && !stackReferencePattern.MatchString(e.Stack):
		v.add(FullName("existingClusterStack"), e.Stack, broke("stack-name", `must be a stack name such as "acme/platform/prod" (organization/project/stack)`))
	case isThisStack(e.Stack, stack):
		v.add(FullName("existingClusterStack"), e.Stack, broke("existing-cluster-self", "names this stack itself; name the stack that owns the cluster"))
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
		v.existingVpc(n, scheme)
		return
	}
	if len(n.ExistingPublicSubnetIDs) > 0 || len(n.ExistingPrivateSubnetIDs) > 0 {
		v.add(FullName("existingVpcId"), "", broke("subnets-without-vpc",
			"existing subnets are named but no existing VPC: set existingVpcId too, or remove the subnet lists"))
	}
	if n.ExistingVpcS3Endpoint == S3EndpointCreate {
		v.add(FullName("existingVpcS3Endpoint"), n.ExistingVpcS3Endpoint, broke("s3-endpoint-of-created-vpc",
			"applies only with existingVpcId: a VPC this stack creates always gets its S3 endpoint"))
	}
	prefix, err := netip.ParsePrefix(n.VpcCidr)
	switch {
	case err != nil || !prefix.Addr().Is4():
		v.add(FullName("vpcCidr"), n.VpcCidr, broke("vpc-cidr", "must be an IPv4 CIDR block such as 10.0.0.0/16"))
	case prefix.Bits() < minVpcPrefix || prefix.Bits() > maxVpcPrefix:
		v.add(FullName("vpcCidr"), n.VpcCidr, broke("vpc-cidr-size", "the prefix length must be between /%d and /%d", minVpcPrefix, maxVpcPrefix))
	case prefix.Masked() != prefix:
		v.add(FullName("vpcCidr"), n.VpcCidr, broke("cidr-host-bits", "has host bits set; the block is %s", prefix.Masked()))
	}
	v.add(FullName("natGateways"), n.NatGateways, oneOf(NatSingle, NatPerAz)(n.NatGateways))
}

// existingVpc checks a VPC the stack brings, and its subnets.
func (v *validator) existingVpc(n Network, scheme string) {
	if !vpcIDPattern.MatchString(n.ExistingVpcID) {
		v.add(FullName("existingVpcId"), n.ExistingVpcID, broke("vpc-id", "must be a VPC ID such as vpc-0123456789abcdef0"))
	}
	if len(n.ExistingPrivateSubnetIDs) < minClusterSubnets {
		v.add(FullName("existingPrivateSubnetIds"), strings.Join(n.ExistingPrivateSubnetIDs, ","), broke("too-few-subnets",
			"an existing VPC needs at least %d private subnets, in different availability zones, for the cluster and its nodes", minClusterSubnets))
	}
	if len(n.ExistingPublicSubnetIDs) == 0 && scheme == SchemeInternetFacing {
		v.add(FullName("existingPublicSubnetIds"), "", broke("public-subnets-missing",
			"an internet-facing load balancer needs public subnets: list them, or set loadBalancerScheme to internal"))
	}
	for _, list := range []struct {
		key string
		ids []string
	}{
		{"existingPublicSubnetIds", n.ExistingPublicSubnetIDs},
		{"existingPrivateSubnetIds", n.ExistingPrivateSubnetIDs},
	} {
		for _, id := range list.ids {
			if !subnetIDPattern.MatchString(id) {
				v.add(FullName(list.key), id, broke("subnet-id", "must be a subnet ID such as subnet-0123456789abcdef0"))
			}
		}
	}
}

// zones checks named availability zones: as many as the VPC spans,
// distinct, in the region.
func (v *validator) zones(zones []string, region string) {
	key := FullName("availabilityZones")
	if len(zones) == 0 {
		return
	}
	if len(zones) != facts.VpcZones {
		v.add(key, strings.Join(zones, ","), broke("zone-count",
			"must name exactly %d zones, one per subnet pair of the VPC, or none for the region's default ones", facts.VpcZones))
	}
	seen := map[string]bool{}
	for _, z := range zones {
		switch {
		case seen[z]:
			v.add(key, z, broke("zone-twice", "is named twice"))
		case region != "" && zonePattern.MatchString(z) && !strings.HasPrefix(z, region):
			v.add(key, z, broke("zone-region", "is not a zone of %s", region))
		}
		seen[z] = true
	}
}

func (v *validator) nodeGroup(g NodeGroup) {
	if g.DesiredSize < g.MinSize {
		v.add(FullName("nodeDesiredSize"), fmt.Sprint(g.DesiredSize), broke("node-desired-outside",
			"must be at least nodeMinSize (%d)", g.MinSize))
	}
}

// addons checks the add-ons: a cluster the stack creates needs both, since
// nothing else would install them before Milvus' release waits for them;
// and the controller's IAM policy must be embedded for its chart and
// partition.
func (v *validator) addons(c Config) {
	a := c.Addons
	if c.CreatesCluster() {
		for _, addon := range []struct {
			key     string
			enabled bool
			why     string
		}{
			{"ebsCsiDriver", a.EbsCsiDriver.Enabled, "etcd's volume claims (and Pulsar's) would never bind, and Milvus' release would time out"},
			{"loadBalancerController", a.LoadBalancerController.Enabled, "Milvus' load balancer Service would keep the address <pending>"},
		} {
			if !addon.enabled {
				v.add(FullName(addon.key), "false", broke("addon-required",
					"must be on when the stack creates its cluster: without it %s; leave it empty, or deploy onto a cluster whose owner installs it (clusterMode existing)", addon.why))
			}
		}
	}
	if !a.LoadBalancerController.Enabled {
		return
	}
	// The embedded policies name resources as arn:aws:...; the controller
	// publishes other files for the China and GovCloud partitions.
	if partition := facts.Partition(c.Region); c.Region != "" && partition != "aws" {
		v.add(FullName("loadBalancerController"), "true", broke("controller-partition",
			"the embedded controller IAM policy is for the aws partition, not %s (%s): deploy onto a cluster whose owner installs the controller with that partition's policy (clusterMode existing, loadBalancerController false)",
			partition, c.Region))
	}
}

func (v *validator) bucket(b Bucket, region string) {
	if b.Retain && b.ForceDestroy {
		v.add(FullName("bucketForceDestroy"), "true", broke("retained-force-destroy", "must be false while bucketRetain is true: a retained bucket keeps its data"))
	}
	if m := kmsKeyArnPattern.FindStringSubmatch(b.KmsKeyArn); m != nil && region != "" && m[1] != region {
		v.add(FullName("bucketKmsKeyArn"), b.KmsKeyArn, broke("kms-key-region", "the key must be in the bucket's region, %s", region))
	}
	if b.Name != "" {
		return
	}
	// Without a name, the prefix starts a generated one.
	switch {
	case b.NamePrefix == "":
		v.add(FullName("bucketNamePrefix"), "", broke("bucket-prefix-missing", "set a bucket name or a name prefix"))
	case len(b.NamePrefix) > maxBucketPrefixLength:
		v.add(FullName("bucketNamePrefix"), b.NamePrefix, broke("bucket-prefix-length",
			"must be at most %d characters, to leave room for the 26-character generated suffix", maxBucketPrefixLength))
	default:
		// The prefix obeys the rules of a name but for its end, which the
		// suffix provides; a complete sample name checks it.
		v.add(FullName("bucketNamePrefix"), b.NamePrefix, bucketName(b.NamePrefix+"0"))
	}
}

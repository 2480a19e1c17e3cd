package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lookupOf serves configuration from a map, as ctx.GetConfig does.
func lookupOf(values map[string]string) Lookup {
	return func(key string) (string, bool) {
		v, ok := values[key]
		return v, ok
	}
}

func TestLoadAppliesDefaults(t *testing.T) {
	cfg, err := Load(lookupOf(map[string]string{"aws:region": "us-east-2"}), "dev")
	require.NoError(t, err)

	want := Defaults("dev")
	want.Region = "us-east-2"
	assert.Equal(t, want, cfg)
	assert.Equal(t, "milvus-dev", cfg.ClusterName)
}

func TestLoadOverridesDefaults(t *testing.T) {
	cfg, err := Load(lookupOf(map[string]string{
		"aws:region":                      "us-east-2",
		"milvus:nodeInstanceTypes":        `["m6i.4xlarge"]`,
		"milvus:nodeMinSize":              "3",
		"milvus:nodeDesiredSize":          "3",
		"milvus:nodeMaxSize":              "6",
		"milvus:coordinatorReplicas":      "2",
		"milvus:coordinatorActiveStandby": "true",
		"milvus:coordinatorCpuLimit":      "1",
		"milvus:coordinatorMemoryLimit":   "2Gi",
		"milvus:clusterName":              "milvus-prod",
	}), "prod")
	require.NoError(t, err)

	assert.Equal(t, NodeGroup{InstanceTypes: []string{"m6i.4xlarge"}, MinSize: 3, DesiredSize: 3, MaxSize: 6, DiskSizeGiB: 100}, cfg.NodeGroup)
	assert.Equal(t, Coordinator{Workload: Workload{Replicas: 2, Resources: Resources{Limits: ResourceList{CPU: "1", Memory: "2Gi"}}}, ActiveStandby: true}, cfg.Milvus.MixCoordinator)
	// Keys left out keep their defaults.
	assert.Equal(t, "milvus-s3-access-sa", cfg.Milvus.ServiceAccount)
	assert.Equal(t, "milvus-prod", cfg.ClusterName)
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(lookupOf(map[string]string{
		"aws:region":               "us-east-2",
		"milvus:bucketName":        "My_Bucket",
		"milvus:nodeInstanceTypes": `[]`,
		"milvus:nodeMinSize":       "3",
		"milvus:nodeDesiredSize":   "2",
		"milvus:nodeMaxSize":       "4",
	}), "dev")

	var problems Problems
	require.True(t, errors.As(err, &problems), "error %v is not Problems", err)
	assert.Equal(t, Problems{
		{Key: "milvus:nodeInstanceTypes", Rule: "at least one instance type is required"},
		{Key: "milvus:nodeDesiredSize", Value: "2", Rule: "must lie between nodeMinSize (3) and nodeMaxSize (4)"},
		{Key: "milvus:bucketName", Value: "My_Bucket", Rule: "bucket names may contain only lowercase letters, digits, dots and hyphens"},
	}, problems)
	assert.Equal(t, `invalid configuration (3 problem(s)):
  - milvus:nodeInstanceTypes: at least one instance type is required
  - milvus:nodeDesiredSize "2": must lie between nodeMinSize (3) and nodeMaxSize (4)
  - milvus:bucketName "My_Bucket": bucket names may contain only lowercase letters, digits, dots and hyphens`, err.Error())
}

// A key that fails to parse, or a missing region, does not hide the problems
// of the other keys; but a key that failed to parse is not also checked with
// its default value.
func TestLoadReportsParseAndRuleProblemsTogether(t *testing.T) {
	_, err := Load(lookupOf(map[string]string{
		"milvus:nodeMinSize":      "three",
		"milvus:nodeDesiredSize":  "0",
		"milvus:milvusNamespace":  "Milvus",
		"milvus:proxyMemoryLimit": "lots",
	}), "dev")
	var problems Problems
	require.True(t, errors.As(err, &problems), "error %v is not Problems", err)
	assert.Equal(t, Problems{
		{Key: "aws:region", Rule: "is required: set it with `pulumi config set aws:region us-east-2`"},
		{Key: "milvus:nodeMinSize", Value: "three", Rule: "must be a whole number"},
		{Key: "milvus:nodeDesiredSize", Value: "0", Rule: "must lie between nodeMinSize (2) and nodeMaxSize (3)"},
		{Key: "milvus:milvusNamespace", Value: "Milvus", Rule: "must be an RFC 1123 label: at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"},
		{Key: "milvus:proxyMemoryLimit", Value: "lots", Rule: `must be a Kubernetes quantity such as "500m", "2" or "4Gi"`},
	}, problems)
}

func TestLoadDerivesNamesFromTheStack(t *testing.T) {
	cfg, err := Load(lookupOf(map[string]string{
		"aws:region":              "us-east-2",
		"milvus:clusterName":      "",
		"milvus:loadBalancerName": "",
	}), "staging")
	require.NoError(t, err)
	assert.Equal(t, "milvus-staging", cfg.ClusterName)
	assert.Equal(t, "milvus-staging", cfg.Milvus.LoadBalancer.Name)
}

func TestLoadRejectsBadInput(t *testing.T) {
	tests := []struct {
		name   string
		config map[string]string
		want   Problem
	}{
		{"missing region", map[string]string{},
			Problem{Key: "aws:region", Rule: "is required: set it with `pulumi config set aws:region us-east-2`"}},
		{"not a number", map[string]string{"milvus:nodeMinSize": "two"},
			Problem{Key: "milvus:nodeMinSize", Value: "two", Rule: "must be a whole number"}},
		{"not a boolean", map[string]string{"milvus:bucketForceDestroy": "yes please"},
			Problem{Key: "milvus:bucketForceDestroy", Value: "yes please", Rule: "must be true or false"}},
		{"not a list", map[string]string{"milvus:nodeInstanceTypes": "m6i.large"},
			Problem{Key: "milvus:nodeInstanceTypes", Value: "m6i.large", Rule: "must be a list of strings"}},
		{"region format", map[string]string{"aws:region": "Ohio"},
			Problem{Key: "aws:region", Value: "Ohio", Rule: "must be an AWS region name such as us-east-2"}},
		{"cluster name", map[string]string{"milvus:clusterName": "-milvus"},
			Problem{Key: "milvus:clusterName", Value: "-milvus", Rule: "EKS cluster names are 1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit"}},
		{"kubernetes version", map[string]string{"milvus:kubernetesVersion": "v1.34"},
			Problem{Key: "milvus:kubernetesVersion", Value: "v1.34", Rule: `must be an EKS version such as "1.34"`}},
		{"vpc cidr", map[string]string{"milvus:vpcCidr": "10.0.0.0/33"},
			Problem{Key: "milvus:vpcCidr", Value: "10.0.0.0/33", Rule: "must be an IPv4 CIDR block such as 10.0.0.0/16"}},
		{"vpc too small", map[string]string{"milvus:vpcCidr": "10.0.0.0/24"},
			Problem{Key: "milvus:vpcCidr", Value: "10.0.0.0/24", Rule: "the prefix length must be between /16 and /20"}},
		{"vpc host bits", map[string]string{"milvus:vpcCidr": "10.0.1.0/16"},
			Problem{Key: "milvus:vpcCidr", Value: "10.0.1.0/16", Rule: "has host bits set; the block is 10.0.0.0/16"}},
		{"nat layout", map[string]string{"milvus:natGateways": "two"},
			Problem{Key: "milvus:natGateways", Value: "two", Rule: `must be "single" or "perAz"`}},
		{"existing vpc id", map[string]string{"milvus:loadBalancerScheme": "internal", "milvus:existingVpcId": "vpc-1", "milvus:existingPrivateSubnetIds": `["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]`},
			Problem{Key: "milvus:existingVpcId", Value: "vpc-1", Rule: "must be a VPC ID such as vpc-0123456789abcdef0"}},
		{"existing vpc without subnets", map[string]string{"milvus:loadBalancerScheme": "internal", "milvus:existingVpcId": "vpc-0123456789abcdef0"},
			Problem{Key: "milvus:existingPrivateSubnetIds", Rule: "an existing VPC needs at least 2 private subnets, in different availability zones, for the cluster and its nodes"}},
		{"existing subnet id", map[string]string{"milvus:loadBalancerScheme": "internal", "milvus:existingVpcId": "vpc-0123456789abcdef0", "milvus:existingPrivateSubnetIds": `["subnet-0123456789abcdef0","sn-2"]`},
			Problem{Key: "milvus:existingPrivateSubnetIds", Value: "sn-2", Rule: "must be a subnet ID such as subnet-0123456789abcdef0"}},
		{"existing vpc without public subnets", map[string]string{"milvus:existingVpcId": "vpc-0123456789abcdef0", "milvus:existingPrivateSubnetIds": `["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]`},
			Problem{Key: "milvus:existingPublicSubnetIds", Rule: "an internet-facing load balancer needs public subnets: list them, or set loadBalancerScheme to internal"}},
		{"subnets without vpc", map[string]string{"milvus:existingPrivateSubnetIds": `["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]`},
			Problem{Key: "milvus:existingVpcId", Rule: "existing subnets are named but no existing VPC: set existingVpcId too, or remove the subnet lists"}},
		{"instance type", map[string]string{"milvus:nodeInstanceTypes": `["large"]`},
			Problem{Key: "milvus:nodeInstanceTypes", Value: "large", Rule: "must be an EC2 instance type such as m6i.4xlarge"}},
		{"no nodes", map[string]string{"milvus:nodeMinSize": "0", "milvus:nodeDesiredSize": "0"},
			Problem{Key: "milvus:nodeMinSize", Value: "0", Rule: "must be at least 1: Milvus needs nodes to run on"}},
		{"max below min", map[string]string{"milvus:nodeMinSize": "2", "milvus:nodeDesiredSize": "2", "milvus:nodeMaxSize": "1"},
			Problem{Key: "milvus:nodeMaxSize", Value: "1", Rule: "must be at least nodeMinSize (2)"}},
		{"desired above max", map[string]string{"milvus:nodeMinSize": "1", "milvus:nodeDesiredSize": "5", "milvus:nodeMaxSize": "3"},
			Problem{Key: "milvus:nodeDesiredSize", Value: "5", Rule: "must lie between nodeMinSize (1) and nodeMaxSize (3)"}},
		{"small disk", map[string]string{"milvus:nodeDiskSizeGiB": "8"},
			Problem{Key: "milvus:nodeDiskSizeGiB", Value: "8", Rule: "must be at least 20"}},
		{"bucket ip", map[string]string{"milvus:bucketName": "192.168.5.4"},
			Problem{Key: "milvus:bucketName", Value: "192.168.5.4", Rule: "bucket names must not be formatted as an IP address"}},
		{"bucket prefix too long", map[string]string{"milvus:bucketNamePrefix": "milvus-bucket-for-the-team-that-owns-it-"},
			Problem{Key: "milvus:bucketNamePrefix", Value: "milvus-bucket-for-the-team-that-owns-it-", Rule: "must be at most 37 characters, to leave room for the 26-character generated suffix"}},
		{"bucket prefix case", map[string]string{"milvus:bucketNamePrefix": "Milvus-"},
			Problem{Key: "milvus:bucketNamePrefix", Value: "Milvus-", Rule: "bucket names may contain only lowercase letters, digits, dots and hyphens"}},
		{"no bucket name at all", map[string]string{"milvus:bucketNamePrefix": ""},
			Problem{Key: "milvus:bucketNamePrefix", Rule: "set a bucket name or a name prefix"}},
		{"namespace", map[string]string{"milvus:milvusNamespace": "Milvus"},
			Problem{Key: "milvus:milvusNamespace", Value: "Milvus", Rule: "must be an RFC 1123 label: at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"}},
		{"service account", map[string]string{"milvus:milvusServiceAccount": "milvus_sa"},
			Problem{Key: "milvus:milvusServiceAccount", Value: "milvus_sa", Rule: "must be an RFC 1123 label: at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"}},
		{"release name length", map[string]string{"milvus:milvusReleaseName": "milvus-release-with-a-name-longer-than-helm-allows-it1"},
			Problem{Key: "milvus:milvusReleaseName", Value: "milvus-release-with-a-name-longer-than-helm-allows-it1", Rule: "Helm release names are at most 53 characters"}},
		{"chart version", map[string]string{"milvus:milvusChartVersion": "5.0"},
			Problem{Key: "milvus:milvusChartVersion", Value: "5.0", Rule: `must be an exact semantic version such as "5.0.19"`}},
		{"timeout", map[string]string{"milvus:milvusTimeoutSeconds": "5"},
			Problem{Key: "milvus:milvusTimeoutSeconds", Value: "5", Rule: "must be at least 60"}},
		{"load balancer scheme", map[string]string{"milvus:loadBalancerScheme": "public"},
			Problem{Key: "milvus:loadBalancerScheme", Value: "public", Rule: `must be "internet-facing" or "internal"`}},
		{"load balancer name", map[string]string{"milvus:loadBalancerName": "internal-milvus"},
			Problem{Key: "milvus:loadBalancerName", Value: "internal-milvus", Rule: `load balancer names are 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen nor starting with "internal-"`}},
		{"coordinators without standby", map[string]string{"milvus:coordinatorReplicas": "2"},
			Problem{Key: "milvus:coordinatorActiveStandby", Value: "false", Rule: "more than one coordinator replica requires coordinatorActiveStandby: true (the chart runs extra coordinators only as standbys)"}},
		{"no coordinator", map[string]string{"milvus:coordinatorReplicas": "0"},
			Problem{Key: "milvus:coordinatorReplicas", Value: "0", Rule: "must be at least 1"}},
		{"no proxy", map[string]string{"milvus:proxyReplicas": "0"},
			Problem{Key: "milvus:proxyReplicas", Value: "0", Rule: "must be at least 1"}},
		{"quantity", map[string]string{"milvus:proxyMemoryLimit": "2 GiB"},
			Problem{Key: "milvus:proxyMemoryLimit", Value: "2 GiB", Rule: `must be a Kubernetes quantity such as "500m", "2" or "4Gi"`}},
		{"ebs csi driver version", map[string]string{"milvus:ebsCsiDriverVersion": "1.48.0"},
			Problem{Key: "milvus:ebsCsiDriverVersion", Value: "1.48.0", Rule: `must be an EKS add-on version such as "v1.48.0-eksbuild.1", or empty for EKS' default`}},
		{"controller chart version", map[string]string{"milvus:loadBalancerControllerChartVersion": "v3.5"},
			Problem{Key: "milvus:loadBalancerControllerChartVersion", Value: "v3.5", Rule: `must be an exact semantic version such as "3.5.0"`}},
		{"controller without its policy", map[string]string{"milvus:loadBalancerControllerChartVersion": "3.4.0"},
			Problem{Key: "milvus:loadBalancerControllerChartVersion", Value: "3.4.0", Rule: "the controller's IAM policy is embedded only for chart versions 3.5.0: add the policy published with this release to infra/iampolicy first"}},
		{"controller in another partition", map[string]string{"aws:region": "cn-north-1"},
			Problem{Key: "milvus:loadBalancerController", Value: "true", Rule: "the embedded controller IAM policy is for the aws partition, not aws-cn (cn-north-1): set it to false and install the controller with that partition's policy"}},
		{"cpu quantity", map[string]string{"milvus:coordinatorCpuRequest": "half"},
			Problem{Key: "milvus:coordinatorCpuRequest", Value: "half", Rule: `must be a Kubernetes quantity such as "500m", "2" or "4Gi"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := map[string]string{"aws:region": "us-east-2"}
			for k, v := range tt.config {
				values[k] = v
			}
			if tt.name == "missing region" {
				delete(values, "aws:region")
			}
			_, err := Load(lookupOf(values), "dev")
			var problems Problems
			require.True(t, errors.As(err, &problems), "error %v is not Problems", err)
			assert.Equal(t, Problems{tt.want}, problems)
		})
	}
}

// A switched-off controller's chart version is still checked for its form,
// but needs no policy, nor the aws partition.
func TestLoadControllerSwitchedOff(t *testing.T) {
	cfg, err := Load(lookupOf(map[string]string{
		"aws:region":                                "cn-north-1",
		"milvus:loadBalancerController":             "false",
		"milvus:loadBalancerControllerChartVersion": "3.4.0",
		"milvus:ebsCsiDriver":                       "false",
		"milvus:ebsCsiDriverVersion":                "v1.48.0-eksbuild.1",
	}), "dev")
	require.NoError(t, err)
	assert.Equal(t, Addons{
		EbsCsiDriver:           EbsCsiDriver{Enabled: false, Version: "v1.48.0-eksbuild.1"},
		LoadBalancerController: LoadBalancerController{Enabled: false, ChartVersion: "3.4.0"},
	}, cfg.Addons)
}

func TestQuantitiesThatParse(t *testing.T) {
	for _, q := range []string{"0.5", "500m", "1", "0.5Gi", "2Gi", "512Mi"} {
		cfg := Defaults("dev")
		cfg.Region = "us-east-2"
		cfg.Milvus.Proxy.Resources.Limits = ResourceList{CPU: q, Memory: q}
		assert.Empty(t, cfg.Validate(), q)
	}
}

func TestBucketNameRule(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"milvus-bucket-1a2b", ""},
		{"my.bucket.name", ""},
		{"ab", "bucket names must be 3 to 63 characters long"},
		{"a123456789012345678901234567890123456789012345678901234567890123", "bucket names must be 3 to 63 characters long"},
		{"my_bucket", "bucket names may contain only lowercase letters, digits, dots and hyphens"},
		{"-bucket", "bucket names must begin and end with a letter or digit"},
		{"bucket.", "bucket names must begin and end with a letter or digit"},
		{"my..bucket", "bucket names must not contain two adjacent dots"},
		{"10.0.0.1", "bucket names must not be formatted as an IP address"},
		{"xn--bucket", `bucket names must not start with the reserved prefix "xn--"`},
		{"sthree-bucket", `bucket names must not start with the reserved prefix "sthree-"`},
		{"amzn-s3-demo-bucket", `bucket names must not start with the reserved prefix "amzn-s3-demo-"`},
		{"bucket-s3alias", `bucket names must not end with the reserved suffix "-s3alias"`},
		{"bucket--ol-s3", `bucket names must not end with the reserved suffix "--ol-s3"`},
		{"bucket.mrap", `bucket names must not end with the reserved suffix ".mrap"`},
		{"bucket--x-s3", `bucket names must not end with the reserved suffix "--x-s3"`},
		{"bucket--table-s3", `bucket names must not end with the reserved suffix "--table-s3"`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, BucketNameRule(tt.name), tt.name)
	}
}

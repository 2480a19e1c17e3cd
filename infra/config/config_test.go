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

func TestLoadMergesObjectsOverDefaults(t *testing.T) {
	cfg, err := Load(lookupOf(map[string]string{
		"aws:region":             "us-east-2",
		"milvus-eks:nodeGroup":   `{"instanceTypes":["m6i.4xlarge"],"minSize":3,"desiredSize":3,"maxSize":6}`,
		"milvus-eks:milvus":      `{"mixCoordinator":{"replicas":2,"activeStandby":true,"resources":{"limits":{"cpu":"1","memory":"2Gi"}}}}`,
		"milvus-eks:clusterName": "milvus-prod",
	}), "prod")
	require.NoError(t, err)

	assert.Equal(t, NodeGroup{InstanceTypes: []string{"m6i.4xlarge"}, MinSize: 3, DesiredSize: 3, MaxSize: 6, DiskSizeGiB: 100}, cfg.NodeGroup)
	assert.Equal(t, Coordinator{Replicas: 2, ActiveStandby: true, Resources: Resources{Limits: ResourceList{CPU: "1", Memory: "2Gi"}}}, cfg.Milvus.MixCoordinator)
	// Keys the object left out keep their defaults.
	assert.Equal(t, "milvus-s3-access-sa", cfg.Milvus.ServiceAccount)
	assert.Equal(t, "milvus-prod", cfg.ClusterName)
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(lookupOf(map[string]string{
		"aws:region":           "us-east-2",
		"milvus-eks:bucket":    `{"name":"My_Bucket"}`,
		"milvus-eks:nodeGroup": `{"instanceTypes":[],"minSize":3,"desiredSize":2,"maxSize":4}`,
	}), "dev")

	var problems Problems
	require.True(t, errors.As(err, &problems), "error %v is not Problems", err)
	assert.Equal(t, Problems{
		{Key: "milvus-eks:nodeGroup.instanceTypes", Rule: "at least one instance type is required"},
		{Key: "milvus-eks:nodeGroup.desiredSize", Value: "2", Rule: "must lie between minSize (3) and maxSize (4)"},
		{Key: "milvus-eks:bucket.name", Value: "My_Bucket", Rule: "bucket names may contain only lowercase letters, digits, dots and hyphens"},
	}, problems)
	assert.Equal(t, `invalid configuration (3 problem(s)):
  - milvus-eks:nodeGroup.instanceTypes: at least one instance type is required
  - milvus-eks:nodeGroup.desiredSize "2": must lie between minSize (3) and maxSize (4)
  - milvus-eks:bucket.name "My_Bucket": bucket names may contain only lowercase letters, digits, dots and hyphens`, err.Error())
}

func TestLoadRejectsBadInput(t *testing.T) {
	tests := []struct {
		name   string
		config map[string]string
		want   Problem
	}{
		{"missing region", map[string]string{},
			Problem{Key: "aws:region", Rule: "is required: set it with `pulumi config set aws:region us-east-2`"}},
		{"misspelt field", map[string]string{"milvus-eks:nodeGroup": `{"instanceType":["m6i.large"]}`},
			Problem{Key: "milvus-eks:nodeGroup", Value: `{"instanceType":["m6i.large"]}`, Rule: `must be a YAML object of known fields: unknown field "instanceType"`}},
		{"wrong type", map[string]string{"milvus-eks:nodeGroup": `{"minSize":"two"}`},
			Problem{Key: "milvus-eks:nodeGroup", Value: `{"minSize":"two"}`, Rule: `field "minSize" must be a whole number, not a JSON string`}},
		{"region format", map[string]string{"aws:region": "Ohio"},
			Problem{Key: "aws:region", Value: "Ohio", Rule: "must be an AWS region name such as us-east-2"}},
		{"cluster name", map[string]string{"milvus-eks:clusterName": "-milvus"},
			Problem{Key: "milvus-eks:clusterName", Value: "-milvus", Rule: "EKS cluster names are 1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit"}},
		{"kubernetes version", map[string]string{"milvus-eks:kubernetesVersion": "v1.34"},
			Problem{Key: "milvus-eks:kubernetesVersion", Value: "v1.34", Rule: `must be an EKS version such as "1.34"`}},
		{"vpc cidr", map[string]string{"milvus-eks:network": `{"vpcCidr":"10.0.0.0/33"}`},
			Problem{Key: "milvus-eks:network.vpcCidr", Value: "10.0.0.0/33", Rule: "must be an IPv4 CIDR block such as 10.0.0.0/16"}},
		{"vpc too small", map[string]string{"milvus-eks:network": `{"vpcCidr":"10.0.0.0/24"}`},
			Problem{Key: "milvus-eks:network.vpcCidr", Value: "10.0.0.0/24", Rule: "the prefix length must be between /16 and /20"}},
		{"vpc host bits", map[string]string{"milvus-eks:network": `{"vpcCidr":"10.0.1.0/16"}`},
			Problem{Key: "milvus-eks:network.vpcCidr", Value: "10.0.1.0/16", Rule: "has host bits set; the block is 10.0.0.0/16"}},
		{"nat layout", map[string]string{"milvus-eks:network": `{"natGateways":"two"}`},
			Problem{Key: "milvus-eks:network.natGateways", Value: "two", Rule: `must be "single" or "perAz"`}},
		{"existing vpc without subnets", map[string]string{"milvus-eks:network": `{"existingVpcId":"vpc-0123456789abcdef0"}`},
			Problem{Key: "milvus-eks:network.existingPrivateSubnetIds", Rule: "an existing VPC needs at least 2 private subnets, in different availability zones, for the cluster and its nodes"}},
		{"subnets without vpc", map[string]string{"milvus-eks:network": `{"existingPrivateSubnetIds":["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]}`},
			Problem{Key: "milvus-eks:network.existingVpcId", Rule: "existing subnets are named but no existing VPC: set existingVpcId too, or remove the subnet lists"}},
		{"instance type", map[string]string{"milvus-eks:nodeGroup": `{"instanceTypes":["large"]}`},
			Problem{Key: "milvus-eks:nodeGroup.instanceTypes", Value: "large", Rule: "must be an EC2 instance type such as m6i.4xlarge"}},
		{"max below min", map[string]string{"milvus-eks:nodeGroup": `{"minSize":2,"desiredSize":2,"maxSize":1}`},
			Problem{Key: "milvus-eks:nodeGroup.maxSize", Value: "1", Rule: "must be at least minSize (2)"}},
		{"desired above max", map[string]string{"milvus-eks:nodeGroup": `{"minSize":1,"desiredSize":5,"maxSize":3}`},
			Problem{Key: "milvus-eks:nodeGroup.desiredSize", Value: "5", Rule: "must lie between minSize (1) and maxSize (3)"}},
		{"bucket ip", map[string]string{"milvus-eks:bucket": `{"name":"192.168.5.4"}`},
			Problem{Key: "milvus-eks:bucket.name", Value: "192.168.5.4", Rule: "bucket names must not be formatted as an IP address"}},
		{"bucket prefix too long", map[string]string{"milvus-eks:bucket": `{"namePrefix":"milvus-bucket-for-the-team-that-owns-it-"}`},
			Problem{Key: "milvus-eks:bucket.namePrefix", Value: "milvus-bucket-for-the-team-that-owns-it-", Rule: "must be at most 37 characters, to leave room for the 26-character generated suffix"}},
		{"bucket prefix case", map[string]string{"milvus-eks:bucket": `{"namePrefix":"Milvus-"}`},
			Problem{Key: "milvus-eks:bucket.namePrefix", Value: "Milvus-", Rule: "bucket names may contain only lowercase letters, digits, dots and hyphens"}},
		{"namespace", map[string]string{"milvus-eks:milvus": `{"namespace":"Milvus"}`},
			Problem{Key: "milvus-eks:milvus.namespace", Value: "Milvus", Rule: "must be an RFC 1123 label: at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"}},
		{"service account", map[string]string{"milvus-eks:milvus": `{"serviceAccount":"milvus_sa"}`},
			Problem{Key: "milvus-eks:milvus.serviceAccount", Value: "milvus_sa", Rule: "must be an RFC 1123 label: at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"}},
		{"chart version", map[string]string{"milvus-eks:milvus": `{"chartVersion":"5.0"}`},
			Problem{Key: "milvus-eks:milvus.chartVersion", Value: "5.0", Rule: `must be an exact semantic version such as "5.0.19"`}},
		{"load balancer scheme", map[string]string{"milvus-eks:milvus": `{"loadBalancer":{"scheme":"public"}}`},
			Problem{Key: "milvus-eks:milvus.loadBalancer.scheme", Value: "public", Rule: `must be "internet-facing" or "internal"`}},
		{"load balancer name", map[string]string{"milvus-eks:milvus": `{"loadBalancer":{"name":"internal-milvus"}}`},
			Problem{Key: "milvus-eks:milvus.loadBalancer.name", Value: "internal-milvus", Rule: `load balancer names are 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen nor starting with "internal-"`}},
		{"coordinators without standby", map[string]string{"milvus-eks:milvus": `{"mixCoordinator":{"replicas":2}}`},
			Problem{Key: "milvus-eks:milvus.mixCoordinator.activeStandby", Value: "false", Rule: "more than one coordinator replica requires activeStandby: true (the chart runs extra coordinators only as standbys)"}},
		{"no proxy", map[string]string{"milvus-eks:milvus": `{"proxy":{"replicas":0}}`},
			Problem{Key: "milvus-eks:milvus.proxy.replicas", Value: "0", Rule: "must be at least 1"}},
		{"quantity", map[string]string{"milvus-eks:milvus": `{"proxy":{"replicas":1,"resources":{"limits":{"memory":"2 GiB"}}}}`},
			Problem{Key: "milvus-eks:milvus.proxy.resources.limits.memory", Value: "2 GiB", Rule: `must be a Kubernetes quantity such as "500m", "2" or "4Gi"`}},
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

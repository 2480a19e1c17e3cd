package tests

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
)

const labelRule = "must be an RFC 1123 label: at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"

// Each bad configuration fails the whole program with exactly its problem,
// naming the key, the value and the rule, before any resource is registered.
func TestBadConfigurationRegistersNothing(t *testing.T) {
	tests := []struct {
		name      string
		changes   map[string]string // over the dev stack file
		remove    []string
		notSecret bool // set milvusRootPassword in plain text
		want      config.Problem
	}{
		{name: "missing region", remove: []string{"aws:region"},
			want: config.Problem{Key: "aws:region", Rule: "is required: set it with `pulumi config set aws:region us-east-2`"}},
		{name: "region format", changes: map[string]string{"aws:region": "Ohio"},
			want: config.Problem{Key: "aws:region", Value: "Ohio", Rule: "must be an AWS region name such as us-east-2"}},
		{name: "not a number", changes: map[string]string{"milvus:nodeMinSize": "two"},
			want: config.Problem{Key: "milvus:nodeMinSize", Value: "two", Rule: "must be a whole number"}},
		{name: "not a boolean", changes: map[string]string{"milvus:bucketForceDestroy": "yes please"},
			want: config.Problem{Key: "milvus:bucketForceDestroy", Value: "yes please", Rule: "must be true or false"}},
		{name: "not a list", changes: map[string]string{"milvus:nodeInstanceTypes": "m6i.large"},
			want: config.Problem{Key: "milvus:nodeInstanceTypes", Value: "m6i.large", Rule: "must be a list of strings"}},
		{name: "misspelt key", changes: map[string]string{"milvus:bucketname": "acme-milvus"},
			want: config.Problem{Key: "milvus:bucketname", Value: "acme-milvus", Rule: `is not a key of this project; did you mean "bucketName"?`}},
		{name: "misspelt key, a letter off", changes: map[string]string{"milvus:queryNodes": `{"replicas": 2}`},
			want: config.Problem{Key: "milvus:queryNodes", Value: `{"replicas": 2}`, Rule: `is not a key of this project; did you mean "queryNode"?`}},
		{name: "misspelt key, two letters swapped", changes: map[string]string{"milvus:bucketNmae": "acme-milvus"},
			want: config.Problem{Key: "milvus:bucketNmae", Value: "acme-milvus", Rule: `is not a key of this project; did you mean "bucketName"?`}},
		{name: "unknown key", changes: map[string]string{"milvus:colour": "blue"},
			want: config.Problem{Key: "milvus:colour", Value: "blue", Rule: "is not a key of this project"}},
		{name: "cluster name", changes: map[string]string{"milvus:clusterName": "-milvus"},
			want: config.Problem{Key: "milvus:clusterName", Value: "-milvus", Rule: "EKS cluster names are 1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit"}},
		{name: "kubernetes version", changes: map[string]string{"milvus:kubernetesVersion": "v1.34"},
			want: config.Problem{Key: "milvus:kubernetesVersion", Value: "v1.34", Rule: `must be an EKS version such as "1.34"`}},
		{name: "vpc cidr", changes: map[string]string{"milvus:vpcCidr": "10.0.0.0/33"},
			want: config.Problem{Key: "milvus:vpcCidr", Value: "10.0.0.0/33", Rule: "must be an IPv4 CIDR block such as 10.0.0.0/16"}},
		{name: "vpc too small", changes: map[string]string{"milvus:vpcCidr": "10.0.0.0/24"},
			want: config.Problem{Key: "milvus:vpcCidr", Value: "10.0.0.0/24", Rule: "the prefix length must be between /16 and /20"}},
		{name: "vpc host bits", changes: map[string]string{"milvus:vpcCidr": "10.0.1.0/16"},
			want: config.Problem{Key: "milvus:vpcCidr", Value: "10.0.1.0/16", Rule: "has host bits set; the block is 10.0.0.0/16"}},
		{name: "nat layout", changes: map[string]string{"milvus:natGateways": "two"},
			want: config.Problem{Key: "milvus:natGateways", Value: "two", Rule: `must be "single" or "perAz"`}},
		{name: "existing vpc id", changes: map[string]string{"milvus:loadBalancerScheme": "internal", "milvus:existingVpcId": "vpc-1", "milvus:existingPrivateSubnetIds": `["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]`},
			want: config.Problem{Key: "milvus:existingVpcId", Value: "vpc-1", Rule: "must be a VPC ID such as vpc-0123456789abcdef0"}},
		{name: "existing vpc without subnets", changes: map[string]string{"milvus:loadBalancerScheme": "internal", "milvus:existingVpcId": "vpc-0123456789abcdef0"},
			want: config.Problem{Key: "milvus:existingPrivateSubnetIds", Rule: "an existing VPC needs at least 2 private subnets, in different availability zones, for the cluster and its nodes"}},
		{name: "existing subnet id", changes: map[string]string{"milvus:loadBalancerScheme": "internal", "milvus:existingVpcId": "vpc-0123456789abcdef0", "milvus:existingPrivateSubnetIds": `["subnet-0123456789abcdef0","sn-2"]`},
			want: config.Problem{Key: "milvus:existingPrivateSubnetIds", Value: "sn-2", Rule: "must be a subnet ID such as subnet-0123456789abcdef0"}},
		{name: "existing vpc without public subnets", changes: map[string]string{"milvus:existingVpcId": "vpc-0123456789abcdef0", "milvus:existingPrivateSubnetIds": `["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]`},
			want: config.Problem{Key: "milvus:existingPublicSubnetIds", Rule: "an internet-facing load balancer needs public subnets: list them, or set loadBalancerScheme to internal"}},
		{name: "subnets without vpc", changes: map[string]string{"milvus:existingPrivateSubnetIds": `["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]`},
			want: config.Problem{Key: "milvus:existingVpcId", Rule: "existing subnets are named but no existing VPC: set existingVpcId too, or remove the subnet lists"}},
		{name: "s3 endpoint choice", changes: map[string]string{"milvus:existingVpcS3Endpoint": "maybe"},
			want: config.Problem{Key: "milvus:existingVpcS3Endpoint", Value: "maybe", Rule: `must be "present" or "create"`}},
		{name: "s3 endpoint of a created vpc", changes: map[string]string{"milvus:existingVpcS3Endpoint": "create"},
			want: config.Problem{Key: "milvus:existingVpcS3Endpoint", Value: "create", Rule: "applies only with existingVpcId: a VPC this stack creates always gets its S3 endpoint"}},
		{name: "instance type", changes: map[string]string{"milvus:nodeInstanceTypes": `["large"]`},
			want: config.Problem{Key: "milvus:nodeInstanceTypes", Value: "large", Rule: "must be an EC2 instance type such as m6i.4xlarge"}},
		{name: "no instance type", changes: map[string]string{"milvus:nodeInstanceTypes": `[]`},
			want: config.Problem{Key: "milvus:nodeInstanceTypes", Rule: "at least one instance type is required"}},
		{name: "no nodes", changes: map[string]string{"milvus:nodeMinSize": "0", "milvus:nodeDesiredSize": "0"},
			want: config.Problem{Key: "milvus:nodeMinSize", Value: "0", Rule: "must be at least 1: Milvus needs nodes to run on"}},
		{name: "max below min", changes: map[string]string{"milvus:nodeMinSize": "2", "milvus:nodeDesiredSize": "2", "milvus:nodeMaxSize": "1"},
			want: config.Problem{Key: "milvus:nodeMaxSize", Value: "1", Rule: "must be at least nodeMinSize (2)"}},
		{name: "desired above max", changes: map[string]string{"milvus:nodeMinSize": "1", "milvus:nodeDesiredSize": "5", "milvus:nodeMaxSize": "3"},
			want: config.Problem{Key: "milvus:nodeDesiredSize", Value: "5", Rule: "must lie between nodeMinSize (1) and nodeMaxSize (3)"}},
		{name: "small disk", changes: map[string]string{"milvus:nodeDiskSizeGiB": "8"},
			want: config.Problem{Key: "milvus:nodeDiskSizeGiB", Value: "8", Rule: "must be at least 20"}},
		{name: "bucket characters", changes: map[string]string{"milvus:bucketName": "My_Bucket"},
			want: config.Problem{Key: "milvus:bucketName", Value: "My_Bucket", Rule: "bucket names may contain only lowercase letters, digits, dots and hyphens"}},
		{name: "bucket too short", changes: map[string]string{"milvus:bucketName": "ab"},
			want: config.Problem{Key: "milvus:bucketName", Value: "ab", Rule: "bucket names must be 3 to 63 characters long"}},
		{name: "bucket ends with a hyphen", changes: map[string]string{"milvus:bucketName": "milvus-"},
			want: config.Problem{Key: "milvus:bucketName", Value: "milvus-", Rule: "bucket names must begin and end with a letter or digit"}},
		{name: "bucket adjacent dots", changes: map[string]string{"milvus:bucketName": "milvus..data"},
			want: config.Problem{Key: "milvus:bucketName", Value: "milvus..data", Rule: "bucket names must not contain two adjacent dots"}},
		{name: "bucket ip", changes: map[string]string{"milvus:bucketName": "192.168.5.4"},
			want: config.Problem{Key: "milvus:bucketName", Value: "192.168.5.4", Rule: "bucket names must not be formatted as an IP address"}},
		{name: "bucket reserved prefix", changes: map[string]string{"milvus:bucketName": "xn--milvus"},
			want: config.Problem{Key: "milvus:bucketName", Value: "xn--milvus", Rule: `bucket names must not start with the reserved prefix "xn--"`}},
		{name: "bucket reserved suffix", changes: map[string]string{"milvus:bucketName": "milvus--table-s3"},
			want: config.Problem{Key: "milvus:bucketName", Value: "milvus--table-s3", Rule: `bucket names must not end with the reserved suffix "--table-s3"`}},
		{name: "bucket prefix too long", changes: map[string]string{"milvus:bucketNamePrefix": "milvus-bucket-for-the-team-that-owns-it-"},
			want: config.Problem{Key: "milvus:bucketNamePrefix", Value: "milvus-bucket-for-the-team-that-owns-it-", Rule: "must be at most 37 characters, to leave room for the 26-character generated suffix"}},
		{name: "bucket prefix reserved", changes: map[string]string{"milvus:bucketNamePrefix": "sthree-"},
			want: config.Problem{Key: "milvus:bucketNamePrefix", Value: "sthree-", Rule: `bucket names must not start with the reserved prefix "sthree-"`}},
		{name: "no bucket name at all", changes: map[string]string{"milvus:bucketNamePrefix": ""},
			want: config.Problem{Key: "milvus:bucketNamePrefix", Rule: "set a bucket name or a name prefix"}},
		{name: "retained and force-destroyed", changes: map[string]string{"milvus:bucketRetain": "true"},
			want: config.Problem{Key: "milvus:bucketForceDestroy", Value: "true", Rule: "must be false while bucketRetain is true: a retained bucket keeps its data"}},
		{name: "noncurrent versions kept no day", changes: map[string]string{"milvus:bucketNoncurrentVersionDays": "0"},
			want: config.Problem{Key: "milvus:bucketNoncurrentVersionDays", Value: "0", Rule: "must be at least 1"}},
		{name: "kms key alias", changes: map[string]string{"milvus:bucketKmsKeyArn": "alias/milvus"},
			want: config.Problem{Key: "milvus:bucketKmsKeyArn", Value: "alias/milvus", Rule: "must be the ARN of a KMS key, such as arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias)"}},
		{name: "kms key elsewhere", changes: map[string]string{"milvus:bucketKmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
			want: config.Problem{Key: "milvus:bucketKmsKeyArn", Value: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", Rule: "the key must be in the bucket's region, us-east-2"}},
		{name: "root path with a leading slash", changes: map[string]string{"milvus:bucketRootPath": "/milvus"},
			want: config.Problem{Key: "milvus:bucketRootPath", Value: "/milvus", Rule: "must be at most 256 letters, digits, hyphens, underscores and dots in segments joined by single slashes, starting with a letter and with no slash at either end, such as milvus/prod"}},
		{name: "root path YAML would not read as a string", changes: map[string]string{"milvus:bucketRootPath": "*data"},
			want: config.Problem{Key: "milvus:bucketRootPath", Value: "*data", Rule: "must be at most 256 letters, digits, hyphens, underscores and dots in segments joined by single slashes, starting with a letter and with no slash at either end, such as milvus/prod"}},
		{name: "ebs csi driver version", changes: map[string]string{"milvus:ebsCsiDriverVersion": "1.48.0"},
			want: config.Problem{Key: "milvus:ebsCsiDriverVersion", Value: "1.48.0", Rule: `must be an EKS add-on version such as "v1.48.0-eksbuild.1", or empty for EKS' default`}},
		{name: "controller chart version", changes: map[string]string{"milvus:loadBalancerControllerChartVersion": "v3.5"},
			want: config.Problem{Key: "milvus:loadBalancerControllerChartVersion", Value: "v3.5", Rule: `must be an exact semantic version such as "3.5.0"`}},
		{name: "controller without its policy", changes: map[string]string{"milvus:loadBalancerControllerChartVersion": "3.4.0"},
			want: config.Problem{Key: "milvus:loadBalancerControllerChartVersion", Value: "3.4.0", Rule: "the controller's IAM policy is embedded only for chart versions 3.5.0: add the policy published with this release to infra/components/lbcontroller/controllerpolicy first"}},
		{name: "controller in another partition", changes: map[string]string{"aws:region": "cn-north-1"},
			want: config.Problem{Key: "milvus:loadBalancerController", Value: "true", Rule: "the embedded controller IAM policy is for the aws partition, not aws-cn (cn-north-1): set it to false and install the controller with that partition's policy"}},
		{name: "namespace", changes: map[string]string{"milvus:milvusNamespace": "Milvus"},
			want: config.Problem{Key: "milvus:milvusNamespace", Value: "Milvus", Rule: labelRule}},
		{name: "service account", changes: map[string]string{"milvus:milvusServiceAccount": "milvus_sa"},
			want: config.Problem{Key: "milvus:milvusServiceAccount", Value: "milvus_sa", Rule: labelRule}},
		{name: "release name", changes: map[string]string{"milvus:milvusReleaseName": "milvus.db"},
			want: config.Problem{Key: "milvus:milvusReleaseName", Value: "milvus.db", Rule: labelRule}},
		{name: "release name length", changes: map[string]string{"milvus:milvusReleaseName": "milvus-release-with-a-name-longer-than-helm-allows-it1"},
			want: config.Problem{Key: "milvus:milvusReleaseName", Value: "milvus-release-with-a-name-longer-than-helm-allows-it1", Rule: "Helm release names are at most 53 characters"}},
		{name: "chart version", changes: map[string]string{"milvus:milvusChartVersion": "5.0"},
			want: config.Problem{Key: "milvus:milvusChartVersion", Value: "5.0", Rule: `must be an exact semantic version such as "5.0.19"`}},
		{name: "timeout", changes: map[string]string{"milvus:milvusTimeoutSeconds": "5"},
			want: config.Problem{Key: "milvus:milvusTimeoutSeconds", Value: "5", Rule: "must be at least 60"}},
		{name: "no root password", changes: map[string]string{"milvus:milvusGenerateRootPassword": "false"},
			want: config.Problem{Key: "milvus:milvusRootPassword", Rule: "is required while milvusAuthentication is on: set it with `pulumi config set --secret milvusRootPassword <password>`, or set milvusGenerateRootPassword to true"}},
		{name: "root password in plain text", changes: map[string]string{"milvus:milvusRootPassword": "a-password-in-clear-text"}, notSecret: true,
			want: config.Problem{Key: "milvus:milvusRootPassword", Value: "[secret]", Rule: "must be set as a secret, with `pulumi config set --secret milvusRootPassword <password>`: a plain value is stored in clear text in the stack file"}},
		{name: "short root password", changes: map[string]string{"milvus:milvusRootPassword": "Milvus"},
			want: config.Problem{Key: "milvus:milvusRootPassword", Value: "[secret]", Rule: "must be 12 to 256 characters long"}},
		{name: "no authentication on the internet", changes: map[string]string{"milvus:milvusAuthentication": "false"},
			want: config.Problem{Key: "milvus:milvusAuthentication", Value: "false", Rule: "may be off only behind an internal load balancer (loadBalancerScheme: internal)"}},
		{name: "load balancer scheme", changes: map[string]string{"milvus:loadBalancerScheme": "public"},
			want: config.Problem{Key: "milvus:loadBalancerScheme", Value: "public", Rule: `must be "internet-facing" or "internal"`}},
		{name: "load balancer name", changes: map[string]string{"milvus:loadBalancerName": "internal-milvus"},
			want: config.Problem{Key: "milvus:loadBalancerName", Value: "internal-milvus", Rule: `load balancer names are 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen nor starting with "internal-"`}},
		{name: "source range", changes: map[string]string{"milvus:loadBalancerSourceRanges": `["203.0.113.0"]`},
			want: config.Problem{Key: "milvus:loadBalancerSourceRanges", Value: "203.0.113.0", Rule: "must be a CIDR block such as 203.0.113.0/24"}},
		{name: "source range host bits", changes: map[string]string{"milvus:loadBalancerSourceRanges": `["203.0.113.7/24"]`},
			want: config.Problem{Key: "milvus:loadBalancerSourceRanges", Value: "203.0.113.7/24", Rule: "has host bits set; the block is 203.0.113.0/24"}},
		{name: "no source range", changes: map[string]string{"milvus:loadBalancerSourceRanges": `[]`},
			want: config.Problem{Key: "milvus:loadBalancerSourceRanges", Rule: `at least one CIDR block is required ("0.0.0.0/0" admits every address)`}},
		{name: "coordinators without standby", changes: map[string]string{"milvus:mixCoordinator": `{"replicas": 2}`},
			want: config.Problem{Key: "milvus:mixCoordinator.activeStandby", Value: "false", Rule: "must be true with 2 replicas: the chart runs extra coordinators only as standbys"}},
		{name: "no coordinator", changes: map[string]string{"milvus:mixCoordinator": `{"replicas": 0}`},
			want: config.Problem{Key: "milvus:mixCoordinator.replicas", Value: "0", Rule: "must be at least 1"}},
		{name: "no proxy", changes: map[string]string{"milvus:proxy": `{"replicas": 0}`},
			want: config.Problem{Key: "milvus:proxy.replicas", Value: "0", Rule: "must be at least 1"}},
		{name: "memory quantity", changes: map[string]string{"milvus:proxy": `{"memoryLimit": "2 GiB"}`},
			want: config.Problem{Key: "milvus:proxy.memoryLimit", Value: "2 GiB", Rule: `must be a Kubernetes quantity such as "500m", "2" or "4Gi"`}},
		{name: "cpu quantity", changes: map[string]string{"milvus:mixCoordinator": `{"cpuRequest": "half"}`},
			want: config.Problem{Key: "milvus:mixCoordinator.cpuRequest", Value: "half", Rule: `must be a Kubernetes quantity such as "500m", "2" or "4Gi"`}},
		{name: "best-effort pod", changes: map[string]string{"milvus:queryNode": `{"cpuRequest": ""}`},
			want: config.Problem{Key: "milvus:queryNode.cpuRequest", Rule: "is required: a pod without requests runs best-effort, the first the kubelet evicts"}},
		{name: "limit under request", changes: map[string]string{"milvus:dataNode": `{"memoryRequest": "8Gi", "memoryLimit": "4Gi"}`},
			want: config.Problem{Key: "milvus:dataNode.memoryLimit", Value: "4Gi", Rule: "must be at least memoryRequest (8Gi)"}},
		{name: "unknown field", changes: map[string]string{"milvus:queryNode": `{"cpu": "2"}`},
			want: config.Problem{Key: "milvus:queryNode", Value: `{"cpu": "2"}`, Rule: `has no field "cpu"; its fields are replicas, cpuRequest, memoryRequest, cpuLimit, memoryLimit`}},
		{name: "field of the wrong type", changes: map[string]string{"milvus:etcd": `{"replicas": "three"}`},
			want: config.Problem{Key: "milvus:etcd", Value: `{"replicas": "three"}`, Rule: "field replicas must be a whole number"}},
		{name: "even etcd", changes: map[string]string{"milvus:etcd": `{"replicas": 2}`},
			want: config.Problem{Key: "milvus:etcd.replicas", Value: "2", Rule: "must be odd (1, 3, 5): an even number of etcd members tolerates no more failures than one fewer"}},
		{name: "etcd storage class", changes: map[string]string{"milvus:etcd": `{"storageClass": "GP3"}`},
			want: config.Problem{Key: "milvus:etcd.storageClass", Value: "GP3", Rule: "must be a Kubernetes object name: at most 253 lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit"}},
		{name: "message queue", changes: map[string]string{"milvus:messageQueue": "kafka"},
			want: config.Problem{Key: "milvus:messageQueue", Value: "kafka", Rule: `must be "woodpecker" or "pulsar"`}},
		{name: "woodpecker at the bucket's root", changes: map[string]string{"milvus:bucketRootPath": ""},
			want: config.Problem{Key: "milvus:bucketRootPath", Rule: "must not be empty with messageQueue woodpecker: Woodpecker writes its log under <bucketRootPath>/wp, which at the bucket's root would be keys starting with a slash"}},
		{name: "spread with one etcd", changes: map[string]string{"milvus:spreadAcrossZones": "true"},
			want: config.Problem{Key: "milvus:etcd.replicas", Value: "1", Rule: "must be at least 3 with spreadAcrossZones: fewer replicas cannot keep a quorum when a zone is lost"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			settings := stackConfig(t, "dev", tt.changes)
			for _, key := range tt.remove {
				delete(settings.Values, key)
			}
			if tt.notSecret {
				settings.Secret[rootPasswordKey] = false
			}
			s, err := run("dev", settings)

			var problems config.Problems
			require.True(t, errors.As(err, &problems), "error %v lists the problems", err)
			assert.Equal(t, config.Problems{tt.want}, problems)
			assert.Contains(t, err.Error(), "  - "+tt.want.String())
			assert.Empty(t, s.Resources, "nothing is registered")
			assert.Empty(t, s.StandIns, "nothing is registered")
		})
	}
}

// One run reports every problem, in the order of the keys (those this
// project does not have last), and no secret in clear.
func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	settings := stackConfig(t, "prod", map[string]string{
		"milvus:bucketName":      "My_Bucket",
		"milvus:mixCoordinator":  `{"replicas": 2, "activeStandby": false}`,
		"milvus:nodeDesiredSize": "10",
		"milvus:nodeDiskSize":    "200",
		rootPasswordKey:          "short",
	})
	s, err := run("prod", settings)

	var problems config.Problems
	require.True(t, errors.As(err, &problems), "error %v lists the problems", err)
	assert.Equal(t, `invalid configuration (5 problem(s)):
  - milvus:nodeDesiredSize "10": must lie between nodeMinSize (3) and nodeMaxSize (6)
  - milvus:bucketName "My_Bucket": bucket names may contain only lowercase letters, digits, dots and hyphens
  - milvus:milvusRootPassword "[secret]": must be 12 to 256 characters long
  - milvus:mixCoordinator.activeStandby "false": must be true with 2 replicas: the chart runs extra coordinators only as standbys
  - milvus:nodeDiskSize "200": is not a key of this project; did you mean "nodeDiskSizeGiB"?`,
		problems.Error())
	assert.NotContains(t, err.Error(), `"short"`)
	assert.Empty(t, s.Resources, "nothing is registered")
}

// The prod stack file ships without its root password: until the deployer
// sets it, the program says so and stops.
func TestProdNeedsItsRootPassword(t *testing.T) {
	settings, err := stackfile.StackConfig(projectDir, "prod")
	require.NoError(t, err)
	s, err := run("prod", settings)
	var problems config.Problems
	require.True(t, errors.As(err, &problems), "error %v lists the problems", err)
	assert.Equal(t, "invalid configuration (1 problem(s)):\n"+
		"  - milvus:milvusRootPassword: is required while milvusAuthentication is on: set it with `pulumi config set --secret milvusRootPassword <password>`, or set milvusGenerateRootPassword to true", problems.Error())
	assert.Empty(t, s.Resources)
}

// The stack files as shipped (prod with its deployer's password) pass.
func TestShippedStackFilesAreValid(t *testing.T) {
	for _, name := range stacks {
		_, err := config.Load(stackConfig(t, name, nil), name)
		assert.NoError(t, err, name)
	}
}

package tests

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// The zones a stack names are the subnets' zones; without names, the
// lookup asks only for zones that need no opt-in, so that the mock's
// opted-in Local Zone (whose name sorts first) never shifts the subnets
// (TestSubnetsAreLaidOutAndTaggedForEKS sees a, b and c).
func TestAvailabilityZones(t *testing.T) {
	d := deployWith(t, "dev", stackConfig(t, "dev", map[string]string{"milvus:availabilityZones": `["us-east-2c", "us-east-2a", "us-east-2b"]`}))
	for i, zone := range []string{"us-east-2c", "us-east-2a", "us-east-2b"} {
		assert.Equal(t, zone, d.one(t, typeSubnet, fmt.Sprintf("network-private-%d", i)).Input("availabilityZone").StringValue())
	}
}

func TestSubnetsAreLaidOutAndTaggedForEKS(t *testing.T) {
	want := map[string]map[string]any{
		"network-public-0":  {"cidrBlock": "10.0.96.0/22", "availabilityZone": "us-east-2a", "role": "kubernetes.io/role/elb"},
		"network-public-1":  {"cidrBlock": "10.0.100.0/22", "availabilityZone": "us-east-2b", "role": "kubernetes.io/role/elb"},
		"network-public-2":  {"cidrBlock": "10.0.104.0/22", "availabilityZone": "us-east-2c", "role": "kubernetes.io/role/elb"},
		"network-private-0": {"cidrBlock": "10.0.0.0/19", "availabilityZone": "us-east-2a", "role": "kubernetes.io/role/internal-elb"},
		"network-private-1": {"cidrBlock": "10.0.32.0/19", "availabilityZone": "us-east-2b", "role": "kubernetes.io/role/internal-elb"},
		"network-private-2": {"cidrBlock": "10.0.64.0/19", "availabilityZone": "us-east-2c", "role": "kubernetes.io/role/internal-elb"},
	}
	for _, name := range stacks {
		d := deploy(t, name)
		for subnet, w := range want {
			r := d.one(t, typeSubnet, subnet)
			assert.Equal(t, w["cidrBlock"], r.Input("cidrBlock").StringValue(), "%s %s", name, subnet)
			assert.Equal(t, w["availabilityZone"], r.Input("availabilityZone").StringValue(), "%s %s", name, subnet)
			tags := mockcloud.Plain(r.Input("tags")).(map[string]any)
			assert.Equal(t, "1", tags[w["role"].(string)], "%s %s", name, subnet)
			assert.Equal(t, "shared", tags["kubernetes.io/cluster/milvus-"+name], "%s %s", name, subnet)
		}
	}
}

func TestPrivateSubnetsRouteThroughNAT(t *testing.T) {
	// dev shares one gateway; prod keeps each zone's traffic in its zone.
	wantGateway := map[string][]string{
		"dev":  {"network-0-id", "network-0-id", "network-0-id"},
		"prod": {"network-0-id", "network-1-id", "network-2-id"},
	}
	for _, name := range stacks {
		d := deploy(t, name)
		for i, gateway := range wantGateway[name] {
			routes := mockcloud.Plain(d.one(t, typeRouteTable, "network-private-"+string(rune('0'+i))).Input("routes"))
			assert.Equal(t, []any{map[string]any{"cidrBlock": "0.0.0.0/0", "natGatewayId": gateway}}, routes, "%s zone %d", name, i)
		}
		public := mockcloud.Plain(d.one(t, typeRouteTable, "network-public").Input("routes"))
		assert.Equal(t, []any{map[string]any{"cidrBlock": "0.0.0.0/0", "gatewayId": "network-id"}}, public, name)
	}
}

func TestExistingVpcCreatesNoNetwork(t *testing.T) {
	d := deployWith(t, "dev", stackConfig(t, "dev", map[string]string{
		"milvus:existingVpcId":            "vpc-0123456789abcdef0",
		"milvus:existingPublicSubnetIds":  `["subnet-0000000000000000a","subnet-0000000000000000b"]`,
		"milvus:existingPrivateSubnetIds": `["subnet-0000000000000000c","subnet-0000000000000000d"]`,
	}))

	for _, r := range d.Resources {
		if r.Type != typeLaunchTemplate { // the nodes', not the network's
			assert.NotContains(t, r.Type, "aws:ec2/", "%s %s is created in existing-VPC mode", r.Type, r.Name)
		}
	}
	cluster := d.only(t, typeEKSCluster)
	assert.Equal(t, "vpc-0123456789abcdef0", cluster.Input("vpcId").StringValue())
	assert.Equal(t, []any{"subnet-0000000000000000c", "subnet-0000000000000000d"}, mockcloud.Plain(cluster.Input("privateSubnetIds")))
	assert.Equal(t, []any{"subnet-0000000000000000a", "subnet-0000000000000000b"}, mockcloud.Plain(cluster.Input("publicSubnetIds")))
	assert.Equal(t, "vpc-0123456789abcdef0", d.Outputs["vpcId"])
}

func TestClusterArguments(t *testing.T) {
	want := map[string]struct {
		instanceTypes     []any
		min, desired, max float64
	}{
		// The system pool: nothing scales it, so its maximum is its size.
		"dev":  {[]any{"m6i.large"}, 2, 2, 2},
		"prod": {[]any{"m6i.xlarge"}, 3, 3, 3},
	}
	for _, name := range stacks {
		d := deploy(t, name)
		cluster := d.only(t, typeEKSCluster)
		assert.True(t, cluster.Remote, "%s: pulumi-eks Cluster is a remote component", name)
		assert.Equal(t, "milvus-"+name, cluster.Input("name").StringValue())
		assert.Equal(t, "1.34", cluster.Input("version").StringValue())
		for key, value := range map[string]bool{
			// The stack declares the OIDC provider itself (cluster.go says why).
			"createOidcProvider":   false,
			"skipDefaultNodeGroup": true,
			"useDefaultVpcCni":     true,
		} {
			assert.Equal(t, value, cluster.Input(key).BoolValue(), "%s: %s", name, key)
		}
		assert.Equal(t, []any{"network-private-0-id", "network-private-1-id", "network-private-2-id"}, mockcloud.Plain(cluster.Input("privateSubnetIds")), name)

		nodes := d.only(t, typeNodeGroup)
		w := want[name]
		assert.Equal(t, w.instanceTypes, mockcloud.Plain(nodes.Input("instanceTypes")), name)
		assert.Equal(t, map[string]any{"minSize": w.min, "desiredSize": w.desired, "maxSize": w.max}, mockcloud.Plain(nodes.Input("scalingConfig")), name)
		assert.Equal(t, []any{"network-private-0-id", "network-private-1-id", "network-private-2-id"}, mockcloud.Plain(nodes.Input("subnetIds")), name)
		assert.True(t, nodes.Input("diskSize").IsNull(), "%s: the launch template sizes the root volume", name)
		assert.Equal(t, "AL2023_x86_64_STANDARD", nodes.Input("amiType").StringValue(), name)

		addon := d.one(t, typeAddon, "cluster-vpc-cni")
		assert.Equal(t, "vpc-cni", addon.Input("addonName").StringValue(), name)
		assert.Equal(t, "milvus-"+name, addon.Input("clusterName").StringValue(), name)
		assert.Equal(t, "OVERWRITE", addon.Input("resolveConflictsOnCreate").StringValue(), name)
	}
}

// The API is reached through access entries only, from the VPC always and
// from outside only as the stack says; prod logs its control plane and is
// protected.
func TestClusterControlPlane(t *testing.T) {
	// Each stack names the role that deploys it, as an administrator, and
	// the one that previews it, which reads the cluster and the releases'
	// Secrets.
	entries := func(deploy, preview string) map[string]any {
		return map[string]any{
			"admin-role-" + deploy: map[string]any{
				"principalArn": "arn:aws:iam::111122223333:role/" + deploy,
				"accessPolicies": map[string]any{"cluster-admin": map[string]any{
					"policyArn":   "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
					"accessScope": map[string]any{"type": "cluster"},
				}},
			},
			"viewer-role-" + preview: map[string]any{
				"principalArn": "arn:aws:iam::111122223333:role/" + preview,
				"accessPolicies": map[string]any{
					"view": map[string]any{
						"policyArn":   "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
						"accessScope": map[string]any{"type": "cluster"},
					},
					"releases": map[string]any{
						"policyArn":   "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy",
						"accessScope": map[string]any{"type": "namespace", "namespaces": []any{"milvus", "kube-system"}},
					},
				},
			},
		}
	}
	want := map[string]map[string]any{
		"dev": {
			"authenticationMode":    "API",
			"endpointPrivateAccess": true,
			"endpointPublicAccess":  true,
			"publicAccessCidrs":     []any{"0.0.0.0/0"},
			"accessEntries":         entries("milvus-eks-dev-deploy", "milvus-eks-pr-preview"),
		},
		"prod": {
			"authenticationMode":     "API",
			"endpointPrivateAccess":  true,
			"endpointPublicAccess":   true,
			"publicAccessCidrs":      []any{"198.51.100.0/24"},
			"enabledClusterLogTypes": []any{"api", "audit", "authenticator"},
			"accessEntries":          entries("milvus-eks-prod-deploy", "milvus-eks-prod-preview"),
		},
	}
	for _, name := range stacks {
		cluster := deploy(t, name).only(t, typeEKSCluster)
		got := map[string]any{}
		for _, key := range []string{"authenticationMode", "endpointPrivateAccess", "endpointPublicAccess", "publicAccessCidrs", "enabledClusterLogTypes", "accessEntries", "instanceRoles"} {
			if v := mockcloud.Plain(cluster.Input(key)); v != nil {
				got[key] = v
			}
		}
		assert.Equal(t, want[name], got, "%s: no instanceRoles either: nothing goes to aws-auth", name)
		assert.Equal(t, name == "prod", cluster.Protect, name)
	}

	// An empty list turns the public endpoint off.
	closed := deployWith(t, "prod", stackConfig(t, "prod", map[string]string{"milvus:clusterEndpointPublicCidrs": "[]"})).only(t, typeEKSCluster)
	assert.False(t, closed.Input("endpointPublicAccess").BoolValue())
	assert.True(t, closed.Input("publicAccessCidrs").IsNull())
}

// Nodes: IMDSv2 only with a hop limit of 1, an encrypted gp3 root volume of
// nodeDiskSizeGiB, from the stack's own launch template.
func TestNodeLaunchTemplate(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		template := d.only(t, typeLaunchTemplate)
		assert.Equal(t, map[string]any{"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": float64(1)},
			mockcloud.Plain(template.Input("metadataOptions")), name)
		assert.Equal(t, []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{
			"volumeSize": float64(100), "volumeType": "gp3", "encrypted": "true", "deleteOnTermination": "true",
		}}}, mockcloud.Plain(template.Input("blockDeviceMappings")), name)
		nodes := d.only(t, typeNodeGroup)
		assert.Equal(t, template.ID, nodes.Input("launchTemplate", "id").StringValue(), name)
		assert.True(t, nodes.DependsOn(d.one(t, typeAddon, "cluster-vpc-cni")), "%s: nodes join once the CNI has its role", name)
		assert.Equal(t, template.ID, d.Outputs["nodeLaunchTemplateId"], name)
	}
}

// The node role can join the cluster and pull images, and no more: the
// CNI's rights are the aws-node ServiceAccount's, through IRSA.
func TestNodeRole(t *testing.T) {
	d := deploy(t, "prod")
	role := d.one(t, typeRole, "cluster-node")
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`,
		role.Input("assumeRolePolicy").StringValue())
	var attached []string
	for _, a := range d.Of(typeAttachment) {
		if a.Input("role").StringValue() == "cluster-node" {
			attached = append(attached, a.Input("policyArn").StringValue())
		}
	}
	assert.ElementsMatch(t, []string{"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"}, attached)

	cniRole := d.one(t, typeRole, "cluster-vpc-cni")
	assert.Equal(t, trust.WebIdentityTrust(mockcloud.OidcProviderArn("us-east-2"), mockcloud.OidcIssuerHost("us-east-2"), "kube-system", "aws-node").JSON(),
		cniRole.Input("assumeRolePolicy").StringValue())
	assert.Equal(t, "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy", d.one(t, typeAttachment, "cluster-vpc-cni-AmazonEKS_CNI_Policy").Input("policyArn").StringValue())
	assert.Equal(t, "arn:aws:iam::000000000000:role/cluster-vpc-cni", d.one(t, typeAddon, "cluster-vpc-cni").Input("serviceAccountRoleArn").StringValue())
}

func TestBucketAsTheGuideMakesIt(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		bucket := d.one(t, typeBucket, "storage")
		assert.Equal(t, map[string]any{
			"bucketPrefix": "milvus-bucket-",
			"forceDestroy": name == "dev",
		}, mockcloud.Plain(bucket.Input()), name)
		assert.Equal(t, map[string]any{"objectOwnership": "ObjectWriter"}, mockcloud.Plain(d.one(t, typeOwnership, "storage").Input("rule")), name)
		assert.Equal(t, "private", d.one(t, typeACL, "storage").Input("acl").StringValue(), name)
	}
}

func TestBucketNameFromConfig(t *testing.T) {
	d := deployWith(t, "prod", stackConfig(t, "prod", map[string]string{"milvus:bucketName": "acme-milvus-prod"}))
	assert.Equal(t, map[string]any{"bucket": "acme-milvus-prod", "forceDestroy": false}, mockcloud.Plain(d.one(t, typeBucket, "storage").Input()))
	// The backups' bucket never takes that name: S3 names are global.
	assert.Equal(t, map[string]any{"bucketPrefix": "milvus-backups-", "forceDestroy": false}, mockcloud.Plain(d.one(t, typeBucket, "backup-bucket").Input()))
	assert.Equal(t, "acme-milvus-prod", d.Outputs["bucketName"])
}

// An existing VPC gets S3's gateway endpoint on its private subnets' route
// tables when asked to, once per table; a subnet that only has the VPC's
// main table is refused before anything is declared.
func TestExistingVpcS3Endpoint(t *testing.T) {
	existing := map[string]string{
		"milvus:existingVpcId":            "vpc-0123456789abcdef0",
		"milvus:existingPublicSubnetIds":  `["subnet-0000000000000000a","subnet-0000000000000000b"]`,
		"milvus:existingPrivateSubnetIds": `["subnet-0000000000000000c","subnet-0000000000000000d"]`,
		"milvus:existingVpcS3Endpoint":    "create",
	}
	d := deployWith(t, "dev", stackConfig(t, "dev", existing))
	endpoint := d.only(t, "aws:ec2/vpcEndpoint:VpcEndpoint")
	assert.Equal(t, d.only(t, typeNetworkComp).URN, endpoint.Parent)
	assert.Equal(t, map[string]any{
		"vpcId":           "vpc-0123456789abcdef0",
		"serviceName":     "com.amazonaws.us-east-2.s3",
		"vpcEndpointType": "Gateway",
		"routeTableIds":   []any{"rtb-0000000000000000c", "rtb-0000000000000000d"},
		"tags":            map[string]any{"Name": "network-s3"},
	}, mockcloud.Plain(endpoint.Input()))

	// A subnet on the main route table: the case "a private subnet on the
	// VPC's main route table" of testdata/bad-configs.yaml.
}

// A region whose account has two zones that need no opt-in cannot hold a
// VPC of three: the program says so, and how to choose the zones, before
// it creates anything of the network.
func TestRegionWithTwoZones(t *testing.T) {
	s, err := run("dev", stackConfig(t, "dev", map[string]string{"aws:region": mockcloud.TwoZoneRegion}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the region has 2 availability zones that need no opt-in; a new VPC needs 3 (or name them in availabilityZones)")
	for _, r := range s.Resources {
		assert.NotContains(t, r.Type, "aws:ec2/", "%s %s is created", r.Type, r.Name)
	}
}

// A person creates the cluster first (README, "The first deploy"): the
// stack file's administrators are others, and the person's own entry is
// the one EKS makes for the creator. The role that creates it may not be
// listed too (testdata/bad-configs.yaml, "the cluster's creator among its
// administrators").
func TestFirstDeployByAPerson(t *testing.T) {
	s, err := run("dev", stackConfig(t, "dev", nil),
		mockcloud.WithClusters(nil, nil), mockcloud.WithCaller("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice"))
	require.NoError(t, err)
	assert.Empty(t, s.NotReady())
	assert.Len(t, s.Of(typeEKSCluster), 1)
}

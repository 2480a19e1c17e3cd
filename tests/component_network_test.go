package tests

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/network"
	"github.com/milvus-eks/milvus-eks/infra/components/network/layout"
	"github.com/milvus-eks/milvus-eks/infra/facts"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

func declareNetwork(args network.Args) (*mockcloud.Stack, error) {
	return mockcloud.RunPart("us-east-2", func(ctx *pulumi.Context) error {
		_, err := network.New(ctx, "network", args)
		return err
	})
}

// A new VPC spans three zones, each with a public and a private subnet cut
// by the layout, tagged for the cluster and its load balancers; the private
// subnets route out through one NAT gateway, or one per zone.
func TestNetworkComponentNewVpc(t *testing.T) {
	subnets, err := layout.Plan("10.0.0.0/16", facts.VpcZones)
	require.NoError(t, err)
	for _, perZone := range []bool{false, true} {
		t.Run(fmt.Sprintf("NAT gateway per zone: %v", perZone), func(t *testing.T) {
			s, err := declareNetwork(network.Args{Region: "us-east-2", Cidr: "10.0.0.0/16", NatGatewayPerZone: perZone, ClusterName: "milvus-test"})
			require.NoError(t, err)

			nats := 1
			if perZone {
				nats = 3
			}
			assert.Equal(t, map[string]int{
				network.TypeToken:                                     1,
				"aws:ec2/vpc:Vpc":                                     1,
				"aws:ec2/internetGateway:InternetGateway":             1,
				"aws:ec2/subnet:Subnet":                               6,
				"aws:ec2/routeTable:RouteTable":                       4,
				"aws:ec2/routeTableAssociation:RouteTableAssociation": 6,
				"aws:ec2/eip:Eip":                                     nats,
				"aws:ec2/natGateway:NatGateway":                       nats,
				"aws:ec2/vpcEndpoint:VpcEndpoint":                     1,
			}, s.TypeCounts())

			component := s.Of(network.TypeToken)[0]
			for i, zone := range []string{"us-east-2a", "us-east-2b", "us-east-2c"} {
				public := s.Named("aws:ec2/subnet:Subnet", fmt.Sprintf("network-public-%d", i))[0]
				private := s.Named("aws:ec2/subnet:Subnet", fmt.Sprintf("network-private-%d", i))[0]
				assert.Equal(t, component.URN, public.Parent)
				assert.Equal(t, subnets.Public[i], public.Input("cidrBlock").StringValue())
				assert.Equal(t, subnets.Private[i], private.Input("cidrBlock").StringValue())
				assert.Equal(t, zone, private.Input("availabilityZone").StringValue())
				assert.Equal(t, map[string]any{
					"Name": "network-public-" + zone, network.TagPublicELB: "1", network.ClusterTag("milvus-test"): "shared",
				}, mockcloud.Plain(public.Input("tags")))
				assert.Equal(t, map[string]any{
					"Name": "network-private-" + zone, network.TagInternalELB: "1", network.ClusterTag("milvus-test"): "shared",
				}, mockcloud.Plain(private.Input("tags")))
				assert.Equal(t, false, private.Input("mapPublicIpOnLaunch").BoolValue())
			}
			// S3 is reached through a gateway endpoint on every private route
			// table, not through the NAT gateways.
			endpoint := s.Of("aws:ec2/vpcEndpoint:VpcEndpoint")[0]
			assert.Equal(t, "com.amazonaws.us-east-2.s3", endpoint.Input("serviceName").StringValue())
			assert.Equal(t, "Gateway", endpoint.Input("vpcEndpointType").StringValue())
			assert.Equal(t, []any{"network-private-0-id", "network-private-1-id", "network-private-2-id"},
				mockcloud.Plain(endpoint.Input("routeTableIds")))
			// A NAT gateway needs the internet gateway, which nothing in its
			// arguments names.
			igw := s.Of("aws:ec2/internetGateway:InternetGateway")[0]
			for _, nat := range s.Of("aws:ec2/natGateway:NatGateway") {
				assert.True(t, nat.DependsOn(igw), nat.Name)
			}
		})
	}
}

func TestS3EndpointService(t *testing.T) {
	assert.Equal(t, "com.amazonaws.eu-west-1.s3", network.S3EndpointService("eu-west-1"))
	assert.Equal(t, "cn.com.amazonaws.cn-north-1.s3", network.S3EndpointService("cn-north-1"))
}

// An existing VPC creates nothing.
func TestNetworkComponentExistingVpc(t *testing.T) {
	s, err := declareNetwork(network.Args{Existing: &network.Existing{
		VpcID:            "vpc-0123456789abcdef0",
		PrivateSubnetIDs: []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"},
	}})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{network.TypeToken: 1}, s.TypeCounts())
}

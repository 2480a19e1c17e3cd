// Package network declares the VPC the cluster runs in: a new one across three
// availability zones, laid out by the package layout, or an existing one.
package network

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/network/layout"
	"github.com/milvus-eks/milvus-eks/infra/facts"
)

// TypeToken is the Network component's type.
const TypeToken = "milvus-eks:network:Network"

// Subnet tags that EKS and the AWS Load Balancer Controller read to find
// where load balancers go (see the EKS user guide, "Subnet requirements").
const (
	TagPublicELB   = "kubernetes.io/role/elb"
	TagInternalELB = "kubernetes.io/role/internal-elb"
)

// S3EndpointService is the VPC endpoint service of S3 in a region.
func S3EndpointService(region string) string {
	return facts.ServicePrefix(region) + "." + region + ".s3"
}

// ClusterTag is the tag that marks a subnet as usable by the named cluster.
func ClusterTag(clusterName string) string { return "kubernetes.io/cluster/" + clusterName }

// Network is the VPC and its subnets.
type Network struct {
	pulumi.ResourceState

	VpcID            pulumi.StringOutput      `pulumi:"vpcId"`
	PublicSubnetIDs  pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
	PrivateSubnetIDs pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
}

// Args describe the network: a VPC to create, or an existing one.
type Args struct {
	// Region names the S3 service of a new VPC's gateway endpoint.
	Region string
	// Cidr is the address range of a new VPC.
	Cidr string
	// NatGatewayPerZone gives each zone its own NAT gateway; otherwise every
	// zone routes through one.
	NatGatewayPerZone bool
	// ClusterName tags the new subnets as the cluster's.
	ClusterName string
	// Zones are a new VPC's availability zones, facts.VpcZones of them; none means
	// the region's first ones, by name, that need no opt-in.
	Zones []string
	// Existing, when set, is used instead: nothing is created.
	Existing *Existing
}

// Existing is a VPC that exists, with its subnets.
type Existing struct {
	VpcID            string
	PublicSubnetIDs  []string
	PrivateSubnetIDs []string
	// S3RouteTableIDs, when set, get an S3 gateway endpoint: the private
	// subnets' route tables (RouteTablesOf). Empty trusts that the VPC has
	// one.
	S3RouteTableIDs []string
}

// New declares the network: nothing but the component itself for an
// existing VPC.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Network, error) {
	n := &Network{}
	if err := ctx.RegisterComponentResource(TypeToken, name, n, opts...); err != nil {
		return nil, err
	}
	if e := args.Existing; e != nil {
		n.VpcID = pulumi.String(e.VpcID).ToStringOutput()
		n.PublicSubnetIDs = pulumi.ToStringArray(e.PublicSubnetIDs).ToStringArrayOutput()
		n.PrivateSubnetIDs = pulumi.ToStringArray(e.PrivateSubnetIDs).ToStringArrayOutput()
		if len(e.S3RouteTableIDs) > 0 {
			if err := newS3Endpoint(ctx, name, args.Region, n.VpcID, pulumi.ToStringArray(e.S3RouteTableIDs), pulumi.Parent(n)); err != nil {
				return nil, err
			}
		}
	} else if err := n.create(ctx, name, args); err != nil {
		return nil, err
	}
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":            n.VpcID,
		"publicSubnetIds":  n.PublicSubnetIDs,
		"privateSubnetIds": n.PrivateSubnetIDs,
	})
}

// OptInNotRequired is the opt-in status of a region's own availability
// zones; Local and Wavelength Zones, once opted in, are "opted-in".
const OptInNotRequired = "opt-in-not-required"

// availabilityZones are the named zones, or the region's first facts.VpcZones that
// need no opt-in. The filter keeps an opted-in Local Zone, whose name
// ("us-east-2-chi-1a") sorts before the region's own, from shifting the
// subnets and replacing the cluster. There is no state filter: a zone that
// is briefly impaired must not shift the list either.
func availabilityZones(ctx *pulumi.Context, named []string, parent pulumi.InvokeOption) ([]string, error) {
	if len(named) > 0 {
		return named, nil
	}
	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		Filters: []aws.GetAvailabilityZonesFilter{{Name: "opt-in-status", Values: []string{OptInNotRequired}}},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("looking up availability zones: %w", err)
	}
	if len(zones.Names) < facts.VpcZones {
		return nil, fmt.Errorf("the region has %d availability zones that need no opt-in; a new VPC needs %d (or name them in availabilityZones)", len(zones.Names), facts.VpcZones)
	}
	return zones.Names[:facts.VpcZones], nil
}

func (n *Network) create(ctx *pulumi.Context, name string, args Args) error {
	zones, err := availabilityZones(ctx, args.Zones, pulumi.Parent(n))
	if err != nil {
		return err
	}
	subnets, err := layout.Plan(args.Cidr, facts.VpcZones)
	if err != nil {
		return err
	}

	parent := pulumi.Parent(n)
	tags := func(extra map[string]string, suffix string) pulumi.StringMap {
		m := pulumi.StringMap{"Name": pulumi.String(name + "-" + suffix)}
		for k, v := range extra {
			m[k] = pulumi.String(v)
		}
		return m
	}

	vpc, err := ec2.NewVpc(ctx, name, &ec2.VpcArgs{
		CidrBlock: pulumi.String(args.Cidr),
		// EKS requires both for the cluster endpoint and node registration.
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               tags(nil, "vpc"),
	}, parent)
	if err != nil {
		return err
	}
	igw, err := ec2.NewInternetGateway(ctx, name, &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  tags(nil, "igw"),
	}, parent)
	if err != nil {
		return err
	}
	publicRoutes, err := ec2.NewRouteTable(ctx, name+"-public", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Routes: ec2.RouteTableRouteArray{&ec2.RouteTableRouteArgs{
			CidrBlock: pulumi.String("0.0.0.0/0"),
			GatewayId: igw.ID(),
		}},
		Tags: tags(nil, "public"),
	}, parent)
	if err != nil {
		return err
	}

	clusterTag := ClusterTag(args.ClusterName)
	var public, private, privateRouteTables pulumi.StringArray
	var nat *ec2.NatGateway
	for i, zone := range zones {
		publicSubnet, err := newSubnet(ctx, fmt.Sprintf("%s-public-%d", name, i), vpc, zone, subnets.Public[i],
			tags(map[string]string{TagPublicELB: "1", clusterTag: "shared"}, "public-"+zone), publicRoutes, parent)
		if err != nil {
			return err
		}
		public = append(public, publicSubnet.ID())

		// With one NAT gateway every zone routes through the first; with one
		// per zone, each zone keeps its traffic (and its failures) to itself.
		if i == 0 || args.NatGatewayPerZone {
			eip, err := ec2.NewEip(ctx, fmt.Sprintf("%s-nat-%d", name, i), &ec2.EipArgs{
				Domain: pulumi.String("vpc"),
				Tags:   tags(nil, "nat-"+zone),
			}, parent)
			if err != nil {
				return err
			}
			// The gateway needs the VPC's internet gateway attached to reach
			// out; nothing in its arguments says so.
			nat, err = ec2.NewNatGateway(ctx, fmt.Sprintf("%s-%d", name, i), &ec2.NatGatewayArgs{
				AllocationId: eip.ID(),
				SubnetId:     publicSubnet.ID(),
				Tags:         tags(nil, "nat-"+zone),
			}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
			if err != nil {
				return err
			}
		}
		privateRoutes, err := ec2.NewRouteTable(ctx, fmt.Sprintf("%s-private-%d", name, i), &ec2.RouteTableArgs{
			VpcId: vpc.ID(),
			Routes: ec2.RouteTableRouteArray{&ec2.RouteTableRouteArgs{
				CidrBlock:    pulumi.String("0.0.0.0/0"),
				NatGatewayId: nat.ID(),
			}},
			Tags: tags(nil, "private-"+zone),
		}, parent)
		if err != nil {
			return err
		}
		privateSubnet, err := newSubnet(ctx, fmt.Sprintf("%s-private-%d", name, i), vpc, zone, subnets.Private[i],
			tags(map[string]string{TagInternalELB: "1", clusterTag: "shared"}, "private-"+zone), privateRoutes, parent)
		if err != nil {
			return err
		}
		private = append(private, privateSubnet.ID())
		privateRouteTables = append(privateRouteTables, privateRoutes.ID())
	}

	if err := newS3Endpoint(ctx, name, args.Region, vpc.ID(), privateRouteTables, parent); err != nil {
		return err
	}

	n.VpcID = vpc.ID().ToStringOutput()
	n.PublicSubnetIDs = public.ToStringArrayOutput()
	n.PrivateSubnetIDs = private.ToStringArrayOutput()
	return nil
}

// newS3Endpoint declares S3's gateway endpoint on the given route tables.
// Milvus reads and writes S3 all the time; through the endpoint that traffic
// stays off the NAT gateways, which bill per GB, and the endpoint itself
// costs nothing.
func newS3Endpoint(ctx *pulumi.Context, name, region string, vpcID pulumi.StringInput, routeTables pulumi.StringArrayInput, opts ...pulumi.ResourceOption) error {
	_, err := ec2.NewVpcEndpoint(ctx, name+"-s3", &ec2.VpcEndpointArgs{
		VpcId:           vpcID,
		ServiceName:     pulumi.String(S3EndpointService(region)),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   routeTables,
		Tags:            pulumi.StringMap{"Name": pulumi.String(name + "-s3")},
	}, opts...)
	return err
}

// UnassociatedSubnetsError names subnets that no route table is explicitly
// associated with: they use their VPC's main route table, which may route
// other subnets too, so this program does not pick it for them.
type UnassociatedSubnetsError struct{ Subnets []string }

func (e UnassociatedSubnetsError) Error() string {
	return "no route table is associated with " + strings.Join(e.Subnets, ", ")
}

// RouteTablesOf looks up, before anything is declared, the route table
// explicitly associated with each subnet of a VPC (EC2's
// association.subnet-id filter), without repeats, in the subnets' order.
func RouteTablesOf(ctx *pulumi.Context, vpcID string, subnets []string) ([]string, error) {
	var tables, unassociated []string
	seen := map[string]bool{}
	for _, subnet := range subnets {
		found, err := ec2.GetRouteTables(ctx, &ec2.GetRouteTablesArgs{
			VpcId:   &vpcID,
			Filters: []ec2.GetRouteTablesFilter{{Name: "association.subnet-id", Values: []string{subnet}}},
		})
		if err != nil {
			return nil, fmt.Errorf("looking up the route table of %s: %w", subnet, err)
		}
		if len(found.Ids) == 0 {
			unassociated = append(unassociated, subnet)
		}
		for _, id := range found.Ids {
			if !seen[id] {
				seen[id] = true
				tables = append(tables, id)
			}
		}
	}
	if len(unassociated) > 0 {
		return nil, UnassociatedSubnetsError{Subnets: unassociated}
	}
	return tables, nil
}

// newSubnet declares a subnet and associates it with its route table, both
// under the same name. No subnet gives its instances public addresses: only
// load balancers and NAT gateways live in the public ones.
func newSubnet(ctx *pulumi.Context, name string, vpc *ec2.Vpc, zone, cidr string, tags pulumi.StringMap,
	routes *ec2.RouteTable, opts ...pulumi.ResourceOption) (*ec2.Subnet, error) {
	subnet, err := ec2.NewSubnet(ctx, name, &ec2.SubnetArgs{
		VpcId:               vpc.ID(),
		CidrBlock:           pulumi.String(cidr),
		AvailabilityZone:    pulumi.String(zone),
		MapPublicIpOnLaunch: pulumi.Bool(false),
		Tags:                tags,
	}, opts...)
	if err != nil {
		return nil, err
	}
	_, err = ec2.NewRouteTableAssociation(ctx, name, &ec2.RouteTableAssociationArgs{
		SubnetId:     subnet.ID(),
		RouteTableId: routes.ID(),
	}, opts...)
	return subnet, err
}

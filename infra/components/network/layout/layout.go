// Package layout carves the VPC's address range into subnets, one public and
// one private per availability zone.
//
// The VPC is cut into eight equal blocks. Private subnets take one whole block
// each: with the VPC CNI every pod gets an address from its node's subnet, so
// they need room (a /16 VPC gives /19 private subnets: 8,187 usable addresses
// each, after the five AWS reserves).
// Public subnets hold only load balancers and NAT gateways; they share the next
// block, cut eight ways again (/22 in a /16 VPC). The remaining blocks are left
// free for later use.
package layout

import (
	"fmt"
	"net/netip"
)

// MaxZones is how many availability zones the layout supports.
const MaxZones = 7

// Layout is the CIDR block of each subnet, index i in availability zone i.
type Layout struct {
	Private []string
	Public  []string
}

// Plan lays out subnets for zones availability zones in vpcCidr.
func Plan(vpcCidr string, zones int) (Layout, error) {
	vpc, err := netip.ParsePrefix(vpcCidr)
	if err != nil || !vpc.Addr().Is4() {
		return Layout{}, fmt.Errorf("vpc CIDR %q is not an IPv4 CIDR block", vpcCidr)
	}
	if vpc.Masked() != vpc {
		return Layout{}, fmt.Errorf("vpc CIDR %q has host bits set", vpcCidr)
	}
	if zones < 1 || zones > MaxZones {
		return Layout{}, fmt.Errorf("%d availability zones: the layout supports 1 to %d", zones, MaxZones)
	}
	if vpc.Bits()+6 > 28 {
		return Layout{}, fmt.Errorf("vpc CIDR %q is too small: public subnets would be smaller than /28", vpcCidr)
	}
	var layout Layout
	for i := range zones {
		layout.Private = append(layout.Private, subnet(vpc, 3, i).String())
	}
	publicBlock := subnet(vpc, 3, zones)
	for i := range zones {
		layout.Public = append(layout.Public, subnet(publicBlock, 3, i).String())
	}
	return layout, nil
}

// subnet returns the index-th block of prefix cut into 2^extraBits equal blocks.
func subnet(prefix netip.Prefix, extraBits, index int) netip.Prefix {
	bits := prefix.Bits() + extraBits
	base := prefix.Addr().As4()
	n := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	n += uint32(index) << (32 - bits)
	addr := netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	return netip.PrefixFrom(addr, bits)
}

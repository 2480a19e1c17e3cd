// Package nodeguarantees is what every node of the stack keeps, whoever
// starts it: the managed node group's launch template and Karpenter's
// EC2NodeClass are both built from one Guarantees, so that a node
// Karpenter starts is never weaker than a node-group node (a test reads
// both back and holds them equal; the policy pack refuses a node class
// without them).
package nodeguarantees

import "github.com/milvus-eks/milvus-eks/infra/facts"

// Guarantees are a node's metadata service settings and root volume.
type Guarantees struct {
	// HTTPTokens "required" and HopLimit 1: IMDSv2 only, out of pods'
	// reach (facts).
	HTTPTokens string
	HopLimit   int
	// RootDevice is Amazon Linux 2023's root device, with an encrypted
	// volume of VolumeType and SizeGiB, deleted with the instance.
	RootDevice          string
	VolumeType          string
	SizeGiB             int
	Encrypted           bool
	DeleteOnTermination bool
}

// Of are the guarantees of the stack's nodes, with a root volume of
// sizeGiB.
func Of(sizeGiB int) Guarantees {
	return Guarantees{
		HTTPTokens:          facts.NodeMetadataHTTPTokens,
		HopLimit:            facts.NodeMetadataHopLimit,
		RootDevice:          facts.NodeRootDevice,
		VolumeType:          facts.NodeRootVolumeType,
		SizeGiB:             sizeGiB,
		Encrypted:           true,
		DeleteOnTermination: true,
	}
}

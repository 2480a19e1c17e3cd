// Package nodepools builds Karpenter's v1 custom resources for the stack as
// typed values: the one EC2NodeClass, which keeps every node guarantee of
// the node group's launch template (nodeguarantees), and a NodePool per
// role. Field names and rules are those of the CRDs of Karpenter v1.14.1
// (pkg/apis/crds in aws/karpenter-provider-aws), which the chart archive in
// infra/charts carries.
package nodepools

import (
	"fmt"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/nodeguarantees"
	"github.com/milvus-eks/milvus-eks/infra/facts"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// The custom resources' kinds.
const (
	NodeClassAPIVersion = "karpenter.k8s.aws/v1"
	NodeClassKind       = "EC2NodeClass"
	NodePoolAPIVersion  = "karpenter.sh/v1"
	NodePoolKind        = "NodePool"
)

// NodeClassName names the stack's one EC2NodeClass.
const NodeClassName = "milvus"

// Name is a pool's NodePool ("milvus-query").
func Name(pool string) string { return "milvus-" + pool }

// NodeClassSpec is an EC2NodeClass' spec.
type NodeClassSpec struct {
	AMISelectorTerms           []AMISelectorTerm    `json:"amiSelectorTerms"`
	Role                       string               `json:"role"`
	SubnetSelectorTerms        []IDTerm             `json:"subnetSelectorTerms"`
	SecurityGroupSelectorTerms []IDTerm             `json:"securityGroupSelectorTerms"`
	MetadataOptions            MetadataOptions      `json:"metadataOptions"`
	BlockDeviceMappings        []BlockDeviceMapping `json:"blockDeviceMappings"`
}

// AMISelectorTerm picks the image by alias: family@version.
type AMISelectorTerm struct {
	Alias string `json:"alias"`
}

// IDTerm selects a subnet or security group by ID.
type IDTerm struct {
	ID string `json:"id"`
}

// MetadataOptions are the instances' metadata service settings.
type MetadataOptions struct {
	HTTPEndpoint            string `json:"httpEndpoint"`
	HTTPProtocolIPv6        string `json:"httpProtocolIPv6"`
	HTTPPutResponseHopLimit int    `json:"httpPutResponseHopLimit"`
	HTTPTokens              string `json:"httpTokens"`
}

// BlockDeviceMapping is one of the instances' volumes.
type BlockDeviceMapping struct {
	DeviceName string `json:"deviceName"`
	RootVolume bool   `json:"rootVolume"`
	EBS        EBS    `json:"ebs"`
}

// EBS is a volume's settings; the size is a quantity ("100Gi").
type EBS struct {
	VolumeSize          string `json:"volumeSize"`
	VolumeType          string `json:"volumeType"`
	Encrypted           bool   `json:"encrypted"`
	DeleteOnTermination bool   `json:"deleteOnTermination"`
}

// NodeClassArgs are what the node class needs of the stack.
type NodeClassArgs struct {
	Guarantees nodeguarantees.Guarantees
	// ImageVersion is the AL2023 EKS image release, pinned.
	ImageVersion string
	// Role is the nodes' IAM role's name; Karpenter makes the instance
	// profile.
	Role string
	// SubnetIDs are the private subnets, by ID, so that no other subnet
	// can be picked whatever its tags; SecurityGroupID is the cluster's
	// security group, which the node group's nodes carry too.
	SubnetIDs       []string
	SecurityGroupID string
}

// NodeClass is the EC2NodeClass' spec.
func NodeClass(a NodeClassArgs) NodeClassSpec {
	g := a.Guarantees
	spec := NodeClassSpec{
		AMISelectorTerms:           []AMISelectorTerm{{Alias: "al2023@" + a.ImageVersion}},
		Role:                       a.Role,
		SecurityGroupSelectorTerms: []IDTerm{{ID: a.SecurityGroupID}},
		MetadataOptions: MetadataOptions{
			HTTPEndpoint:            "enabled",
			HTTPProtocolIPv6:        "disabled",
			HTTPPutResponseHopLimit: g.HopLimit,
			HTTPTokens:              g.HTTPTokens,
		},
		BlockDeviceMappings: []BlockDeviceMapping{{
			DeviceName: g.RootDevice,
			RootVolume: true,
			EBS: EBS{
				VolumeSize:          fmt.Sprintf("%dGi", g.SizeGiB),
				VolumeType:          g.VolumeType,
				Encrypted:           g.Encrypted,
				DeleteOnTermination: g.DeleteOnTermination,
			},
		}},
	}
	for _, id := range a.SubnetIDs {
		spec.SubnetSelectorTerms = append(spec.SubnetSelectorTerms, IDTerm{ID: id})
	}
	return spec
}

// Guarantees reads the node guarantees back from a node class, or says
// which it lacks.
func (s NodeClassSpec) Guarantees() (nodeguarantees.Guarantees, error) {
	if len(s.BlockDeviceMappings) != 1 || !s.BlockDeviceMappings[0].RootVolume {
		return nodeguarantees.Guarantees{}, fmt.Errorf("the node class must have exactly one volume, its root volume")
	}
	root := s.BlockDeviceMappings[0]
	var size int
	if _, err := fmt.Sscanf(root.EBS.VolumeSize, "%dGi", &size); err != nil {
		return nodeguarantees.Guarantees{}, fmt.Errorf("the root volume's size %q is not in Gi", root.EBS.VolumeSize)
	}
	return nodeguarantees.Guarantees{
		HTTPTokens:          s.MetadataOptions.HTTPTokens,
		HopLimit:            s.MetadataOptions.HTTPPutResponseHopLimit,
		RootDevice:          root.DeviceName,
		VolumeType:          root.EBS.VolumeType,
		SizeGiB:             size,
		Encrypted:           root.EBS.Encrypted,
		DeleteOnTermination: root.EBS.DeleteOnTermination,
	}, nil
}

// NodePoolSpec is a NodePool's spec.
type NodePoolSpec struct {
	Template   Template          `json:"template"`
	Limits     map[string]string `json:"limits"`
	Disruption Disruption        `json:"disruption"`
}

// Template is what every node of the pool gets.
type Template struct {
	Metadata TemplateMetadata `json:"metadata"`
	Spec     TemplateSpec     `json:"spec"`
}

// TemplateMetadata labels the pool's nodes.
type TemplateMetadata struct {
	Labels map[string]string `json:"labels"`
}

// TemplateSpec chooses the pool's instances.
type TemplateSpec struct {
	NodeClassRef NodeClassRef  `json:"nodeClassRef"`
	Requirements []Requirement `json:"requirements"`
	// ExpireAfter replaces a node after that long, draining it as the
	// PodDisruptionBudgets allow.
	ExpireAfter string `json:"expireAfter"`
}

// NodeClassRef names the node class.
type NodeClassRef struct {
	Group string `json:"group"`
	Kind  string `json:"kind"`
	Name  string `json:"name"`
}

// Requirement is a node selector requirement on the instances' labels.
type Requirement struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values"`
}

// Disruption is how the pool consolidates its nodes, and at what pace.
type Disruption struct {
	ConsolidationPolicy string   `json:"consolidationPolicy"`
	ConsolidateAfter    string   `json:"consolidateAfter"`
	Budgets             []Budget `json:"budgets"`
}

// Budget bounds how many of the pool's nodes may be disrupted at once,
// always or in a window (a cron schedule in UTC and a duration).
type Budget struct {
	Nodes    string `json:"nodes"`
	Schedule string `json:"schedule,omitempty"`
	Duration string `json:"duration,omitempty"`
}

// Pool is one role's pool as the stack configures it.
type Pool struct {
	// Role is "query" or "core": the pool is Name(Role) and its nodes
	// carry facts.PoolLabel=Role.
	Role     string
	Arch     string
	Families []string
	Spot     bool
	// CPULimit (vCPUs) and MemoryLimitGiB bound its nodes' sum.
	CPULimit, MemoryLimitGiB int
	// Production keeps the pool's nodes through business hours.
	Production bool
}

// The pools' disruption settings: one node at a time, so that etcd's and
// Milvus' PodDisruptionBudgets are never raced by several drains; in
// production none at all on weekdays from 08:00 to 18:00 UTC, and nodes
// must stay underused for half an hour before they are consolidated.
const (
	ExpireAfter             = "720h"
	BusinessHours           = "0 8 * * mon-fri"
	BusinessHoursLength     = "10h"
	consolidateAfter        = "5m"
	productionConsolidation = "30m"
)

// NodePool is a role's NodePool spec.
func NodePool(p Pool) NodePoolSpec {
	capacity := []string{"on-demand"}
	if p.Spot {
		capacity = []string{"spot", "on-demand"}
	}
	disruption := Disruption{ConsolidationPolicy: "WhenEmptyOrUnderutilized", ConsolidateAfter: consolidateAfter, Budgets: []Budget{{Nodes: "1"}}}
	if p.Production {
		disruption.ConsolidateAfter = productionConsolidation
		disruption.Budgets = append(disruption.Budgets, Budget{Nodes: "0", Schedule: BusinessHours, Duration: BusinessHoursLength})
	}
	return NodePoolSpec{
		Template: Template{
			Metadata: TemplateMetadata{Labels: map[string]string{facts.PoolLabel: p.Role}},
			Spec: TemplateSpec{
				NodeClassRef: NodeClassRef{Group: "karpenter.k8s.aws", Kind: NodeClassKind, Name: NodeClassName},
				Requirements: []Requirement{
					{Key: "karpenter.k8s.aws/instance-family", Operator: "In", Values: p.Families},
					// Only the sizes whose capacity the capacity check knows.
					{Key: "karpenter.k8s.aws/instance-size", Operator: "In", Values: sizing.Sizes()},
					{Key: "kubernetes.io/arch", Operator: "In", Values: []string{p.Arch}},
					{Key: "kubernetes.io/os", Operator: "In", Values: []string{"linux"}},
					{Key: "karpenter.sh/capacity-type", Operator: "In", Values: capacity},
				},
				ExpireAfter: ExpireAfter,
			},
		},
		Limits:     map[string]string{"cpu": fmt.Sprint(p.CPULimit), "memory": fmt.Sprintf("%dGi", p.MemoryLimitGiB)},
		Disruption: disruption,
	}
}

// Selector is the node selector that keeps a role's pods on its pool.
func Selector(role string) map[string]string { return map[string]string{facts.PoolLabel: role} }

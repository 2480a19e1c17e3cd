// Package config reads the stack's configuration into one typed value and
// checks it before any resource is declared.
//
// It imports no cloud SDK: the program hands it a lookup function over the
// stack's configuration (ctx.GetConfig at run time, a map in tests).
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Namespace is the configuration namespace of this project's own keys. It is
// the project name in Pulumi.yaml, so `pulumi config set <key>` needs no prefix.
const Namespace = "milvus-eks"

// RegionKey is where the AWS provider, and so this program, reads its region.
const RegionKey = "aws:region"

// NAT gateway layouts.
const (
	NatSingle = "single" // one NAT gateway shared by every private subnet: cheap, one AZ failure domain
	NatPerAz  = "perAz"  // one NAT gateway per availability zone: what production wants
)

// Load balancer schemes accepted by the AWS Load Balancer Controller.
const (
	SchemeInternetFacing = "internet-facing"
	SchemeInternal       = "internal"
)

// Config is the whole stack configuration, with defaults applied.
type Config struct {
	// Stack is the Pulumi stack name; it suffixes account-wide names.
	Stack string
	// Region is aws:region; the bucket, the cluster and the S3 endpoint live there.
	Region string
	// ClusterName names the EKS cluster (default "milvus-<stack>").
	ClusterName string
	// KubernetesVersion is the EKS control plane version.
	KubernetesVersion string

	Network   Network
	NodeGroup NodeGroup
	Bucket    Bucket
	Milvus    Milvus
}

// Network chooses between a VPC this program creates and one that exists.
type Network struct {
	// VpcCidr is the address range of the VPC created when no existing VPC is named.
	VpcCidr string `json:"vpcCidr"`
	// NatGateways is NatSingle or NatPerAz.
	NatGateways string `json:"natGateways"`
	// ExistingVpcID, when set, makes the program use that VPC and the subnets
	// below, and create no network resources at all.
	ExistingVpcID            string   `json:"existingVpcId"`
	ExistingPublicSubnetIDs  []string `json:"existingPublicSubnetIds"`
	ExistingPrivateSubnetIDs []string `json:"existingPrivateSubnetIds"`
}

// UsesExistingVpc reports whether the stack brings its own VPC.
func (n Network) UsesExistingVpc() bool { return n.ExistingVpcID != "" }

// NodeGroup sizes the EKS managed node group that runs Milvus.
type NodeGroup struct {
	InstanceTypes []string `json:"instanceTypes"`
	MinSize       int      `json:"minSize"`
	DesiredSize   int      `json:"desiredSize"`
	MaxSize       int      `json:"maxSize"`
	DiskSizeGiB   int      `json:"diskSizeGiB"`
}

// Bucket describes the S3 bucket that holds Milvus' data.
type Bucket struct {
	// Name is the exact bucket name; empty means "generate one from NamePrefix".
	Name string `json:"name"`
	// NamePrefix is the prefix of a generated name (the guide's "milvus-bucket-").
	NamePrefix string `json:"namePrefix"`
	// ForceDestroy lets `pulumi destroy` delete a bucket that still holds objects.
	ForceDestroy bool `json:"forceDestroy"`
}

// Milvus describes the Helm release and the identity it runs under.
type Milvus struct {
	Namespace      string `json:"namespace"`
	ServiceAccount string `json:"serviceAccount"`
	ReleaseName    string `json:"releaseName"`
	ChartVersion   string `json:"chartVersion"`
	// TimeoutSeconds bounds the Helm install; with atomic set, a release that is
	// not ready by then is rolled back.
	TimeoutSeconds int          `json:"timeoutSeconds"`
	LoadBalancer   LoadBalancer `json:"loadBalancer"`
	MixCoordinator Coordinator  `json:"mixCoordinator"`
	Proxy          Workload     `json:"proxy"`
}

// LoadBalancer describes the NLB in front of Milvus' Service.
type LoadBalancer struct {
	Name   string `json:"name"`
	Scheme string `json:"scheme"`
}

// Workload is a replicated Milvus component.
type Workload struct {
	Replicas  int       `json:"replicas"`
	Resources Resources `json:"resources"`
}

// Coordinator is a Workload that may run active-standby.
type Coordinator struct {
	Replicas      int       `json:"replicas"`
	ActiveStandby bool      `json:"activeStandby"`
	Resources     Resources `json:"resources"`
}

// Resources are Kubernetes requests and limits, as quantities ("1", "500m", "4Gi").
type Resources struct {
	Requests ResourceList `json:"requests,omitempty"`
	Limits   ResourceList `json:"limits,omitempty"`
}

// ResourceList is the cpu and memory of a Kubernetes resource list.
type ResourceList struct {
	CPU    string `json:"cpu,omitempty"`
	Memory string `json:"memory,omitempty"`
}

// IsZero reports whether no quantity is set.
func (r ResourceList) IsZero() bool { return r.CPU == "" && r.Memory == "" }

// Defaults are the values a key takes when the stack file leaves it out. They
// are the small, cheap end: the prod stack file sets the guide's sizes.
func Defaults(stack string) Config {
	return Config{
		Stack:             stack,
		ClusterName:       "milvus-" + stack,
		KubernetesVersion: "1.34",
		Network: Network{
			VpcCidr:     "10.0.0.0/16",
			NatGateways: NatSingle,
		},
		NodeGroup: NodeGroup{
			InstanceTypes: []string{"m6i.2xlarge"},
			MinSize:       2,
			DesiredSize:   2,
			MaxSize:       3,
			DiskSizeGiB:   100,
		},
		Bucket: Bucket{NamePrefix: "milvus-bucket-"},
		Milvus: Milvus{
			Namespace:      "milvus",
			ServiceAccount: "milvus-s3-access-sa",
			ReleaseName:    "milvus",
			ChartVersion:   "5.0.19",
			TimeoutSeconds: 1800,
			LoadBalancer: LoadBalancer{
				Name:   "milvus-service",
				Scheme: SchemeInternetFacing,
			},
			MixCoordinator: Coordinator{Replicas: 1},
			Proxy:          Workload{Replicas: 1},
		},
	}
}

// Lookup returns a configuration value by its full key ("milvus-eks:bucket")
// and whether it is set. ctx.GetConfig has this shape.
type Lookup func(key string) (string, bool)

// Key is the full name of one of this project's keys.
func Key(name string) string { return Namespace + ":" + name }

// Load reads every key of this project over the defaults and validates the
// result. The error, if any, is a Problems listing everything wrong at once.
func Load(lookup Lookup, stack string) (Config, error) {
	cfg := Defaults(stack)
	var problems Problems

	region, ok := lookup(RegionKey)
	if !ok || region == "" {
		problems = append(problems, Problem{Key: RegionKey, Rule: "is required: set it with `pulumi config set aws:region us-east-2`"})
	}
	cfg.Region = region

	scalars := []struct {
		name string
		dst  *string
	}{
		{"clusterName", &cfg.ClusterName},
		{"kubernetesVersion", &cfg.KubernetesVersion},
	}
	for _, s := range scalars {
		if v, ok := lookup(Key(s.name)); ok {
			*s.dst = v
		}
	}

	objects := []struct {
		name string
		dst  any
	}{
		{"network", &cfg.Network},
		{"nodeGroup", &cfg.NodeGroup},
		{"bucket", &cfg.Bucket},
		{"milvus", &cfg.Milvus},
	}
	for _, o := range objects {
		raw, ok := lookup(Key(o.name))
		if !ok {
			continue
		}
		if err := decodeStrict(raw, o.dst); err != nil {
			problems = append(problems, Problem{Key: Key(o.name), Value: raw, Rule: err.Error()})
		}
	}

	// Validate only what decoded: a key that failed to decode would report its
	// defaults as if the user had written them.
	if len(problems) == 0 {
		problems = cfg.Validate()
	}
	if len(problems) > 0 {
		return Config{}, problems
	}
	return cfg, nil
}

// decodeStrict decodes a structured config value over dst's defaults and
// rejects fields dst does not have, so a misspelt key is an error, not a no-op.
func decodeStrict(raw string, dst any) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return fmt.Errorf("field %q must be a %s, not a JSON %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
		}
		return fmt.Errorf("must be a YAML object of known fields: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "int", "int64":
		return "whole number"
	case "slice":
		return "list"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean"
	default:
		return goKind
	}
}

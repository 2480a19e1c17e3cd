// Package mockcloud runs the real Pulumi program on Pulumi's in-process mock
// engine: no AWS account, no cluster, no Pulumi CLI. It stands in for AWS and
// Kubernetes with placeholder values of the right shape, and records every
// resource the program registers and every stack output it exports.
//
// Placeholders use the AWS account ID 000000000000, which no real account
// has, and identifiers made of zeros (see the constants below).
package mockcloud

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing/discovery"
	"github.com/milvus-eks/milvus-eks/infra/config"
)

// Placeholders for values AWS computes at deploy time.
const (
	AccountID = "000000000000"
	// OidcID stands for the 32-hex-digit ID EKS gives a cluster's issuer.
	OidcID = "00000000000000000000000000000000"
	// BucketSuffix stands for the 26 characters the AWS provider appends to a
	// bucket name prefix.
	BucketSuffix = "00000000000000000000000000"
	// GeneratedPassword stands for a password random.RandomPassword makes.
	GeneratedPassword = "00000000000000000000000000000000"
	// LoadBalancerZoneID stands for the canonical hosted zone of a region's
	// network load balancers.
	LoadBalancerZoneID = "Z0000000000000"
)

// Resource is one registration the program made.
type Resource struct {
	URN    string
	Type   string
	Name   string
	Parent string
	// Provider is the explicit provider reference ("<urn>::<id>"), or "" when
	// the resource would use the default provider.
	Provider     string
	Custom       bool
	Remote       bool // a component implemented by a provider plugin (pulumi-eks)
	Read         bool // a lookup of an existing resource, not one Pulumi manages
	ID           string
	Inputs       resource.PropertyMap
	Outputs      resource.PropertyMap
	Dependencies []string

	Protect        bool
	RetainOnDelete bool
	// BeforeDelete names the resource hooks the engine would run before
	// deleting it.
	BeforeDelete []string

	// StandInFor is, for a stand-in, the URN of the remote component whose
	// child it plays.
	StandInFor string
	// NotReady says why the resource would never become ready in a real
	// cluster (a release whose volumes no driver provisions, a load
	// balancer Service no controller serves); "" when it would.
	NotReady string
}

// Stack is what one run of the program registered and exported.
type Stack struct {
	// Resources in registration order, without the stand-ins the mock itself
	// registered for the children of remote components (see StandIns).
	Resources []*Resource
	// StandIns are resources registered by the mock to play the children a
	// remote component would create (the EKS cluster, its access entries).
	StandIns []*Resource
	// Outputs are the stack outputs, resolved; secrets are wrapped in Secret.
	Outputs map[string]any
}

// Secret marks a stack output that Pulumi would store encrypted.
type Secret struct{ Value any }

// Run runs program as stack of project with settings (full keys, values as
// the Pulumi engine hands them to a program) on the mock engine. When the
// program fails, the Stack still lists what it registered before it failed.
func Run(project, stack string, settings config.Settings, program pulumi.RunFunc, options ...Option) (*Stack, error) {
	m := &mocks{region: settings.Values[config.RegionKey], root: charts.Root()}
	for _, option := range options {
		option(m)
	}
	result := &Stack{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		m.ctx = ctx
		if err := program(ctx); err != nil {
			return err
		}
		outputs, err := resolveExports(ctx)
		result.Outputs = outputs
		return err
	}, pulumi.WithMocks(project, stack, m), withConfig(settings), inRoot(m.root))
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.resources {
		if m.standIns[r.URN] {
			result.StandIns = append(result.StandIns, r)
		} else {
			result.Resources = append(result.Resources, r)
		}
	}
	return result, err
}

// inRoot gives the program's context the project's root, as the engine
// would, for ctx.RootDirectory.
func inRoot(dir string) pulumi.RunOption {
	return func(info *pulumi.RunInfo) { info.RootDirectory = dir }
}

// withConfig gives the program's context the settings, as the engine would,
// for ctx.GetConfig and ctx.IsConfigSecret.
func withConfig(settings config.Settings) pulumi.RunOption {
	return func(info *pulumi.RunInfo) {
		info.Config = settings.Values
		info.ConfigSecretKeys = nil
		for key, secret := range settings.Secret {
			if secret {
				info.ConfigSecretKeys = append(info.ConfigSecretKeys, key)
			}
		}
		sort.Strings(info.ConfigSecretKeys)
	}
}

func resolveExports(ctx *pulumi.Context) (map[string]any, error) {
	exports := ctx.GetCurrentExportMap()
	names := make([]string, 0, len(exports))
	for name := range exports {
		names = append(names, name)
	}
	sort.Strings(names)
	out := map[string]any{}
	for _, name := range names {
		input := exports[name]
		var output pulumi.Output
		switch v := input.(type) {
		case pulumi.Output:
			output = v
		default:
			output = pulumi.ToOutput(v)
		}
		res, err := internals.UnsafeAwaitOutput(ctx.Context(), output)
		if err != nil {
			return nil, fmt.Errorf("stack output %s: %w", name, err)
		}
		value := res.Value
		if res.Secret {
			value = Secret{Value: value}
		}
		out[name] = value
	}
	return out, nil
}

// mocks implements pulumi.MockResourceMonitor.
type mocks struct {
	ctx    *pulumi.Context
	region string
	// root is the project's root the program sees (InRoot).
	root string
	// apiServer and apiServerCA are where found clusters answer
	// (WithAPIServer); "" means the placeholders.
	apiServer, apiServerCA string
	// clusters and stacks are what look-ups find; nil means "anything,
	// with placeholders" (see WithClusters and WithStacks).
	clusters  map[string]discovery.EKSCluster
	providers []discovery.OidcProvider
	// unassociated subnets have no route table of their own.
	unassociated map[string]bool
	// caller is the ARN of whoever runs the program (WithCaller).
	caller string
	// createsCluster says the program creates the cluster it deploys onto,
	// add-ons included (readiness.go).
	createsCluster bool
	stacks         map[string]map[string]any

	mu        sync.Mutex
	resources []*Resource
	standIns  map[string]bool
	// pendingStandIns are the names ("type::name") the mock is about to
	// register as stand-ins, with the URN of the component they play for.
	pendingStandIns map[string]string
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	var dependencies []string
	if rpc := args.RegisterRPC; rpc != nil {
		dependencies = rpc.GetDependencies()
	}
	notReady := m.missing(args, dependencies)
	id, outputs, err := m.outputsFor(args, notReady)
	if err != nil {
		return "", nil, err
	}
	r := &Resource{
		Type:    args.TypeToken,
		Name:    args.Name,
		Inputs:  args.Inputs,
		Outputs: outputs,
		ID:      id,
		Custom:  args.Custom,
		// What the resource needs in the cluster and lacks.
		NotReady: notReady,
	}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Parent = rpc.GetParent()
		r.Provider = rpc.GetProvider()
		r.Remote = rpc.GetRemote()
		r.Dependencies = append([]string(nil), rpc.GetDependencies()...)
		r.Protect = rpc.GetProtect()
		r.RetainOnDelete = rpc.GetRetainOnDelete()
		r.BeforeDelete = rpc.GetHooks().GetBeforeDelete()
		r.URN = urn(m.ctx, r.Parent, r.Type, r.Name)
	}
	if rpc := args.ReadRPC; rpc != nil {
		r.Read = true
		r.Custom = true
		r.Parent = rpc.GetParent()
		r.Provider = rpc.GetProvider()
		r.Dependencies = append([]string(nil), rpc.GetDependencies()...)
		r.URN = urn(m.ctx, r.Parent, r.Type, r.Name)
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	m.resources = append(m.resources, r)
	key := args.TypeToken + "::" + args.Name
	if owner, ok := m.pendingStandIns[key]; ok {
		delete(m.pendingStandIns, key)
		r.StandInFor = owner
		if m.standIns == nil {
			m.standIns = map[string]bool{}
		}
		m.standIns[r.URN] = true
	}
	return id, outputs, nil
}

// urn computes the URN the mock monitor gives a resource (same scheme).
func urn(ctx *pulumi.Context, parent, typ, name string) string {
	parentType := ""
	if parent != "" {
		if p := resource.URN(parent); p.QualifiedType() != resource.RootStackType {
			parentType = string(p.QualifiedType())
		}
	}
	qualified := typ
	if parentType != "" {
		qualified = parentType + "$" + typ
	}
	return fmt.Sprintf("urn:pulumi:%s::%s::%s::%s", ctx.Stack(), ctx.Project(), qualified, name)
}

// filtersOptInNotRequired reports whether a zone lookup asks only for the
// zones that need no opt-in.
func filtersOptInNotRequired(args resource.PropertyMap) bool {
	filters := args["filters"]
	if !filters.IsArray() {
		return false
	}
	for _, f := range filters.ArrayValue() {
		if !f.IsObject() || stringOf(f.ObjectValue()["name"]) != "opt-in-status" {
			continue
		}
		values := f.ObjectValue()["values"]
		if values.IsArray() && len(values.ArrayValue()) == 1 && stringOf(values.ArrayValue()[0]) == "opt-in-not-required" {
			return true
		}
	}
	return false
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		// The region's zones, and an opted-in Local Zone, whose name sorts
		// first, unless the lookup filters on the opt-in status.
		var names []any
		if !filtersOptInNotRequired(args.Args) {
			names = append(names, m.region+"-lz-1a")
		}
		for _, zone := range zonesOf(m.region) {
			names = append(names, m.region+zone)
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":    m.region,
			"names": names,
		}), nil
	case "aws:index/getCallerIdentity:getCallerIdentity":
		caller := m.caller
		if caller == "" {
			caller = m.arn("iam", "", "user/deployer")
		}
		account := strings.SplitN(caller, ":", 6)[4]
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": account, "accountId": account, "arn": caller, "userId": "AIDA00000000000000000",
		}), nil
	case "aws:ec2/getRouteTables:getRouteTables":
		return m.lookUpRouteTables(args.Args)
	case "aws:eks/getCluster:getCluster":
		return m.lookUpCluster(args.Args)
	case "aws:ec2/getVpc:getVpc":
		id := args.Args["id"].StringValue()
		return resource.NewPropertyMapFromMap(map[string]any{"id": id, "cidrBlock": ExistingVpcCidr}), nil
	case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider":
		return m.lookUpOidcProvider(args.Args)
	case "aws:lb/getHostedZoneId:getHostedZoneId":
		return resource.NewPropertyMapFromMap(map[string]any{"id": LoadBalancerZoneID, "loadBalancerType": "network", "region": m.region}), nil
	}
	if answer, ok := m.componentLookUp(args.Token); ok {
		return answer, nil
	}
	return nil, fmt.Errorf("mockcloud: no mock for the invoke %s", args.Token)
}

// zonesOf are the letters of a region's availability zones that need no
// opt-in: three everywhere but in us-west-1, where an account sees two (AWS
// opens no new subnets in its third zone to new accounts).
func zonesOf(region string) []string {
	if region == TwoZoneRegion {
		return []string{"a", "c"}
	}
	return []string{"a", "b", "c"}
}

// ExistingVpcCidr is the address range of every VPC the mock finds.
const ExistingVpcCidr = "10.40.0.0/16"

// TwoZoneRegion is the region where the mock's account has two zones.
const TwoZoneRegion = "us-west-1"

// componentLookUp answers the look-ups pulumi-eks' own code makes, which
// the program never does: they reach the fake cloud only when the real
// engine runs the real component with the stand-in providers
// (tests/engine).
func (m *mocks) componentLookUp(token string) (resource.PropertyMap, bool) {
	answers := map[string]map[string]any{
		"aws:index/getRegion:getRegion":       {"id": m.region, "name": m.region, "region": m.region, "description": m.region, "endpoint": "ec2." + m.region + ".amazonaws.com"},
		"aws:index/getPartition:getPartition": {"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"},
		"aws:ec2/getAmi:getAmi":               {"id": "ami-00000000000000000", "imageId": "ami-00000000000000000", "architecture": "x86_64"},
		"aws:ssm/getParameter:getParameter":   {"id": "parameter", "name": "parameter", "type": "String", "value": "ami-00000000000000000"},
	}
	answer, ok := answers[token]
	if !ok {
		return nil, false
	}
	return resource.NewPropertyMapFromMap(answer), true
}

// Answer is what the fake cloud of region answers to an invoke: the same
// placeholders the offline plan shows. The stand-in providers of the
// real-engine preview serve it (tests/engine/standin).
func Answer(region, token string, args resource.PropertyMap, options ...Option) (resource.PropertyMap, error) {
	m := &mocks{region: region}
	for _, option := range options {
		option(m)
	}
	return m.Call(pulumi.MockCallArgs{Token: token, Args: args})
}

// TestStack is the stack name RunPart runs in.
const TestStack = "test"

// RunPart runs part of the program, such as one component, on the mock
// engine, in a stack of this project in region: how a component is tested
// alone.
func RunPart(region string, part pulumi.RunFunc, options ...Option) (*Stack, error) {
	settings := config.Settings{Values: map[string]string{config.RegionKey: region}, Secret: map[string]bool{}}
	return Run(config.Namespace, TestStack, settings, part, options...)
}

// Created is what the fake cloud of region answers to the creation of a
// resource of a type and name with these inputs: its ID, and its outputs
// (the inputs with the offline plan's placeholders for what AWS or
// Kubernetes would compute). The stand-in providers of the real-engine
// test create with it (tests/engine/standin).
func Created(region, typ, name string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	m := &mocks{region: region}
	return m.outputsFor(pulumi.MockResourceArgs{TypeToken: typ, Name: name, Inputs: inputs}, "")
}

// Package analyzer turns the policies of package rules into a Pulumi
// policy pack (policyx), and what the engine sends into the resources the
// policies read. The pack's command only serves it.
package analyzer

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/policypack/rules"
)

// Name and Version identify the pack to the engine and in its reports.
const Name = "milvus-eks"

var Version = semver.MustParse("1.0.0")

// Pack builds the policy pack for the stack the engine configures.
func Pack(ctx *pulumi.Context) (policyx.PolicyPack, error) {
	production, _ := ctx.GetConfig(config.FullName("production"))
	stack := rules.Stack{Production: isTrue(production)}
	var policies []policyx.Policy
	for _, p := range rules.Policies {
		p := p
		if p.Resource != nil {
			policies = append(policies, policyx.NewResourceValidationPolicy(p.Name, policyx.ResourceValidationPolicyArgs{
				Description:      p.Description,
				EnforcementLevel: policyx.EnforcementLevelMandatory,
				ValidateResource: func(_ context.Context, args policyx.ResourceValidationArgs) error {
					r := Resource(args.Resource)
					for _, message := range p.Resource(r, stack) {
						args.Manager.ReportViolation(message, r.URN)
					}
					return nil
				},
			}))
		}
		if p.Stack != nil {
			policies = append(policies, policyx.NewStackValidationPolicy(p.Name+"-stack", policyx.StackValidationPolicyArgs{
				Description:      p.Description,
				EnforcementLevel: policyx.EnforcementLevelMandatory,
				ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
					resources := make([]rules.Resource, len(args.Resources))
					for i, r := range args.Resources {
						resources[i] = Resource(r)
					}
					for _, v := range p.Stack(resources, stack) {
						args.Manager.ReportViolation(v.Message, v.URN)
					}
					return nil
				},
			}))
		}
	}
	return policyx.NewPolicyPack(Name, Version, policyx.EnforcementLevelMandatory, policies)
}

// isTrue reads a boolean config value as the engine passes it.
func isTrue(s string) bool {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	return err == nil && b
}

// Resource is the engine's view of a resource as the policies take it.
func Resource(r policyx.AnalyzerResource) rules.Resource {
	return rules.Resource{
		URN:             r.URN,
		Type:            r.Type,
		Name:            r.Name,
		Inputs:          plainMap(r.Properties),
		Dependencies:    r.Dependencies,
		DefaultProvider: strings.HasPrefix(r.Provider.Name, "default"),
		Protect:         r.Options.Protect,
		RetainOnDelete:  r.Options.RetainOnDelete,
	}
}

func plainMap(m property.Map) map[string]any {
	out := map[string]any{}
	for k, v := range m.All {
		out[k] = plain(v)
	}
	return out
}

// plain is a property value as plain Go values, secrets and unknowns marked.
func plain(v property.Value) any {
	switch {
	case v.Secret():
		return rules.Secret{}
	case v.IsComputed():
		return rules.Unknown{}
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.AsBool()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsString():
		return v.AsString()
	case v.IsArray():
		var out []any
		for _, e := range v.AsArray().AsSlice() {
			out = append(out, plain(e))
		}
		return out
	case v.IsMap():
		return plainMap(v.AsMap())
	}
	return fmt.Sprint(v)
}

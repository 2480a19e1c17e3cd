package tests

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/policypack/analyzer"
	"github.com/milvus-eks/milvus-eks/infra/policypack/rules"
)

// The engine's property values reach the policies as plain values, secrets
// and unknowns marked, and the default provider is told apart.
func TestPolicyPackSeesResourcesAsThePlanDoes(t *testing.T) {
	r := analyzer.Resource(policyx.AnalyzerResource{
		URN: "urn:pulumi:dev::milvus::kubernetes:core/v1:Secret::s", Type: "kubernetes:core/v1:Secret", Name: "s",
		Properties: property.NewMap(map[string]property.Value{
			"stringData": property.New(map[string]property.Value{"password": property.New("p")}).WithSecret(true),
			"metadata":   property.New(map[string]property.Value{"name": property.New("s"), "labels": property.New(property.Computed)}),
			"ports":      property.New([]property.Value{property.New(19530.0)}),
			"atomic":     property.New(true),
		}),
		Provider: policyx.AnalyzerProviderResource{Name: "default_4_32_0"},
		Options:  pulumi.ResourceOptions{Protect: true},
	})
	assert.Equal(t, rules.Resource{
		URN: "urn:pulumi:dev::milvus::kubernetes:core/v1:Secret::s", Type: "kubernetes:core/v1:Secret", Name: "s",
		Inputs: map[string]any{
			"stringData": rules.Secret{},
			"metadata":   map[string]any{"name": "s", "labels": rules.Unknown{}},
			"ports":      []any{19530.0},
			"atomic":     true,
		},
		DefaultProvider: true,
		Protect:         true,
	}, r)
}

// violations collects what a policy reports.
type violations []string

func (v *violations) ReportViolation(message, urn string) { *v = append(*v, urn+": "+message) }

// The pack holds every policy, mandatory, and reports through the engine's
// manager what the rules find; production comes from the stack's config.
func TestPolicyPack(t *testing.T) {
	ctx, err := pulumi.NewContext(context.Background(), pulumi.RunInfo{
		Project: "milvus", Stack: "prod", Config: map[string]string{"milvus:production": "true"},
	})
	require.NoError(t, err)
	pack, err := analyzer.Pack(ctx)
	require.NoError(t, err)
	assert.Equal(t, "milvus-eks", pack.Name())

	var names []string
	byName := map[string]policyx.Policy{}
	for _, p := range pack.Policies() {
		assert.Equal(t, policyx.EnforcementLevelMandatory, p.EnforcementLevel(), p.Name())
		names = append(names, p.Name())
		byName[p.Name()] = p
	}
	var want []string
	for _, p := range rules.Policies {
		if p.Resource != nil {
			want = append(want, p.Name)
		}
		if p.Stack != nil {
			want = append(want, p.Name+"-stack")
		}
	}
	assert.Equal(t, want, names)

	// A production stack's internet-facing Service without TLS, through the pack.
	service := policyx.AnalyzerResource{URN: "urn:svc", Type: "kubernetes:core/v1:Service", Name: "milvus-endpoint",
		Properties: property.NewMap(map[string]property.Value{
			"metadata": property.New(map[string]property.Value{"annotations": property.New(map[string]property.Value{
				"service.beta.kubernetes.io/aws-load-balancer-scheme": property.New("internet-facing")})}),
			"spec": property.New(map[string]property.Value{
				"type":                     property.New("LoadBalancer"),
				"ports":                    property.New([]property.Value{property.New(map[string]property.Value{"port": property.New(19530.0)})}),
				"loadBalancerSourceRanges": property.New([]property.Value{property.New("203.0.113.0/24")}),
			}),
		}),
		Provider: policyx.AnalyzerProviderResource{Name: "cluster"},
	}
	var got violations
	err = byName["load-balancer-exposure"].(policyx.ResourceValidationPolicy).Validate(context.Background(),
		policyx.ResourceValidationArgs{Manager: &got, Resource: service})
	require.NoError(t, err)
	assert.Equal(t, violations{"urn:svc: kubernetes:core/v1:Service milvus-endpoint is internet-facing without TLS in production: set loadBalancerCertificateArn (the aws-load-balancer-ssl-cert annotation)"}, got)
}

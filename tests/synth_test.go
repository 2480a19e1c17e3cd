package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/offline/generate"
	"github.com/milvus-eks/milvus-eks/infra/offline/plan"
)

// synthesize is the offline plan of a stack as its deployer would have it:
// the secrets they set before the first `pulumi up` are assumed.
func synthesize(t testing.TB, stackName string) plan.Plan {
	t.Helper()
	p, err := generate.Plan(projectDir, stackName, nil)
	require.NoError(t, err)
	return p
}

// plannedStacks are the stacks with a snapshot: the shipped ones and the
// examples.
var plannedStacks = generate.PlannedStacks

// Nothing generated is stale: the plan snapshots (a change to an IAM
// policy, a Helm value or a dependency shows up as a diff of
// testdata/<stack>.json), the golden problems, the graph, and the parts of
// Pulumi.yaml and the README generated from the key registry, the output
// contract and the plans.
func TestGeneratedFilesAreFresh(t *testing.T) {
	for _, err := range generate.Stale(projectDir) {
		t.Error(err)
	}
}

func TestSynthIsDeterministic(t *testing.T) {
	first, second := synthesize(t, "prod"), synthesize(t, "prod")
	for _, render := range []func(plan.Plan) []byte{plan.Plan.JSON, plan.Plan.Text, plan.Plan.Mermaid} {
		assert.Equal(t, string(render(first)), string(render(second)))
	}
}

// Secrets never reach a plan, whatever the format.
func TestSynthShowsNoSecret(t *testing.T) {
	for _, name := range plannedStacks {
		p := synthesize(t, name)
		for _, render := range []func(plan.Plan) []byte{plan.Plan.JSON, plan.Plan.Text} {
			out := string(render(p))
			assert.Contains(t, out, plan.Secret, name)
			assert.NotContains(t, out, "offline-placeholder-for-an-encrypted-value", name)
			assert.NotContains(t, out, "get-token", "%s: the kubeconfig is a secret", name)
		}
	}
}

func BenchmarkSynth(b *testing.B) {
	for b.Loop() {
		synthesize(b, "prod").JSON()
	}
}

package tests

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/offline/generated"
	"github.com/milvus-eks/milvus-eks/infra/offline/plan"
)

var update = flag.Bool("update", false, "rewrite the synth snapshots in testdata/ and the graph in docs/graph.md")

// synthesize is the offline plan of a stack as its deployer would have it:
// the secrets they set before the first `pulumi up` are assumed.
func synthesize(t testing.TB, stackName string) plan.Plan {
	t.Helper()
	var secrets []string
	for key := range deployerSecrets[stackName] {
		secrets = append(secrets, key)
	}
	sort.Strings(secrets)
	options := plan.Options{Dir: projectDir, Stack: stackName, AssumeSecrets: secrets}
	if file, ok := exampleStacks[stackName]; ok {
		options.StackFile = filepath.Join(projectDir, file)
	}
	p, err := plan.Synthesize(options)
	require.NoError(t, err)
	return p
}

// exampleStacks are the example stack files, by the stack they plan.
var exampleStacks = map[string]string{"shared": exampleStackFile}

// plannedStacks are the stacks with a snapshot: the shipped ones and the
// examples.
var plannedStacks = append(append([]string{}, stacks...), "shared")

// The synth JSON of each stack is a reviewed file: a change to an IAM policy,
// a Helm value or a dependency shows up as a diff of testdata/<stack>.json.
func TestSynthSnapshots(t *testing.T) {
	for _, name := range plannedStacks {
		t.Run(name, func(t *testing.T) {
			got := synthesize(t, name).JSON()
			compareWithFile(t, filepath.Join("testdata", name+".json"), got)
		})
	}
}

// docs/graph.md draws the prod plan, as `synth -format mermaid` does.
func TestGraphIsGenerated(t *testing.T) {
	graph := "```mermaid\n" + string(synthesize(t, "prod").Mermaid()) + "```\n"
	require.NoError(t, generated.Sync(filepath.Join(projectDir, "docs", "graph.md"), generated.Markdown, "prod graph", graph, *update))
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

// compareWithFile fails with a readable diff when got differs from the file,
// or rewrites the file under -update.
func compareWithFile(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "no snapshot yet: run `go test ./tests -update`")
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the program's plan; if the change is intended, run `go test ./tests -update` and review the diff:\n%s",
			path, diff(string(want), string(got)))
	}
}

func diff(want, got string) string {
	text, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(want), B: difflib.SplitLines(got),
		FromFile: "snapshot", ToFile: "program", Context: 3,
	})
	if err != nil {
		return err.Error()
	}
	return text
}

package tests

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
)

// Pulumi.yaml declares the same keys the program reads, each typed and
// described, and its defaults are the program's.
func TestPulumiYamlDeclaresEveryKey(t *testing.T) {
	project, err := stackfile.ReadProject(projectDir)
	require.NoError(t, err)
	assert.Equal(t, config.Namespace, project.Name, "config keys live under the project's namespace")

	var declared []string
	for key, decl := range project.Config {
		declared = append(declared, key)
		assert.NotEmpty(t, decl.Type, key)
		assert.NotEmpty(t, decl.Description, key)
		assert.NotNil(t, decl.Default, "%s: an undeclared default would make the key required in every stack", key)
	}
	sort.Strings(declared)
	keys := config.KeyNames()
	sort.Strings(keys)
	assert.Equal(t, keys, declared)
}

func TestPulumiYamlDefaultsAreTheProgramDefaults(t *testing.T) {
	project, err := stackfile.ReadProject(projectDir)
	require.NoError(t, err)
	// A stack that sets only its region and its root password gets
	// Pulumi.yaml's defaults.
	settings := config.Settings{
		Values: map[string]string{"aws:region": "us-east-2"},
		Secret: map[string]bool{rootPasswordKey: true},
	}
	for key, decl := range project.Config {
		text, err := stackfile.ConfigText(decl.Default)
		require.NoError(t, err)
		settings.Values[config.FullName(key)] = text
	}
	settings.Values[rootPasswordKey] = testRootPassword
	got, err := config.Load(settings, "test")
	require.NoError(t, err)

	want := config.Defaults("test")
	want.Region = "us-east-2"
	want.Milvus.Authentication.RootPassword = testRootPassword
	assert.Equal(t, want, got)
}

// The program reads its configuration from the variables the Pulumi engine sets.
func TestConfigurationComesFromTheEnginesVariables(t *testing.T) {
	assert.Equal(t, pulumi.EnvConfig, config.EnvConfig)
	assert.Equal(t, pulumi.EnvConfigSecretKeys, config.EnvConfigSecretKeys)
}

// The README's configuration reference names every key, and its outputs
// contract every output.
func TestReadmeDocumentsEveryKeyAndOutput(t *testing.T) {
	raw, err := os.ReadFile(projectDir + "/README.md")
	require.NoError(t, err)
	configSection := section(t, string(raw), "## Configuration reference")
	outputsSection := section(t, string(raw), "## Stack outputs")
	var missingKeys, missingOutputs []string
	for _, key := range config.KeyNames() {
		if !strings.Contains(configSection, "| `"+key+"` |") {
			missingKeys = append(missingKeys, key)
		}
	}
	for output := range deploy(t, "dev").Outputs {
		if !strings.Contains(outputsSection, "| `"+output+"` |") {
			missingOutputs = append(missingOutputs, output)
		}
	}
	sort.Strings(missingOutputs)
	assert.Empty(t, missingKeys, "keys missing from the README's configuration reference")
	assert.Empty(t, missingOutputs, "outputs missing from the README's outputs contract")
}

// section is the text from a heading (a line that starts with it) to the
// next heading of the same level.
func section(t *testing.T, doc, heading string) string {
	t.Helper()
	start := strings.Index(doc, "\n"+heading)
	require.GreaterOrEqual(t, start, 0, "README has no %q", heading)
	rest := doc[start+1+len(heading):]
	if end := strings.Index(rest, "\n## "); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/offline/plan"
)

// synth runs cmd/synth's command in the repository.
func synth(args ...string) (code int, stdout, stderr string) {
	var out, errs bytes.Buffer
	code = plan.Command(append([]string{"-dir", projectDir}, args...), &out, &errs)
	return code, out.String(), errs.String()
}

func TestSynthExitCodesAndMessages(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no stack", nil, plan.ExitUsage, "Usage: go run ./cmd/synth -stack <name>"},
		{"unknown format", []string{"-stack", "dev", "-format", "yaml"}, plan.ExitUsage, "Usage: go run ./cmd/synth -stack <name>"},
		{"unknown stack", []string{"-stack", "staging"}, plan.ExitUsage,
			`unknown stack "staging": this project has dev, prod (one Pulumi.<stack>.yaml each)` + "\n"},
		{"prod before its deployer set the password", []string{"-stack", "prod"}, plan.ExitUsage,
			"invalid configuration (1 problem(s)):\n" +
				"  - milvus:milvusRootPassword: is required while milvusAuthentication is on: set it with `pulumi config set --secret milvusRootPassword <password>`, or set milvusGenerateRootPassword to true\n" +
				"\nA secret the deployer sets before the first pulumi up can be assumed offline: -assume-secret milvusRootPassword\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := synth(tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Empty(t, stdout)
			if strings.HasPrefix(tt.stderr, "Usage") {
				assert.True(t, strings.HasPrefix(stderr, tt.stderr), stderr)
				assert.Contains(t, stderr, "account ID                 000000000000", "-help names the placeholders")
			} else {
				assert.Equal(t, tt.stderr, stderr)
			}
		})
	}
}

func TestSynthFormats(t *testing.T) {
	tests := []struct {
		format, begins string
	}{
		{"text", "Plan of stack prod, project milvus: "},
		{"json", "{\n  \"project\": \"milvus\",\n  \"stack\": \"prod\",\n"},
		{"mermaid", "flowchart LR\n"},
	}
	for _, tt := range tests {
		code, stdout, stderr := synth("-stack", "prod", "-assume-secret", "milvusRootPassword", "-format", tt.format)
		assert.Equal(t, plan.ExitOK, code, stderr)
		assert.True(t, strings.HasPrefix(stdout, tt.begins), "%s: %.80s", tt.format, stdout)
	}
}

func TestSynthWritesToAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev.json")
	code, stdout, stderr := synth("-stack", "dev", "-format", "json", "-o", path)
	require.Equal(t, plan.ExitOK, code, stderr)
	assert.Empty(t, stdout)
	written, err := os.ReadFile(path)
	require.NoError(t, err)
	snapshot, err := os.ReadFile(filepath.Join("testdata", "dev.json"))
	require.NoError(t, err)
	assert.Equal(t, string(snapshot), string(written), "the command writes what the snapshot test checks")
}

// An example stack file is planned as the stack its name gives, and with
// the offline look-ups its existing cluster is found.
func TestSynthStackFile(t *testing.T) {
	example := filepath.Join(projectDir, "Pulumi.shared.yaml.example")
	code, stdout, stderr := synth("-stack-file", example, "-assume-secret", "milvusRootPassword")
	require.Equal(t, plan.ExitOK, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "Plan of stack shared, project milvus: 28 resources"), stdout)
	assert.Contains(t, stdout, "├─ milvus-eks:cluster:Existing cluster\n│  └─ pulumi:providers:kubernetes cluster\n")

	code, stdout, stderr = synth("-stack-file", filepath.Join(projectDir, "Pulumi.missing.yaml"))
	assert.Equal(t, plan.ExitFailure, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "Pulumi.missing.yaml: no such file or directory")
}

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/offline/approval"
)

// previews stands in for the Automation API: each call shows the next list.
func previews(shown ...[]approval.Step) previewer {
	return func(_ context.Context, stack, _ string) ([]approval.Step, string, error) {
		next := shown[0]
		shown = shown[1:]
		return next, "Previewing update (" + stack + "):\n", nil
	}
}

var release = "urn:pulumi:prod::milvus::milvus-eks:milvus:Milvus$kubernetes:helm.sh/v3:Release::milvus"

func TestSaveThenCheck(t *testing.T) {
	file := filepath.Join(t.TempDir(), "approved.json")
	approved := []approval.Step{
		{Op: "same", URN: "urn:pulumi:prod::milvus::pulumi:pulumi:Stack::milvus-prod"},
		{Op: "update", URN: release, Inputs: map[string]any{"timeout": 1800}},
	}
	changed := []approval.Step{{Op: "update", URN: release, Inputs: map[string]any{"timeout": 1700}}}
	preview := previews(approved, approved, changed)

	var stdout, stderr strings.Builder
	require.Equal(t, 0, run([]string{"-stack", "prod", "-save", file}, &stdout, &stderr, preview), stderr.String())
	assert.Equal(t, "Previewing update (prod):\n", stdout.String(), "the reviewer reads the preview itself")
	assert.Equal(t, "1 changes saved for approval in "+file+"\n", stderr.String())
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.JSONEq(t, `[{"op": "update", "urn": "`+release+`", "inputs": {"timeout": 1800}}]`, string(raw), "only what changes is approved")

	stdout.Reset()
	stderr.Reset()
	assert.Equal(t, 0, run([]string{"-stack", "prod", "-check", file}, &stdout, &stderr, preview), stderr.String())
	assert.Equal(t, "The preview shows exactly the approved changes.\n", stdout.String())

	stdout.Reset()
	stderr.Reset()
	assert.Equal(t, 1, run([]string{"-stack", "prod", "-check", file}, &stdout, &stderr, preview))
	assert.Equal(t, "The stack would change otherwise than approved; nothing is applied. Approve a new preview:\n  "+
		release+": update with other inputs than approved\n", stderr.String())
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-stack", "prod"},
		{"-save", "a.json", "-check", "a.json", "-stack", "prod"},
		{"-check", "a.json"},
	} {
		var stdout, stderr strings.Builder
		assert.Equal(t, 2, run(args, &stdout, &stderr, previews()), args)
		assert.Contains(t, stderr.String(), "usage: approval -stack NAME (-save FILE | -check FILE)", args)
	}
}

func TestCheckWithoutAnApproval(t *testing.T) {
	var stdout, stderr strings.Builder
	missing := filepath.Join(t.TempDir(), "approved.json")
	assert.Equal(t, 1, run([]string{"-stack", "prod", "-check", missing}, &stdout, &stderr, previews(nil)))
	assert.Contains(t, stderr.String(), "approval: open "+missing+": no such file or directory")
}

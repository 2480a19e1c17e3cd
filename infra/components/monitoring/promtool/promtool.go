// Package promtool runs Prometheus' promtool for the monitoring's tests:
// the binary .ci/promtool builds, named by MILVUS_EKS_PROMTOOL.
package promtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Variable names the binary.
const Variable = "MILVUS_EKS_PROMTOOL"

// Run writes the files into a temporary folder and runs promtool there with
// the arguments, the files named by their base names; it returns what
// promtool printed. Without the binary the test is skipped, and in CI
// (CI set) it fails: there a skip would hide the check.
func Run(t testing.TB, files map[string][]byte, args ...string) ([]byte, error) {
	t.Helper()
	bin := os.Getenv(Variable)
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("no %s: run `eval \"$(bash .ci/promtool)\"` first", Variable)
		}
		t.Skipf("no %s (eval \"$(bash .ci/promtool)\")", Variable)
	}
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	return cmd.CombinedOutput()
}

package tests

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/milvus-eks/milvus-eks/"

// imports maps each package directory under dir (infra, cmd) to what its
// files import: its test files' when tests is set, its others' otherwise.
func imports(t *testing.T, dir string, tests bool) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	root := filepath.Join(projectDir, dir)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") != tests {
			return err
		}
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir, err := filepath.Rel(projectDir, filepath.Dir(path))
		if err != nil {
			return err
		}
		dir = filepath.ToSlash(dir)
		if _, seen := out[dir]; !seen {
			out[dir] = nil
		}
		for _, spec := range file.Imports {
			imported, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				return err
			}
			out[dir] = append(out[dir], imported)
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

// The layout's promises hold: only the stack reads the configuration,
// nothing that `pulumi up` builds uses the offline tooling, and the packages
// the README marks pure import no Pulumi SDK, so that their tests run in
// seconds.
func TestLayout(t *testing.T) {
	pure := []string{
		"infra/config",
		"infra/stack/outputs",
		"infra/iampolicy",
		"infra/helmvalues",
		"infra/components/network/layout",
		"infra/components/cluster/existing/discovery",
		"infra/components/storage/s3policy",
		"infra/components/irsa/trust",
		"infra/components/lbcontroller/controllervalues",
		"infra/iampolicy/controllerpolicy",
		"infra/components/milvus/milvusvalues",
		"infra/components/milvus/endpoint",
		"infra/components/milvus/podpolicy",
		"infra/components/cluster/controlplane",
		"infra/components/ebscsi/released",
		"infra/sizing",
		"infra/offline/inventory",
		"infra/policypack/rules",
		"infra/offline/cost",
		"infra/offline/approval",
		"infra/facts",
		"infra/charts",
		"infra/schedule",
		"infra/components/backup/backupjob",
		"infra/components/backup/backupfile",
		"infra/components/monitoring/alertrules",
		"infra/components/monitoring/alertrouting",
		"infra/components/monitoring/scrapeconfig",
		"infra/components/monitoring/kubestate",
		"infra/components/monitoring/containerlogs",
		"infra/components/monitoring/metricnames",
		"infra/components/monitoring/dashboards",
		"infra/components/monitoring/promtool",
		"infra/components/cluster/nodeguarantees",
		"infra/components/karpenter/nodepools",
		"infra/components/karpenter/karpentervalues",
		"infra/components/karpenter/published",
	}
	var problems []string
	for dir, imported := range imports(t, "infra", false) {
		for _, path := range imported {
			switch {
			case strings.HasPrefix(dir, "infra/components/") && path == module+"infra/config" &&
				dir != "infra/components/cluster/existing/discovery":
				// discovery reports a cluster that cannot take Milvus as
				// config.Problems against the key that named it.
				problems = append(problems, dir+" reads the configuration: give it Args instead")
			case !strings.HasPrefix(dir, "infra/offline") && strings.HasPrefix(path, module+"infra/offline"):
				problems = append(problems, dir+" imports the offline tooling "+path)
			case slices.Contains(pure, dir) && strings.HasPrefix(path, "github.com/pulumi/"):
				problems = append(problems, dir+" is pure but imports "+path)
			}
		}
	}
	sort.Strings(problems)
	assert.Empty(t, problems)
	found := imports(t, "infra", false)
	for _, dir := range pure {
		_, ok := found[dir]
		assert.True(t, ok, "%s is listed as pure but holds no package", dir)
	}
}

// Every test that needs the Pulumi SDKs is in this package: each test
// binary that links them costs 10 to 25 s of linking and up to 5 GB on a
// cold build (docs/development.md), and one binary instead of ten keeps the
// program's cold `go test ./...` near the cost of building it. Tests of pure
// packages stay beside their code.
func TestSDKTestsShareOneBinary(t *testing.T) {
	var elsewhere []string
	for _, dir := range []string{"infra", "cmd"} {
		for pkg, imported := range imports(t, dir, true) {
			for _, path := range imported {
				if strings.HasPrefix(path, "github.com/pulumi/") || strings.HasPrefix(path, module+"infra/offline/mockcloud") {
					elsewhere = append(elsewhere, pkg+" tests with "+path)
				}
			}
		}
	}
	sort.Strings(elsewhere)
	assert.Empty(t, elsewhere, "move these tests to tests/")
}

// maxGoFileLines is the most lines a hand-written Go file may have: past
// it, a file holds more than one concern and should be split by them.
const maxGoFileLines = 450

func TestNoGoFileIsTooLong(t *testing.T) {
	var long []string
	forEachRepositoryFile(t, func(rel string, raw []byte) {
		if n := strings.Count(string(raw), "\n"); strings.HasSuffix(rel, ".go") && n > maxGoFileLines {
			long = append(long, rel+": "+strconv.Itoa(n)+" lines")
		}
	})
	assert.Empty(t, long, "Go files over %d lines: split them by concern", maxGoFileLines)
}

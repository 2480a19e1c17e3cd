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

// imports maps each package directory under infra/ to what its non-test
// files import.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	root := filepath.Join(projectDir, "infra")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
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
		for _, spec := range file.Imports {
			imported, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				return err
			}
			out[filepath.ToSlash(dir)] = append(out[filepath.ToSlash(dir)], imported)
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
		"infra/components/lbcontroller/values",
		"infra/components/lbcontroller/controllerpolicy",
		"infra/components/milvus/values",
	}
	var problems []string
	for dir, imported := range imports(t) {
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
	found := imports(t)
	for _, dir := range pure {
		assert.Contains(t, found, dir, "a pure package that no longer exists")
	}
}

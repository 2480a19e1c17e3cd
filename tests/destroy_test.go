package tests

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The stack has a delete hook (the EBS CSI driver waits for released
// volumes), and the engine refuses a destroy that does not run the program
// when a hook is registered: a destroy without --run-program would fail and
// leave a cluster billing. Every destroy in the repository, through the
// Automation API or the CLI, runs the program.
func TestEveryDestroyRunsTheProgram(t *testing.T) {
	var found []string
	forEachRepositoryFile(t, func(rel string, raw []byte) {
		switch {
		case strings.HasSuffix(rel, ".go"):
			found = append(found, destroysWithoutProgram(rel, string(raw))...)
		case strings.HasSuffix(rel, ".md"), strings.HasPrefix(rel, ".github"+string(filepath.Separator)),
			strings.HasSuffix(rel, ".sh"), filepath.Base(rel) == "Makefile", strings.HasPrefix(rel, ".ci"+string(filepath.Separator)):
			found = append(found, cliDestroysWithoutProgram(rel, string(raw))...)
		}
	})
	assert.Empty(t, found, "destroys that do not run the program: add optdestroy.RunProgram(true) or --run-program")
}

// The check finds a Destroy without RunProgram, and accepts one with it.
func TestDestroyCheckFindsASeededDestroy(t *testing.T) {
	const seeded = `package e2e

import (
	"context"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
)

func cleanUp(ctx context.Context, stack auto.Stack) {
	stack.Destroy(ctx, optdestroy.ProgressStreams())
	stack.Destroy(ctx, optdestroy.RunProgram(false))
	stack.Destroy(ctx, optdestroy.RunProgram(true), optdestroy.ProgressStreams())
}
`
	assert.Equal(t, []string{"seeded.go:11:2: Destroy without optdestroy.RunProgram(true)", "seeded.go:12:2: Destroy without optdestroy.RunProgram(true)"},
		destroysWithoutProgram("seeded.go", seeded))
	assert.Equal(t, []string{"Makefile:2: pulumi destroy --stack dev"},
		cliDestroysWithoutProgram("Makefile", "destroy:\n\tpulumi destroy --stack dev\nok:\n\tpulumi destroy --run-program --stack dev\n"))
	assert.Empty(t, cliDestroysWithoutProgram("README.md", "What `pulumi destroy` does to the data, in prose.\n"))
	assert.Equal(t, []string{"README.md:2: pulumi destroy"}, cliDestroysWithoutProgram("README.md", "```sh\npulumi destroy\n```\n"))
}

// destroysWithoutProgram lists the Automation API destroys of a Go file that
// do not pass optdestroy.RunProgram(true).
func destroysWithoutProgram(path, src string) []string {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, src, 0)
	if err != nil || !importsAutomationAPI(file) {
		return nil
	}
	var out []string
	ast.Inspect(file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Destroy" && len(call.Args) > 0 && !runsProgram(call.Args) {
			out = append(out, fset.Position(call.Pos()).String()+": Destroy without optdestroy.RunProgram(true)")
		}
		return true
	})
	return out
}

func importsAutomationAPI(file *ast.File) bool {
	for _, spec := range file.Imports {
		if path, _ := strconv.Unquote(spec.Path.Value); strings.HasPrefix(path, "github.com/pulumi/pulumi/sdk/v3/go/auto") {
			return true
		}
	}
	return false
}

// runsProgram reports whether the arguments hold optdestroy.RunProgram(true).
func runsProgram(args []ast.Expr) bool {
	for _, arg := range args {
		call, ok := arg.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			continue
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		value, isIdent := call.Args[0].(*ast.Ident)
		if ok && sel.Sel.Name == "RunProgram" && isIdent && value.Name == "true" {
			return true
		}
	}
	return false
}

// cliDestroysWithoutProgram lists the `pulumi destroy` commands of a
// script, workflow, Makefile or Markdown code block that lack
// --run-program. Markdown prose and comments may name the command; code
// blocks and the other lines are commands.
func cliDestroysWithoutProgram(path, text string) []string {
	var out []string
	markdown := strings.HasSuffix(path, ".md")
	inBlock := false
	for i, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inBlock = !inBlock
			continue
		}
		if markdown && !inBlock || !markdown && strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if strings.Contains(line, "pulumi destroy") && !strings.Contains(line, "--run-program") {
			out = append(out, path+":"+strconv.Itoa(i+1)+": "+strings.TrimSpace(line))
		}
	}
	return out
}

// forEachRepositoryFile calls visit with the path (from the repository's
// root) and content of each file of the repository, but for Git's, npm's
// and built binaries.
func forEachRepositoryFile(t *testing.T, visit func(rel string, raw []byte)) {
	t.Helper()
	err := filepath.WalkDir(projectDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "node_modules" || name == "bin" {
				return filepath.SkipDir
			}
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(projectDir, path)
		if err != nil {
			return err
		}
		visit(rel, raw)
		return nil
	})
	require.NoError(t, err)
}

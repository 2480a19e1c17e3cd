package outputs

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/offline/generated"
)

var update = flag.Bool("update", false, "rewrite the README's table of outputs")

// The README's outputs table is the contract.
func TestReadmeOutputsTableIsGenerated(t *testing.T) {
	var b strings.Builder
	b.WriteString("| Output | Exported | Meaning |\n| --- | --- | --- |\n")
	for _, o := range Contract {
		meaning := o.Meaning
		if o.Secret {
			meaning += "; **secret**"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", o.Name, o.When, meaning)
	}
	require.NoError(t, generated.Sync("../../../README.md", generated.Markdown, "outputs table", b.String(), *update))
}

func TestContractNamesEachOutputOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range Contract {
		assert.False(t, seen[o.Name], "%s is listed twice", o.Name)
		seen[o.Name] = true
		assert.NotEmpty(t, o.Meaning, o.Name)
		assert.NotEmpty(t, o.When, o.Name)
	}
	for _, name := range append(append([]string{}, PlatformRequired...), PlatformOptional...) {
		assert.True(t, seen[name], "the platform contract reads %s, which the stack contract lacks", name)
	}
}

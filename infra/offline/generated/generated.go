// Package generated keeps the generated parts of hand-written files in step
// with the Go values they come from: Pulumi.yaml's config block and the
// README's tables of keys and outputs, among others. Each part sits between
// two marker comments; the tests that own a part call Sync, which rewrites
// it with -update (make generate) and otherwise fails with the fix.
package generated

import (
	"fmt"
	"os"
	"strings"
)

// Comment is how a file type writes a comment around a marker.
type Comment struct{ Open, Close string }

// The comment styles of the files that hold generated parts.
var (
	Markdown = Comment{Open: "<!-- ", Close: " -->"}
	YAML     = Comment{Open: "# ", Close: ""}
)

// Command is what regenerates every generated part.
const Command = "make generate"

func (c Comment) begin(name string) string {
	return c.Open + "BEGIN generated " + name + ": edit its source, then run `" + Command + "`" + c.Close
}

func (c Comment) end(name string) string { return c.Open + "END generated " + name + c.Close }

// Sync makes the part called name of the file at path read want. With
// update it rewrites the file; otherwise it returns an error that says
// where the file differs and how to fix it.
func Sync(path string, style Comment, name, want string, update bool) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc := string(raw)
	begin, end := style.begin(name), style.end(name)
	start := strings.Index(doc, begin+"\n")
	stop := strings.Index(doc, end+"\n")
	if start < 0 || stop < start {
		return fmt.Errorf("%s has no generated part %q: it must sit between the lines\n%s\n%s", path, name, begin, end)
	}
	start += len(begin) + 1
	have := doc[start:stop]
	if !strings.HasSuffix(want, "\n") {
		want += "\n"
	}
	if have == want {
		return nil
	}
	if update {
		return os.WriteFile(path, []byte(doc[:start]+want+doc[stop:]), 0o644)
	}
	return fmt.Errorf("%s: the generated part %q is out of date (%s); run `%s` and commit the result", path, name, firstDifference(have, want), Command)
}

// firstDifference names the first line where have and want part.
func firstDifference(have, want string) string {
	a, b := strings.Split(have, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("line %d of the part is %q, should be %q", i+1, x, y)
		}
	}
	return "they differ"
}

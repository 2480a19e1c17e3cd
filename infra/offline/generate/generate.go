// Package generate writes everything this repository generates from Go
// values, so that each fact is written once: the parts of hand-written files
// between marker comments (Pulumi.yaml's config block, the README's tables,
// the graph in docs/graph.md), and whole files (the plan snapshots and the
// golden problems under tests/testdata, the dashboards in docs/dashboards).
//
// `go generate ./...` runs cmd/generate, which writes every target; a test
// in tests/ checks that none is stale and names the command that fixes it.
package generate

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/dashboards"
)

// Command is what rewrites every target.
const Command = "go generate ./..."

// Comment is how a file type writes a comment around a marker.
type Comment struct{ Open, Close string }

// The comment styles of the files that hold generated parts.
var (
	Markdown = Comment{Open: "<!-- ", Close: " -->"}
	YAML     = Comment{Open: "# ", Close: ""}
)

func (c Comment) begin(name string) string {
	return c.Open + "BEGIN generated " + name + ": edit its source, then run `" + Command + "`" + c.Close
}

func (c Comment) end(name string) string { return c.Open + "END generated " + name + c.Close }

// Target is one generated text.
type Target struct {
	// Path is the file, relative to the repository's root.
	Path string
	// Part names the part of a hand-written file between markers in Style;
	// empty for a whole file.
	Part  string
	Style Comment
	// Text renders what the target holds, from the repository at root.
	Text func(root string) (string, error)
}

func (t Target) String() string {
	if t.Part == "" {
		return t.Path
	}
	return fmt.Sprintf("%s (the generated part %q)", t.Path, t.Part)
}

// Targets are everything generated, in the order they are written.
func Targets() []Target {
	targets := []Target{
		{Path: "Pulumi.yaml", Part: "config keys", Style: YAML, Text: static(projectConfig)},
		{Path: "README.md", Part: "config table", Style: Markdown, Text: static(readmeConfigTable)},
		{Path: "README.md", Part: "outputs table", Style: Markdown, Text: static(readmeOutputsTable)},
		{Path: "README.md", Part: "what runs", Style: Markdown, Text: readmeWhatRuns},
		{Path: "README.md", Part: "cost", Style: Markdown, Text: readmeCost},
		{Path: "docs/graph.md", Part: "prod graph", Style: Markdown, Text: prodGraph},
		{Path: "tests/testdata/problems.golden", Text: problemsGolden},
	}
	for _, v := range Snapshots {
		targets = append(targets, Target{Path: "tests/testdata/" + v.title + ".json", Text: snapshot(v)})
	}
	for _, file := range slices.Sorted(maps.Keys(dashboards.All())) {
		targets = append(targets, Target{Path: "docs/dashboards/" + file, Text: static(dashboards.All()[file].JSON)})
	}
	return targets
}

func static(text func() string) func(string) (string, error) {
	return func(string) (string, error) { return text(), nil }
}

// Write rewrites every stale target under root.
func Write(root string) error {
	for _, t := range Targets() {
		if _, err := t.sync(root, true); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
	}
	return nil
}

// Stale lists the targets under root whose text is not what their source
// gives, each with where it first differs.
func Stale(root string) []error {
	var stale []error
	for _, t := range Targets() {
		if difference, err := t.sync(root, false); err != nil {
			stale = append(stale, fmt.Errorf("%s: %w", t, err))
		} else if difference != "" {
			stale = append(stale, fmt.Errorf("%s is out of date (%s): run `%s` and commit the result", t, difference, Command))
		}
	}
	return stale
}

// sync compares the target with what its source gives, and with write
// rewrites it. It returns where the two first differ, or "".
func (t Target) sync(root string, write bool) (string, error) {
	want, err := t.Text(root)
	if err != nil {
		return "", err
	}
	if !strings.HasSuffix(want, "\n") {
		want += "\n"
	}
	path := filepath.Join(root, t.Path)
	raw, err := os.ReadFile(path)
	if err != nil && !(t.Part == "" && errors.Is(err, os.ErrNotExist)) {
		return "", err
	}
	doc, have := string(raw), string(raw)
	start, stop := 0, len(doc)
	if t.Part != "" {
		begin, end := t.Style.begin(t.Part), t.Style.end(t.Part)
		start, stop = strings.Index(doc, begin+"\n"), strings.Index(doc, end+"\n")
		if start < 0 || stop < start {
			return "", fmt.Errorf("no generated part %q: it must sit between the lines\n%s\n%s", t.Part, begin, end)
		}
		start += len(begin) + 1
		have = doc[start:stop]
	}
	if have == want {
		return "", nil
	}
	if write {
		return "", os.WriteFile(path, []byte(doc[:start]+want+doc[stop:]), 0o644)
	}
	return firstDifference(have, want), nil
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
			return fmt.Sprintf("line %d is %q, should be %q", i+1, x, y)
		}
	}
	return "they differ"
}

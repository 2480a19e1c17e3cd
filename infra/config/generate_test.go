package config

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/milvus-eks/milvus-eks/infra/offline/generated"
)

var update = flag.Bool("update", false, "rewrite the parts of Pulumi.yaml and README.md generated from Keys")

// The repository's files that list the keys.
const (
	projectFile = "../../Pulumi.yaml"
	readmeFile  = "../../README.md"
)

// Pulumi.yaml declares exactly Keys: names, types, defaults and
// descriptions. The engine reads the defaults from there, so a key the file
// lacks would be unknown to `pulumi config set` users, and a default that
// differed would be the one deployed.
func TestPulumiYamlConfigIsGenerated(t *testing.T) {
	require.NoError(t, generated.Sync(projectFile, generated.YAML, "config keys", projectConfig(), *update))
}

// The README's configuration reference lists exactly Keys.
func TestReadmeConfigTableIsGenerated(t *testing.T) {
	require.NoError(t, generated.Sync(readmeFile, generated.Markdown, "config table", readmeTable(), *update))
}

// projectConfig is Pulumi.yaml's config block, one declaration per key,
// with a comment at the head of each group.
func projectConfig() string {
	var b strings.Builder
	var group Group
	for _, k := range Keys {
		if k.Group != group {
			group = k.Group
			fmt.Fprintf(&b, "  # %s\n", group)
		}
		fmt.Fprintf(&b, "  %s:\n    type: %s\n", k.Name, k.Kind())
		if k.Kind() == "array" {
			b.WriteString("    items:\n      type: string\n")
		}
		fmt.Fprintf(&b, "    default: %s\n", yamlValue(k.Default))
		b.WriteString("    description: >-\n")
		for _, line := range wrap(description(k), 100) {
			fmt.Fprintf(&b, "      %s\n", line)
		}
	}
	return b.String()
}

// readmeTable is the README's configuration reference: a table per group.
func readmeTable() string {
	var b strings.Builder
	var group Group
	for _, k := range Keys {
		if k.Group != group {
			if group != "" {
				b.WriteString("\n")
			}
			group = k.Group
			fmt.Fprintf(&b, "**%s**\n\n| Key | Type | Default | Meaning |\n| --- | --- | --- | --- |\n", group)
		}
		meaning := k.Doc
		if k.CreateOnly {
			meaning += " *Create mode only.*"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", k.Name, readmeType(k), readmeDefault(k), strings.ReplaceAll(meaning, "|", `\|`))
	}
	return b.String()
}

// description is a key's Doc, and what its empty value means.
func description(k Key) string {
	if k.EmptyMeans == "" {
		return k.Doc
	}
	return k.Doc + " Empty means " + k.EmptyMeans + "."
}

func readmeType(k Key) string {
	switch {
	case k.Secret():
		return "secret string"
	case k.Switch():
		return "`true`, `false` or empty"
	case k.Kind() == "array":
		return "list of strings"
	case k.Kind() == "object":
		return "object"
	}
	return k.Kind()
}

func readmeDefault(k Key) string {
	switch {
	case k.EmptyMeans != "" && k.DefaultText() == "":
		return k.EmptyMeans
	case k.DefaultText() == "" || k.DefaultText() == "[]":
		return "none"
	}
	return "`" + yamlValue(k.Default) + "`"
}

// yamlValue is a default as YAML writes it: lists in flow style, strings
// quoted where YAML would read them as something else ("1.34").
func yamlValue(v any) string {
	var node yaml.Node
	if err := node.Encode(v); err != nil {
		panic(err)
	}
	if node.Kind == yaml.MappingNode {
		// An object key's default: its JSON, whose field order is the
		// struct's, read back as YAML.
		text, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(text, &doc); err != nil {
			panic(err)
		}
		node = *doc.Content[0]
		for _, scalar := range node.Content {
			scalar.Style = 0
		}
	}
	if node.Kind == yaml.SequenceNode || node.Kind == yaml.MappingNode {
		node.Style = yaml.FlowStyle
	}
	out, err := yaml.Marshal(&node)
	if err != nil {
		panic(err)
	}
	return strings.TrimSpace(string(out))
}

// wrap breaks text into lines of at most width characters, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return append(lines, line)
}

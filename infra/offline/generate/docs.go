package generate

import (
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/stack/outputs"
)

// The parts generated from the key registry (config.Keys), which the
// engine reads Pulumi.yaml's defaults from and users read the README's
// table of, and from the stack-output contract (outputs.Contract).

// projectConfig is Pulumi.yaml's config block, one declaration per key,
// with a comment at the head of each group.
func projectConfig() string {
	var b strings.Builder
	var group config.Group
	for _, k := range config.Keys {
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

// readmeConfigTable is the README's configuration reference: a table per
// group.
func readmeConfigTable() string {
	var b strings.Builder
	var group config.Group
	for _, k := range config.Keys {
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
func description(k config.Key) string {
	if k.EmptyMeans == "" {
		return k.Doc
	}
	return k.Doc + " Empty means " + k.EmptyMeans + "."
}

func readmeType(k config.Key) string {
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

func readmeDefault(k config.Key) string {
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

// readmeOutputsTable is the README's table of the stack-output contract.
func readmeOutputsTable() string {
	var b strings.Builder
	b.WriteString("| Output | Exported | Meaning |\n| --- | --- | --- |\n")
	for _, o := range outputs.Contract {
		meaning := o.Meaning
		if o.Secret {
			meaning += "; **secret**"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", o.Name, o.When, meaning)
	}
	return b.String()
}

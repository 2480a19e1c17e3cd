package plan

import (
	"fmt"
	"strings"
)

// Mermaid renders the dependency graph as a Mermaid flowchart, which GitHub
// draws: each component is a subgraph, each resource a node, and an arrow
// runs from a resource to each one that waits for it.
func (p Plan) Mermaid() []byte {
	ids := map[string]string{}
	for i, r := range p.Resources {
		ids[r.URN] = fmt.Sprintf("r%d", i)
	}
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	p.writeSubgraphs(&b, p.children(), p.stackURN(), ids, "  ")
	for _, r := range p.Resources {
		for _, dep := range r.Dependencies {
			if from, ok := ids[dep]; ok {
				fmt.Fprintf(&b, "  %s --> %s\n", from, ids[r.URN])
			}
		}
		if r.StandInFor != "" {
			fmt.Fprintf(&b, "  %s -.-> %s\n", ids[r.StandInFor], ids[r.URN])
		}
	}
	return []byte(b.String())
}

func (p Plan) writeSubgraphs(b *strings.Builder, kids map[string][]Resource, parent string, ids map[string]string, indent string) {
	for _, r := range kids[parent] {
		label := fmt.Sprintf("%s<br/>%s", r.Type, r.Name)
		if r.Component {
			fmt.Fprintf(b, "%ssubgraph %s[\"%s\"]\n", indent, ids[r.URN], escape(fmt.Sprintf("%s (%s)", r.Name, r.Type)))
			p.writeSubgraphs(b, kids, r.URN, ids, indent+"  ")
			fmt.Fprintf(b, "%send\n", indent)
			continue
		}
		fmt.Fprintf(b, "%s%s[\"%s\"]\n", indent, ids[r.URN], escape(label))
		// A remote component's stand-ins sit beside it.
		p.writeSubgraphs(b, kids, r.URN, ids, indent)
	}
}

// escape makes a label safe inside Mermaid's double quotes.
func escape(s string) string { return strings.ReplaceAll(s, `"`, "#quot;") }

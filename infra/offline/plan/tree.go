package plan

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// children indexes resources by their parent; a stand-in hangs under the
// remote component it plays for.
func (p Plan) children() map[string][]Resource {
	kids := map[string][]Resource{}
	for _, r := range p.Resources {
		parent := r.Parent
		if r.StandInFor != "" {
			parent = r.StandInFor
		}
		kids[parent] = append(kids[parent], r)
	}
	return kids
}

// stackURN is the URN of the stack resource, the root of every tree.
func (p Plan) stackURN() string {
	return fmt.Sprintf("urn:pulumi:%s::%s::pulumi:pulumi:Stack::%s-%s", p.Stack, p.Project, p.Project, p.Stack)
}

// Text renders the plan as a tree by component, like `pulumi preview`, with
// each resource's inputs as YAML under it.
func (p Plan) Text() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "Plan of stack %s, project %s: %d resources (offline; placeholder values, secrets shown as %s)\n\n",
		p.Stack, p.Project, len(p.Resources), Secret)
	fmt.Fprintf(&b, "pulumi:pulumi:Stack %s-%s\n", p.Project, p.Stack)
	kids := p.children()
	p.writeTree(&b, kids, p.stackURN(), "")

	b.WriteString("\nOutputs:\n")
	b.WriteString(indent(yamlText(p.Outputs), "  "))
	if p.Runs != nil {
		fmt.Fprintf(&b, "\nWhat runs (message queue %s):\n", p.Runs.MessageQueue)
		for _, pod := range p.Runs.Pods {
			volumes := ""
			if len(pod.Volumes) > 0 {
				volumes = ", volumes " + strings.Join(pod.Volumes, ", ")
			}
			fmt.Fprintf(&b, "  %d × %s: %s CPU, %s memory%s\n", pod.Replicas, pod.Name, pod.CPU, pod.Memory, volumes)
		}
		fmt.Fprintf(&b, "  %s\n", p.Runs.Summary())
	}
	return []byte(b.String())
}

func (p Plan) writeTree(b *strings.Builder, kids map[string][]Resource, parent, prefix string) {
	list := kids[parent]
	for i, r := range list {
		branch, more := "├─ ", "│  "
		if i == len(list)-1 {
			branch, more = "└─ ", "   "
		}
		fmt.Fprintf(b, "%s%s%s %s%s\n", prefix, branch, r.Type, r.Name, annotations(r))
		if !r.Component && len(r.Inputs) > 0 {
			b.WriteString(indent(yamlText(r.Inputs), prefix+more+"    "))
		}
		p.writeTree(b, kids, r.URN, prefix+more)
	}
}

// annotations are what a resource line says besides its type and name.
func annotations(r Resource) string {
	var notes []string
	if r.Protect {
		notes = append(notes, "protect")
	}
	if r.RetainOnDelete {
		notes = append(notes, "retainOnDelete")
	}
	if r.Provider != "" {
		notes = append(notes, "provider "+providerName(r.Provider))
	}
	if r.StandInFor != "" {
		notes = append(notes, "created by the component above")
	}
	if len(notes) == 0 {
		return ""
	}
	return " [" + strings.Join(notes, ", ") + "]"
}

// providerName is the logical name in a provider reference "<urn>::<id>".
func providerName(ref string) string {
	urn := ref
	if i := strings.LastIndex(ref, "::"); i >= 0 {
		urn = ref[:i]
	}
	return urn[strings.LastIndex(urn, "::")+2:]
}

func yamlText(v any) string {
	var out strings.Builder
	encoder := yaml.NewEncoder(&out)
	encoder.SetIndent(2)
	if err := encoder.Encode(v); err != nil {
		panic(fmt.Sprintf("plan: rendering YAML: %v", err))
	}
	return out.String()
}

func indent(text, prefix string) string {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(prefix+l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

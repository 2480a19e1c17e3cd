// Package plan is the offline view of a deployment. It runs the real program
// (infra/stack, the code `pulumi up` runs) on Pulumi's in-process mock engine
// with a stack's own files, and renders what the program declares: as JSON
// for machines and snapshot tests, as a text tree for people, and as a
// Mermaid graph of the dependencies.
//
// Nothing here needs credentials, the Pulumi CLI or a network. Values that
// AWS computes at deploy time are mockcloud's placeholders, and secrets are
// never shown.
package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/inventory"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
	"github.com/milvus-eks/milvus-eks/infra/stack"
)

// Secret stands for every secret value in a plan: a secret input or output,
// and an encrypted value of a stack file, which only its deployer can
// decrypt.
const Secret = config.SecretMask

// Plan is everything one stack would declare.
type Plan struct {
	Project   string         `json:"project"`
	Stack     string         `json:"stack"`
	Resources []Resource     `json:"resources"`
	Outputs   map[string]any `json:"outputs"`
	// Runs is what the stack runs in the cluster, in numbers: the pods the
	// program's configuration sizes, their volumes, and the node group.
	Runs *inventory.Inventory `json:"runs,omitempty"`
}

// Resource is one resource the program declares.
type Resource struct {
	URN    string `json:"urn"`
	Type   string `json:"type"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
	// Provider is the explicit provider's reference ("<urn>::<id>"), or ""
	// for the default provider of the resource's package.
	Provider     string         `json:"provider"`
	Dependencies []string       `json:"dependencies"`
	Inputs       map[string]any `json:"inputs"`
	// Component is one of this program's components: a grouping of other
	// resources, with nothing of its own in the cloud. (pulumi-eks' Cluster
	// and ManagedNodeGroup are components too, but implemented by a plugin
	// from their inputs, so the plan treats them as resources.)
	Component      bool `json:"component"`
	Protect        bool `json:"protect"`
	RetainOnDelete bool `json:"retainOnDelete"`
	// StandInFor names the remote component (pulumi-eks' Cluster) whose
	// child this is. The plugin creates such children at deploy time; the
	// plan shows the ones the program refers to.
	StandInFor string `json:"standInFor,omitempty"`
}

// Options say which stack to plan.
type Options struct {
	// Dir holds Pulumi.yaml and the Pulumi.<stack>.yaml files.
	Dir   string
	Stack string
	// StackFile, when set, is the path (as given, not under Dir) of the
	// stack file to read instead of Pulumi.<stack>.yaml: an example such as
	// Pulumi.shared.yaml.example. Stack may then be empty: the file's name
	// gives it.
	StackFile string
	// AssumeSecrets are keys (with or without the project's namespace) that
	// the deployer sets with `pulumi config set --secret` before the first
	// `pulumi up`, and that the stack file does not hold yet.
	AssumeSecrets []string
	// Set are keys (full names) set over the stack file's, to plan a
	// variant of the stack.
	Set map[string]string
}

// UnknownStackError says a stack has no Pulumi.<stack>.yaml.
type UnknownStackError struct {
	Stack string
	Known []string
}

func (e UnknownStackError) Error() string {
	return fmt.Sprintf("unknown stack %q: this project has %s (one Pulumi.<stack>.yaml each)", e.Stack, strings.Join(e.Known, ", "))
}

// Stacks lists the stacks of the project in dir, by their files.
func Stacks(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	if err != nil {
		return nil, err
	}
	var stacks []string
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml")
		stacks = append(stacks, name)
	}
	sort.Strings(stacks)
	return stacks, nil
}

// Synthesize runs the program for a stack and returns its plan. A bad
// configuration comes back as the config.Problems the program reports.
func Synthesize(o Options) (Plan, error) {
	project, err := stackfile.ReadProject(o.Dir)
	if err != nil {
		return Plan{}, err
	}
	settings, err := readSettings(&o)
	if err != nil {
		return Plan{}, err
	}
	for _, key := range o.AssumeSecrets {
		if !strings.Contains(key, ":") {
			key = config.FullName(key)
		}
		if _, set := settings.Values[key]; set && settings.Secret[key] {
			continue
		}
		settings.Values[key] = stackfile.SecretPlaceholder
		settings.Secret[key] = true
	}
	for key, value := range o.Set {
		settings.Values[key] = value
	}
	s, err := mockcloud.Run(project.Name, o.Stack, settings, stack.Program(settings))
	if err != nil {
		var problems config.Problems
		if errors.As(err, &problems) {
			return Plan{}, problems
		}
		return Plan{}, err
	}
	if notReady := s.NotReady(); len(notReady) > 0 {
		return Plan{}, fmt.Errorf("stack %s declares what would never become ready:\n  %s", o.Stack, strings.Join(notReady, "\n  "))
	}
	p := FromStack(project.Name, o.Stack, s)
	// The program has just loaded the same settings without a problem.
	cfg, err := config.Load(settings, o.Stack)
	if err != nil {
		return Plan{}, err
	}
	runs := inventory.Of(cfg)
	p.Runs = &runs
	return p, nil
}

// readSettings reads the stack file the options name, and settles the
// stack's name.
func readSettings(o *Options) (config.Settings, error) {
	if o.StackFile != "" {
		if o.Stack == "" {
			o.Stack = stackOfFile(o.StackFile)
		}
		return stackfile.FileConfig(o.Dir, o.StackFile)
	}
	known, err := Stacks(o.Dir)
	if err != nil {
		return config.Settings{}, err
	}
	if i := sort.SearchStrings(known, o.Stack); i == len(known) || known[i] != o.Stack {
		return config.Settings{}, UnknownStackError{Stack: o.Stack, Known: known}
	}
	return stackfile.StackConfig(o.Dir, o.Stack)
}

// stackOfFile is the stack a stack file is for: "shared" for
// Pulumi.shared.yaml and for the example Pulumi.shared.yaml.example.
func stackOfFile(path string) string {
	name := strings.TrimSuffix(filepath.Base(path), ".example")
	return strings.TrimSuffix(strings.TrimPrefix(name, "Pulumi."), ".yaml")
}

// FromStack turns a mock run into a plan: resources in URN order,
// dependencies sorted, secrets masked, and strings that hold JSON documents
// (IAM policies) parsed, so that a diff of two plans shows the statement that
// changed.
func FromStack(project, stackName string, s *mockcloud.Stack) Plan {
	p := Plan{Project: project, Stack: stackName, Outputs: map[string]any{}}
	for _, r := range append(append([]*mockcloud.Resource{}, s.Resources...), s.StandIns...) {
		deps := append([]string{}, r.Dependencies...)
		sort.Strings(deps)
		p.Resources = append(p.Resources, Resource{
			URN:            r.URN,
			Type:           r.Type,
			Name:           r.Name,
			Parent:         r.Parent,
			Provider:       r.Provider,
			Dependencies:   deps,
			Inputs:         objectValue(r.Inputs),
			Component:      !r.Custom && !r.Remote && !r.Read,
			Protect:        r.Protect,
			RetainOnDelete: r.RetainOnDelete,
			StandInFor:     r.StandInFor,
		})
	}
	sort.Slice(p.Resources, func(i, j int) bool { return p.Resources[i].URN < p.Resources[j].URN })
	for name, v := range s.Outputs {
		if _, secret := v.(mockcloud.Secret); secret {
			p.Outputs[name] = Secret
			continue
		}
		p.Outputs[name] = v
	}
	return p
}

// JSON renders the plan as indented JSON, keys sorted, ending in a newline.
func (p Plan) JSON() []byte {
	var out strings.Builder
	encoder := json.NewEncoder(&out)
	encoder.SetEscapeHTML(false)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(p); err != nil {
		// A Plan holds only JSON values.
		panic(fmt.Sprintf("plan: rendering JSON: %v", err))
	}
	return []byte(out.String())
}

func objectValue(m resource.PropertyMap) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[string(k)] = value(v)
	}
	return out
}

// value is a property value as plain JSON, secrets masked.
func value(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return Secret
	case v.IsComputed():
		return "[unknown until deployed]"
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return Secret
		}
		if !o.Known {
			return "[unknown until deployed]"
		}
		return value(o.Element)
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return stringValue(v.StringValue())
	case v.IsArray():
		out := []any{}
		for _, e := range v.ArrayValue() {
			out = append(out, value(e))
		}
		return out
	case v.IsObject():
		return objectValue(v.ObjectValue())
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsAsset(), v.IsArchive():
		return "[asset]"
	}
	return fmt.Sprint(v.V)
}

// stringValue parses a string that holds a JSON object (a policy document).
func stringValue(s string) any {
	if !strings.HasPrefix(strings.TrimSpace(s), "{") {
		return s
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return s
	}
	return doc
}

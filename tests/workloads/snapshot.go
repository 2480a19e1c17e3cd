package workloads

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/offline/inventory"
)

// Root is the program's module, seen from this one.
const Root = "../.."

// Snapshot is what this package reads of an offline plan's JSON
// (tests/testdata/<name>.json, which the program's tests keep equal to the
// plan).
type Snapshot struct {
	Stack     string              `json:"stack"`
	Resources []Resource          `json:"resources"`
	Runs      inventory.Inventory `json:"runs"`
}

// Resource is one resource of a plan: its type token, name and inputs.
type Resource struct {
	Type   string         `json:"type"`
	Name   string         `json:"name"`
	Inputs map[string]any `json:"inputs"`
}

// ReadSnapshot reads tests/testdata/<name>.json.
func ReadSnapshot(name string) (Snapshot, error) {
	var s Snapshot
	raw, err := os.ReadFile(filepath.Join(Root, "tests", "testdata", name+".json"))
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, fmt.Errorf("%s.json: %w", name, err)
	}
	return s, nil
}

const releaseType = "kubernetes:helm.sh/v3:Release"

// Releases are the plan's Helm releases.
func (s Snapshot) Releases() []Resource {
	var out []Resource
	for _, r := range s.Resources {
		if r.Type == releaseType {
			out = append(out, r)
		}
	}
	return out
}

// Release is the release the plan declares under that resource name.
func (s Snapshot) Release(name string) (Resource, bool) {
	for _, r := range s.Releases() {
		if r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}

// Objects are the Kubernetes objects the program declares itself, as the
// provider would send them to the API server: every kubernetes: resource
// but the releases (rendered by Render) and patches of objects the program
// does not own.
func (s Snapshot) Objects() []Object {
	var out []Object
	for _, r := range s.Resources {
		if !strings.HasPrefix(r.Type, "kubernetes:") || r.Type == releaseType || strings.HasSuffix(r.Type, "Patch") {
			continue
		}
		body := map[string]any{}
		for k, v := range r.Inputs {
			body[k] = v
		}
		metadata, _ := body["metadata"].(map[string]any)
		if metadata == nil {
			metadata = map[string]any{}
			body["metadata"] = metadata
		}
		if _, named := metadata["name"]; !named {
			// The provider names an object after its resource, with a
			// random suffix, when the program gives no name.
			metadata["name"] = r.Name
		}
		out = append(out, objectOf(body, "program: "+r.Type+" "+r.Name))
	}
	return out
}

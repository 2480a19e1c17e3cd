// Package approval holds prod's update to the change a reviewer approved.
//
// `pulumi up --plan` cannot: with pulumi-eks' components, an update
// violates its own saved plan as soon as a resource reference that was
// unknown in the preview becomes known (pulumi/pulumi#13765, reproduced by
// the real-engine test). Instead, the preview a reviewer approves is saved
// as its steps, each a resource's operation and the inputs the preview
// knew; just before `pulumi up`, a fresh preview must show the same steps,
// or the update does not run.
package approval

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
)

// Step is one change a preview shows: the operation on a resource, and the
// inputs the preview knew (secrets masked by the engine).
type Step struct {
	Op     string         `json:"op"`
	URN    string         `json:"urn"`
	Inputs map[string]any `json:"inputs,omitempty"`
}

// unchanged are the operations that change nothing: a resource left as it
// is, and a read of one the stack does not manage (a stack reference).
var unchanged = map[string]bool{"same": true, "read": true, "refresh": true}

// Changes keeps the steps that change something, in URN order.
func Changes(steps []Step) []Step {
	var out []Step
	for _, s := range steps {
		if !unchanged[s.Op] {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// Differences says how a fresh preview's changes depart from the approved
// ones: a step that was not approved, one that is no longer planned, a
// different operation, or different inputs. None means the update may run.
func Differences(approved, fresh []Step) []string {
	want, got := byURN(Changes(approved)), byURN(Changes(fresh))
	var out []string
	for urn, g := range got {
		w, ok := want[urn]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: %s, which was not approved", urn, g.Op))
		case w.Op != g.Op:
			out = append(out, fmt.Sprintf("%s: %s, where %s was approved", urn, g.Op, w.Op))
		case !reflect.DeepEqual(normalize(w.Inputs), normalize(g.Inputs)):
			out = append(out, fmt.Sprintf("%s: %s with other inputs than approved", urn, g.Op))
		}
	}
	for urn, w := range want {
		if _, ok := got[urn]; !ok {
			out = append(out, fmt.Sprintf("%s: %s was approved and is no longer planned", urn, w.Op))
		}
	}
	sort.Strings(out)
	return out
}

func byURN(steps []Step) map[string]Step {
	out := map[string]Step{}
	for _, s := range steps {
		out[s.URN] = s
	}
	return out
}

// normalize makes inputs read from a file and inputs from the engine
// comparable: both as JSON decodes them.
func normalize(inputs map[string]any) any {
	raw, err := json.Marshal(inputs)
	if err != nil {
		return inputs
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		return inputs
	}
	return out
}

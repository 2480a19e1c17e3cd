// Package helmvalues turns typed chart values into the generic map a Helm
// release takes, so that each chart's values can be a Go struct with JSON tags
// (and the JSON tags are the chart's keys).
package helmvalues

import (
	"encoding/json"
	"fmt"
)

// Map renders values, a struct whose fields are strings, numbers, booleans,
// string maps or such structs, as a map of the chart's keys. It panics on
// anything else: that is a programming error, not bad input.
func Map(values any) map[string]any {
	raw, err := json.Marshal(values)
	if err != nil {
		panic(fmt.Sprintf("helmvalues: marshalling %T: %v", values, err))
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(fmt.Sprintf("helmvalues: %T is not a JSON object: %v", values, err))
	}
	return out
}

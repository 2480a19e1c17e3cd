package iampolicy

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Parsed is a policy document as IAM accepts it, normalised for reading:
// IAM lets Statement be one object or a list, and Action, Resource,
// principals and condition values be one string or a list. Document, which
// this project writes, needs none of that; policies read back from AWS do.
type Parsed struct {
	Version   string
	Statement []ParsedStatement
}

// ParsedStatement is one statement with every list spelled as a list.
type ParsedStatement struct {
	Sid    string
	Effect string
	// Principal maps a principal type (AWS, Federated, Service) to its
	// values; a bare "*" becomes {"AWS": ["*"]}.
	Principal   map[string][]string
	Action      []string
	NotAction   []string
	Resource    []string
	NotResource []string
	// Condition maps an operator (StringEquals) to condition keys and their
	// values.
	Condition map[string]map[string][]string
}

// Parse reads a policy document.
func Parse(policyJSON string) (Parsed, error) {
	var raw struct {
		Version   string
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(policyJSON), &raw); err != nil {
		return Parsed{}, fmt.Errorf("iampolicy: parsing a policy: %w", err)
	}
	var statements []rawStatement
	if len(raw.Statement) > 0 && raw.Statement[0] == '{' {
		var one rawStatement
		if err := json.Unmarshal(raw.Statement, &one); err != nil {
			return Parsed{}, fmt.Errorf("iampolicy: parsing a policy: %w", err)
		}
		statements = []rawStatement{one}
	} else if err := json.Unmarshal(raw.Statement, &statements); err != nil {
		return Parsed{}, fmt.Errorf("iampolicy: parsing a policy: %w", err)
	}
	p := Parsed{Version: raw.Version}
	for _, s := range statements {
		var condition map[string]map[string][]string
		for op, keys := range s.Condition {
			if condition == nil {
				condition = map[string]map[string][]string{}
			}
			condition[op] = map[string][]string{}
			for key, values := range keys {
				condition[op][key] = values
			}
		}
		p.Statement = append(p.Statement, ParsedStatement{
			Sid:         s.Sid,
			Effect:      s.Effect,
			Principal:   s.Principal.values,
			Action:      s.Action,
			NotAction:   s.NotAction,
			Resource:    s.Resource,
			NotResource: s.NotResource,
			Condition:   condition,
		})
	}
	return p, nil
}

type rawStatement struct {
	Sid         string
	Effect      string
	Principal   principal
	Action      stringOrList
	NotAction   stringOrList
	Resource    stringOrList
	NotResource stringOrList
	Condition   map[string]map[string]stringOrList
}

// principal is "*" or {"Type": "value" or ["values"]}.
type principal struct{ values map[string][]string }

func (p *principal) UnmarshalJSON(raw []byte) error {
	var star string
	if err := json.Unmarshal(raw, &star); err == nil {
		p.values = map[string][]string{"AWS": {star}}
		return nil
	}
	var m map[string]stringOrList
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("want a principal, got %s", raw)
	}
	p.values = map[string][]string{}
	for k, v := range m {
		p.values[k] = v
	}
	return nil
}

// Grant is one action allowed on one resource.
type Grant struct {
	Action   string
	Resource string
}

func (g Grant) String() string { return g.Action + " on " + g.Resource }

// Grants lists every (action, resource) pair the Allow statements name,
// sorted, without repeats; conditions are not considered.
func (p Parsed) Grants() []Grant {
	seen := map[Grant]bool{}
	var grants []Grant
	for _, s := range p.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, a := range s.Action {
			for _, r := range s.Resource {
				g := Grant{Action: a, Resource: r}
				if !seen[g] {
					seen[g] = true
					grants = append(grants, g)
				}
			}
		}
	}
	sort.Slice(grants, func(i, j int) bool {
		if grants[i].Action != grants[j].Action {
			return grants[i].Action < grants[j].Action
		}
		return grants[i].Resource < grants[j].Resource
	})
	return grants
}

// stringOrList is a policy element that is either "x" or ["x", "y"]. IAM
// also accepts JSON booleans and numbers where it means their text (a Bool
// condition's false); they are kept as that text.
type stringOrList []string

func (l *stringOrList) UnmarshalJSON(raw []byte) error {
	var many []json.RawMessage
	if err := json.Unmarshal(raw, &many); err != nil {
		many = []json.RawMessage{raw}
	}
	out := make(stringOrList, 0, len(many))
	for _, one := range many {
		text, ok := scalarText(one)
		if !ok {
			return fmt.Errorf("want a string or a list of strings, got %s", raw)
		}
		out = append(out, text)
	}
	*l = out
	return nil
}

// scalarText is a JSON string's value, or a boolean's or number's text.
func scalarText(raw json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, true
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		return fmt.Sprint(b), true
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), true
	}
	return "", false
}

package config

import (
	"fmt"
	"strings"
)

// Code names the rule a problem breaks. Codes are stable: tests assert
// them, and a message may be reworded without touching a test. Every
// message a code stands for is held, with an example of the configuration
// that breaks it, in tests/testdata/problems.golden.
type Code string

// Problem is one broken rule: which key, what it held, which rule, and the
// rule in words for whoever set the key.
type Problem struct {
	Key   string
	Value string // as the user wrote it; empty when the key is missing
	Code  Code
	Rule  string
}

func (p Problem) String() string {
	if p.Value == "" {
		return fmt.Sprintf("%s: %s", p.Key, p.Rule)
	}
	return fmt.Sprintf("%s %q: %s", p.Key, p.Value, p.Rule)
}

// Problems is every broken rule of one configuration. It is an error so that
// Load can return it; callers print it whole.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, 0, len(ps)+1)
	lines = append(lines, fmt.Sprintf("invalid configuration (%d problem(s)):", len(ps)))
	for _, p := range ps {
		lines = append(lines, "  - "+p.String())
	}
	return strings.Join(lines, "\n")
}

// finding is what a rule of one value finds: the code and the words of the
// rule it breaks, or nothing (the zero finding).
type finding struct {
	code Code
	rule string
}

func (f finding) ok() bool { return f.code == "" }

// broke is the finding of a broken rule.
func broke(code Code, rule string, args ...any) finding {
	if len(args) > 0 {
		rule = fmt.Sprintf(rule, args...)
	}
	return finding{code: code, rule: rule}
}

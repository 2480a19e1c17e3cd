package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// binding ties a key to the field it sets and to the rules its value obeys.
type binding struct {
	kind   string // as Pulumi.yaml declares it
	secret bool
	onOff  bool
	// field is a pointer to the key's field in c: *string, *Secret, *int,
	// *bool, *onOff or *[]string.
	field func(c *Config) any
	// broken lists the rules the key's value in c breaks, with the value
	// each speaks of (an element, for a list).
	broken func(c Config) []violation
	// decodeObject decodes an object key's JSON over its default.
	decodeObject func(defaultText, raw string, c *Config) finding
}

// violation is one broken rule of one key: the value as shown, and the
// rule. For an object key, field names the field the rule speaks of.
type violation struct {
	field, value string
	finding
}

func text(field func(*Config) *string, rules ...func(string) finding) binding {
	return binding{
		kind:  "string",
		field: func(c *Config) any { return field(c) },
		broken: func(c Config) []violation {
			return check(*field(&c), rules, func(s string) string { return s })
		},
	}
}

func number(field func(*Config) *int, rules ...func(int) finding) binding {
	return binding{
		kind:  "integer",
		field: func(c *Config) any { return field(c) },
		broken: func(c Config) []violation {
			return check(*field(&c), rules, strconv.Itoa)
		},
	}
}

func boolean(field func(*Config) *bool) binding {
	return binding{kind: "boolean", field: func(c *Config) any { return field(c) }, broken: noRules}
}

func secret(field func(*Config) *Secret) binding {
	return binding{kind: "string", secret: true, field: func(c *Config) any { return field(c) }, broken: noRules}
}

func switchKey(field func(*Config) *onOff) binding {
	return binding{kind: "string", onOff: true, field: func(c *Config) any { return field(c) }, broken: noRules}
}

// list binds a list of strings; its rules see the whole list (notEmpty,
// each).
func list(field func(*Config) *[]string, rules ...func([]string) []violation) binding {
	return binding{
		kind:   "array",
		field:  func(c *Config) any { return field(c) },
		broken: func(c Config) []violation { return applyAll(*field(&c), rules) },
	}
}

// object binds a key whose value is a mapping of fields, as a stack file
// writes it (`pulumi config set --path milvus:queryNode.replicas 3`). The
// fields a stack sets are decoded over the key's default, so that a stack
// may set only some; a field the key does not have is an error.
func object[T any](field func(*Config) *T, rules ...func(T) []violation) binding {
	return binding{
		kind:   "object",
		field:  func(c *Config) any { return field(c) },
		broken: func(c Config) []violation { return applyAll(*field(&c), rules) },
		decodeObject: func(defaultText, raw string, c *Config) finding {
			var v T
			if err := json.Unmarshal([]byte(defaultText), &v); err != nil {
				panic(fmt.Sprintf("config: a default of %T: %v", v, err))
			}
			decoder := json.NewDecoder(strings.NewReader(raw))
			decoder.DisallowUnknownFields()
			if err := decoder.Decode(&v); err != nil {
				return objectRule(err, v)
			}
			*field(c) = v
			return finding{}
		},
	}
}

// objectRule says in the stack file's terms why an object did not decode.
func objectRule(err error, v any) finding {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		// The field's path runs through embedded structs ("Workload.replicas").
		path := strings.Split(typeErr.Field, ".")
		name := path[len(path)-1]
		if typeErr.Type.Kind() == reflect.String && typeErr.Value == "number" {
			// `pulumi config set --path milvus:proxy.cpuLimit 2` stores a
			// number; a Kubernetes quantity is kept as written.
			return broke("field-type", "field %s must be a string: quote the quantity (%s: \"2\")", name, name)
		}
		return broke("field-type", "field %s must be a %s", name, jsonKind(typeErr.Type))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return broke("unknown-field", "has no field %s; its fields are %s", name, strings.Join(fieldNames(reflect.TypeOf(v)), ", "))
	}
	return broke("not-an-object", "must be a mapping of fields: "+strings.Join(fieldNames(reflect.TypeOf(v)), ", "))
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int:
		return "whole number"
	case reflect.Bool:
		return "boolean (true or false)"
	case reflect.String:
		return "string"
	}
	return t.String()
}

// fieldNames are the JSON names of a struct's fields, embedded ones first.
func fieldNames(t reflect.Type) []string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			names = append(names, fieldNames(f.Type)...)
			continue
		}
		names = append(names, strings.Split(f.Tag.Get("json"), ",")[0])
	}
	return names
}

// objectFields are the fields of an object key, in order; nil for other keys.
func (k Key) objectFields() []string {
	if k.Kind() != "object" {
		return nil
	}
	return fieldNames(reflect.TypeOf(k.Default))
}

func noRules(Config) []violation { return nil }

// applyAll gathers what each rule finds wrong with a value.
func applyAll[T any](value T, rules []func(T) []violation) []violation {
	var out []violation
	for _, rule := range rules {
		out = append(out, rule(value)...)
	}
	return out
}

// check applies rules to a value; show is how the value appears in a problem.
func check[T any](value T, rules []func(T) finding, show func(T) string) []violation {
	var out []violation
	for _, rule := range rules {
		if f := rule(value); !f.ok() {
			out = append(out, violation{value: show(value), finding: f})
		}
	}
	return out
}

// decode parses one raw configuration value into the key's field of c and
// returns the rule the text breaks, if any. The engine hands lists to the
// program as JSON text.
func (k Key) decode(raw string, c *Config) finding {
	if k.bind.decodeObject != nil {
		return k.bind.decodeObject(k.DefaultText(), raw, c)
	}
	switch dst := k.bind.field(c).(type) {
	case *string:
		*dst = raw
	case *Secret:
		*dst = Secret(raw)
	case *int:
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return broke("not-a-number", "must be a whole number")
		}
		*dst = n
	case *bool:
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return broke("not-a-boolean", "must be true or false")
		}
		*dst = b
	case *onOff:
		if strings.TrimSpace(raw) == "" {
			*dst = unset
			break
		}
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return broke("not-a-switch", "must be true, false or empty (on when the stack creates the cluster, off on an existing one)")
		}
		*dst = off
		if b {
			*dst = on
		}
	case *[]string:
		var list []string
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			return broke("not-a-list", "must be a list of strings")
		}
		if len(list) == 0 {
			list = nil // an empty list and no list mean the same here
		}
		*dst = list
	default:
		panic(fmt.Sprintf("config: key %s binds a %T", k.Name, dst))
	}
	return finding{}
}

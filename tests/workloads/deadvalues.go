package workloads

import (
	"fmt"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Renderer renders a chart with values.
type Renderer func(values map[string]any) ([]Object, error)

// DeadValues lists the values (dotted paths to leaves, "proxy.replicas",
// "mixCoordinator.extraEnv[0].name") whose change changes nothing the chart
// renders: a key the chart does not read, misspelt or dead in its version.
// Each leaf is changed alone (a boolean flipped, a number raised, a string
// extended) and the chart rendered again; a leaf whose change makes the
// render fail is read by it too.
func DeadValues(render Renderer, values map[string]any) ([]string, error) {
	baseline, err := render(values)
	if err != nil {
		return nil, err
	}
	want, err := stable(baseline)
	if err != nil {
		return nil, err
	}
	var dead []string
	for _, leaf := range leaves(values) {
		changed := deepCopy(values).(map[string]any)
		leaf.set(changed, perturbed(leaf.value))
		objects, err := render(changed)
		if err != nil {
			continue
		}
		got, err := stable(objects)
		if err != nil {
			return nil, err
		}
		if got == want {
			dead = append(dead, leaf.path)
		}
	}
	sort.Strings(dead)
	return dead, nil
}

// leaf is one scalar of the values (or an empty map or list), where it is.
type leaf struct {
	path  string
	steps []any // map keys (string) and list indexes (int), from the root
	value any
}

// set replaces the leaf's value in root, a copy of the values it came from.
func (l leaf) set(root map[string]any, v any) {
	var parent any = root
	for i, step := range l.steps {
		last := i == len(l.steps)-1
		switch step := step.(type) {
		case string:
			m := parent.(map[string]any)
			if last {
				m[step] = v
				return
			}
			parent = m[step]
		case int:
			list := parent.([]any)
			if last {
				list[step] = v
				return
			}
			parent = list[step]
		}
	}
}

// leaves walks values down to their scalars, in a stable order.
func leaves(v any) []leaf {
	var out []leaf
	var walk func(path string, steps []any, v any)
	walk = func(path string, steps []any, v any) {
		switch v := v.(type) {
		case map[string]any:
			if len(v) == 0 {
				break
			}
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				child := k
				if path != "" {
					child = path + "." + k
				}
				walk(child, append(append([]any{}, steps...), k), v[k])
			}
			return
		case []any:
			if len(v) == 0 {
				break
			}
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), append(append([]any{}, steps...), i), e)
			}
			return
		}
		out = append(out, leaf{path: path, steps: steps, value: v})
	}
	walk("", nil, v)
	return out
}

// perturbed is a value of the same kind that differs from v.
func perturbed(v any) any {
	switch v := v.(type) {
	case bool:
		return !v
	case float64:
		return v + 1
	case int:
		return v + 1
	case string:
		return v + "-changed"
	case nil:
		return "changed"
	case map[string]any:
		return map[string]any{"changed": "changed"}
	case []any:
		return []any{"changed"}
	}
	return fmt.Sprintf("%v-changed", v)
}

// stable is a render as text, without what Helm makes anew on each render
// (the load balancer controller's self-signed webhook certificate).
func stable(objects []Object) (string, error) {
	var b strings.Builder
	for _, o := range objects {
		body := deepCopy(o.Body).(map[string]any)
		if o.Kind == "Secret" && body["type"] == "kubernetes.io/tls" {
			delete(body, "data")
		}
		dropKey(body, "caBundle")
		raw, err := yaml.Marshal(body)
		if err != nil {
			return "", err
		}
		b.WriteString(o.Source + "\n" + string(raw) + "---\n")
	}
	return b.String(), nil
}

func dropKey(v any, key string) {
	switch v := v.(type) {
	case map[string]any:
		delete(v, key)
		for _, e := range v {
			dropKey(e, key)
		}
	case []any:
		for _, e := range v {
			dropKey(e, key)
		}
	}
}

package config

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
)

// Load reads every key of this project over the defaults and validates the
// result. The error, if any, is a Problems listing everything wrong at once,
// in the order of the keys: values that do not parse, keys this project does
// not have, and broken rules.
func Load(settings Settings, stack string) (Config, error) {
	cfg := Config{Stack: stack}
	var problems Problems

	region, ok := settings.Values[RegionKey]
	if !ok || region == "" {
		problems = append(problems, Problem{Key: RegionKey, Code: "required", Rule: "is required: set it with `pulumi config set aws:region us-east-2`"})
	}
	cfg.Region = region

	undecoded := map[string]bool{}
	for _, k := range Keys {
		raw, ok := settings.Values[k.FullName()]
		if !ok {
			raw = k.DefaultText()
		}
		if f := k.decode(raw, &cfg); !f.ok() {
			problems = append(problems, Problem{Key: k.FullName(), Value: settings.display(k.FullName(), raw), Code: f.code, Rule: f.rule})
			undecoded[k.FullName()] = true
			k.decode(k.DefaultText(), &cfg)
		}
	}
	problems = append(problems, unknownKeys(settings)...)
	cfg.derive()

	defaults := Defaults(stack)
	for _, k := range Keys {
		switch {
		case undecoded[k.FullName()]:
		case k.CreateOnly && !cfg.CreatesCluster():
			problems = append(problems, createOnlyKeySet(settings, k, cfg, defaults)...)
		default:
			for _, v := range k.bind.broken(cfg) {
				key := k.FullName()
				if v.field != "" {
					key += "." + v.field
				}
				problems = append(problems, Problem{Key: key, Value: settings.display(k.FullName(), v.value), Code: v.code, Rule: v.rule})
			}
		}
	}

	// A key that failed to decode holds its default: the rules that compare
	// other keys with it ("between nodeMinSize (2) and ...") would speak of
	// a value the user never wrote.
	for _, p := range cfg.validate(settings.Secret) {
		if !undecoded[p.Key] && !namesAnyOf(p.Rule, undecoded) {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		sortByKey(problems)
		return Config{}, problems
	}
	return cfg, nil
}

// createOnlyKeySet reports a create-mode key that an existing-cluster stack
// sets to something other than its default: it would be ignored, and a user
// who set it expects it to matter.
func createOnlyKeySet(settings Settings, k Key, cfg, defaults Config) Problems {
	if reflect.DeepEqual(k.bind.field(&cfg), k.bind.field(&defaults)) {
		return nil
	}
	return Problems{{Key: k.FullName(), Value: settings.display(k.FullName(), settings.Values[k.FullName()]), Code: "create-mode-only",
		Rule: `applies only when clusterMode is "create": an existing cluster's version, network and nodes are its owner's; remove it`}}
}

// sortByKey orders problems as the keys are ordered: aws:region first, then
// this project's keys as Keys lists them (the fields of an object key,
// "milvus:etcd.replicas", with the key), then keys it does not have. The
// problems of one key keep their order.
func sortByKey(problems Problems) {
	rank := func(key string) int {
		if key == RegionKey {
			return -1
		}
		for i, k := range Keys {
			if k.FullName() == key || strings.HasPrefix(key, k.FullName()+".") {
				return i
			}
		}
		return len(Keys)
	}
	sort.SliceStable(problems, func(i, j int) bool { return rank(problems[i].Key) < rank(problems[j].Key) })
}

// namesAnyOf reports whether a rule names one of the keys, by its short name.
func namesAnyOf(rule string, keys map[string]bool) bool {
	for key := range keys {
		name := strings.TrimPrefix(key, Namespace+":")
		if regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`).MatchString(rule) {
			return true
		}
	}
	return false
}

// unknownKeys reports the keys under this project's namespace that it does
// not read: a misspelt key would otherwise be ignored, and its default used.
func unknownKeys(settings Settings) Problems {
	var unknown []string
	for key := range settings.Values {
		if _, known := keyNamed(strings.TrimPrefix(key, Namespace+":")); strings.HasPrefix(key, Namespace+":") && !known {
			unknown = append(unknown, key)
		}
	}
	sort.Strings(unknown)
	var problems Problems
	for _, key := range unknown {
		code, rule := Code("unknown-key"), "is not a key of this project"
		if hint, ok := retiredKeys[strings.TrimPrefix(key, Namespace+":")]; ok {
			code = "retired-key"
			rule += " any more: " + hint
		} else if field := retiredKeyField(strings.TrimPrefix(key, Namespace+":")); field != "" {
			code = "retired-key"
			rule += fmt.Sprintf(" any more: set the field instead, with `pulumi config set --path %s <value>`", field)
		} else if near := nearestKey(strings.TrimPrefix(key, Namespace+":")); near != "" {
			rule += fmt.Sprintf("; did you mean %q?", near)
		}
		problems = append(problems, Problem{Key: key, Value: settings.display(key, settings.Values[key]), Code: code, Rule: rule})
	}
	return problems
}

// retiredKeys are keys this project once read, with what replaces them.
var retiredKeys = map[string]string{
	"nodeMaxSize": "nothing scaled the node group up to it (a managed node group grows only under an autoscaler); the node group keeps nodeDesiredSize nodes, and nodePools starts nodes for pending pods: remove it with `pulumi config rm nodeMaxSize`",
}

// retiredKeyField is the field of an object key that replaced a retired
// flat workload key ("coordinatorCpuLimit" is now mixCoordinator.cpuLimit),
// or "".
func retiredKeyField(name string) string {
	for prefix, object := range map[string]string{"coordinator": "mixCoordinator", "proxy": "proxy"} {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok || rest == "" {
			continue
		}
		field := strings.ToLower(rest[:1]) + rest[1:]
		k, _ := keyNamed(object)
		if slices.Contains(k.objectFields(), field) {
			return object + "." + field
		}
	}
	return ""
}

// nearestKey is the key name closest to name in spelling, if it is close
// enough to be the likely intent: a difference of case, a key that name
// begins (a unit left off), or at most three edits.
func nearestKey(name string) string {
	lower := strings.ToLower(name)
	for _, k := range Keys {
		if strings.EqualFold(k.Name, name) {
			return k.Name
		}
	}
	for _, k := range Keys {
		if len(name) >= 4 && strings.HasPrefix(strings.ToLower(k.Name), lower) {
			return k.Name
		}
	}
	// Fewer edits than the name has letters: "vpc" is not "etcd".
	best, bestDistance := "", min(4, len(name))
	for _, k := range Keys {
		if d := levenshtein.Distance(strings.ToLower(k.Name), lower, nil); d < bestDistance {
			best, bestDistance = k.Name, d
		}
	}
	return best
}

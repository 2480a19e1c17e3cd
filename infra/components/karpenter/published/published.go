// Package published reads what Karpenter's release publishes for its AWS
// resources: the CloudFormation template of its getting-started guide
// (aws/karpenter-provider-aws, website/content/en/preview/getting-started/
// getting-started-with-karpenter/cloudformation.yaml at tag v1.14.1, git
// blob 2c2ca72301a002c68185979fc4d2c8dab0f9c13a), embedded as published.
// The controller's policies, the interruption queue, its policy and the
// EventBridge rules the stack declares are read from it, so that they are
// the release's own; a test holds the blob.
package published

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Version is the Karpenter release the template belongs to; the chart
// archive in infra/charts is the same release's.
const Version = "1.14.1"

//go:embed cloudformation-v1.14.1.yaml
var Template []byte

// Values are what the template's substitutions stand for in one stack.
type Values struct {
	ClusterName, Region, Partition, AccountID string
	// NodeRoleArn is the nodes' role (the template's KarpenterNodeRole),
	// QueueArn the interruption queue's.
	NodeRoleArn, QueueArn string
}

// Policy is one of the controller's managed policies.
type Policy struct {
	// Resource is the template's logical name ("NodeLifecyclePolicy").
	Resource string
	// Name is its ManagedPolicyName, with the cluster's name.
	Name     string
	Document string
}

// Rule is one EventBridge rule that sends interruption events to the queue.
type Rule struct {
	Resource string
	// Pattern is the rule's event pattern, as JSON.
	Pattern string
	// TargetID is the rule's target's Id.
	TargetID string
}

// Queue is the interruption queue's settings.
type Queue struct {
	RetentionSeconds int
	ManagedSSE       bool
}

type template struct {
	Resources map[string]struct {
		Type       string    `yaml:"Type"`
		Properties yaml.Node `yaml:"Properties"`
	} `yaml:"Resources"`
}

func parse() (template, error) {
	var t template
	if err := yaml.Unmarshal(Template, &t); err != nil {
		return t, fmt.Errorf("karpenter's template: %w", err)
	}
	return t, nil
}

// resources are the logical names of a type, sorted.
func (t template) resources(kind string) []string {
	var out []string
	for name, r := range t.Resources {
		if r.Type == kind {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// property is one of a resource's properties.
func (t template) property(resource, name string) (*yaml.Node, error) {
	props := t.Resources[resource].Properties
	for i := 0; i+1 < len(props.Content); i += 2 {
		if props.Content[i].Value == name {
			return props.Content[i+1], nil
		}
	}
	return nil, fmt.Errorf("karpenter's template: %s has no %s", resource, name)
}

// ControllerPolicyResources are the logical names of the controller's
// managed policies, sorted, less skip.
func ControllerPolicyResources(skip ...string) ([]string, error) {
	t, err := parse()
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(t.resources("AWS::IAM::ManagedPolicy"), func(r string) bool { return slices.Contains(skip, r) }), nil
}

// ControllerPolicies are the controller's managed policies, with the
// stack's values substituted. skip names policies the stack leaves out
// (ZonalShiftPolicy, whose setting it leaves off).
func ControllerPolicies(v Values, skip ...string) ([]Policy, error) {
	t, err := parse()
	if err != nil {
		return nil, err
	}
	resources, err := ControllerPolicyResources(skip...)
	if err != nil {
		return nil, err
	}
	var out []Policy
	for _, resource := range resources {
		name, err := t.property(resource, "ManagedPolicyName")
		if err != nil {
			return nil, err
		}
		document, err := t.property(resource, "PolicyDocument")
		if err != nil {
			return nil, err
		}
		policyName, err := v.substitute(name.Value)
		if err != nil {
			return nil, err
		}
		text, err := v.substitute(document.Value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", resource, err)
		}
		compact, err := compactJSON(text)
		if err != nil {
			return nil, fmt.Errorf("karpenter's template: %s's document: %w", resource, err)
		}
		out = append(out, Policy{Resource: resource, Name: policyName, Document: compact})
	}
	return out, nil
}

// NodeRolePolicies are the AWS managed policies the template gives the
// nodes' role, by name.
func NodeRolePolicies() ([]string, error) {
	t, err := parse()
	if err != nil {
		return nil, err
	}
	arns, err := t.property("KarpenterNodeRole", "ManagedPolicyArns")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, arn := range arns.Content {
		out = append(out, arn.Value[strings.LastIndex(arn.Value, "/")+1:])
	}
	return out, nil
}

// InterruptionQueue is the queue's settings.
func InterruptionQueue() (Queue, error) {
	t, err := parse()
	if err != nil {
		return Queue{}, err
	}
	var q Queue
	retention, err := t.property("KarpenterInterruptionQueue", "MessageRetentionPeriod")
	if err != nil {
		return q, err
	}
	sse, err := t.property("KarpenterInterruptionQueue", "SqsManagedSseEnabled")
	if err != nil {
		return q, err
	}
	if err := retention.Decode(&q.RetentionSeconds); err != nil {
		return q, err
	}
	return q, sse.Decode(&q.ManagedSSE)
}

// QueuePolicy is the queue's policy, as JSON, with the queue's ARN.
func QueuePolicy(queueArn string) (string, error) {
	t, err := parse()
	if err != nil {
		return "", err
	}
	document, err := t.property("KarpenterInterruptionQueuePolicy", "PolicyDocument")
	if err != nil {
		return "", err
	}
	return jsonOf(document, Values{QueueArn: queueArn})
}

// Rules are the EventBridge rules, each with its pattern and target.
func Rules() ([]Rule, error) {
	t, err := parse()
	if err != nil {
		return nil, err
	}
	var out []Rule
	for _, resource := range t.resources("AWS::Events::Rule") {
		pattern, err := t.property(resource, "EventPattern")
		if err != nil {
			return nil, err
		}
		targets, err := t.property(resource, "Targets")
		if err != nil {
			return nil, err
		}
		raw, err := jsonOf(pattern, Values{})
		if err != nil {
			return nil, err
		}
		var target []struct {
			ID string `yaml:"Id"`
		}
		if err := targets.Decode(&target); err != nil || len(target) != 1 {
			return nil, fmt.Errorf("karpenter's template: %s must have one target", resource)
		}
		out = append(out, Rule{Resource: resource, Pattern: raw, TargetID: target[0].ID})
	}
	return out, nil
}

// jsonOf is a YAML node of the template as JSON.
func jsonOf(n *yaml.Node, v Values) (string, error) {
	value, err := plain(n, v)
	if err != nil {
		return "", err
	}
	raw, err := json.Marshal(value)
	return string(raw), err
}

// plain turns a YAML node into plain values, resolving the one intrinsic
// the queue policy and the rules use: !GetAtt KarpenterInterruptionQueue.Arn.
func plain(n *yaml.Node, v Values) (any, error) {
	if n.Tag == "!GetAtt" {
		if n.Value != "KarpenterInterruptionQueue.Arn" || v.QueueArn == "" {
			return nil, fmt.Errorf("karpenter's template: unexpected !GetAtt %s", n.Value)
		}
		return v.QueueArn, nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			value, err := plain(n.Content[i+1], v)
			if err != nil {
				return nil, err
			}
			out[n.Content[i].Value] = value
		}
		return out, nil
	case yaml.SequenceNode:
		out := []any{}
		for _, item := range n.Content {
			value, err := plain(item, v)
			if err != nil {
				return nil, err
			}
			out = append(out, value)
		}
		return out, nil
	}
	var out any
	err := n.Decode(&out)
	return out, err
}

var substitution = regexp.MustCompile(`\$\{([^}]+)\}`)

// substitute fills a !Sub string's ${...} in, and fails on any name the
// stack has no value for.
func (v Values) substitute(text string) (string, error) {
	known := map[string]string{
		"ClusterName":                    v.ClusterName,
		"AWS::Region":                    v.Region,
		"AWS::Partition":                 v.Partition,
		"AWS::AccountId":                 v.AccountID,
		"KarpenterNodeRole.Arn":          v.NodeRoleArn,
		"KarpenterInterruptionQueue.Arn": v.QueueArn,
	}
	var missing []string
	out := substitution.ReplaceAllStringFunc(text, func(m string) string {
		name := m[2 : len(m)-1]
		value, ok := known[name]
		if !ok || value == "" {
			missing = append(missing, name)
		}
		return value
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("karpenter's template: no value for %s", strings.Join(missing, ", "))
	}
	return out, nil
}

// compactJSON drops the document's whitespace and keeps its order.
func compactJSON(text string) (string, error) {
	var out bytes.Buffer
	err := json.Compact(&out, []byte(text))
	return out.String(), err
}

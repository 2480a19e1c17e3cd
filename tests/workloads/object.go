package workloads

import (
	"fmt"

	"sigs.k8s.io/yaml"
)

// Object is one Kubernetes object: its identity, where it came from, and
// its body as YAML would decode it.
type Object struct {
	APIVersion, Kind, Namespace, Name string
	// Source is the chart template ("milvus/templates/proxy-deployment.yaml")
	// or the program's resource it came from.
	Source string
	Body   map[string]any
}

func objectOf(body map[string]any, source string) Object {
	o := Object{Source: source, Body: body}
	o.APIVersion, _ = body["apiVersion"].(string)
	o.Kind, _ = body["kind"].(string)
	if metadata, ok := body["metadata"].(map[string]any); ok {
		o.Name, _ = metadata["name"].(string)
		o.Namespace, _ = metadata["namespace"].(string)
	}
	return o
}

// ID names the object as kubectl would: Kind/namespace/name.
func (o Object) ID() string {
	if o.Namespace == "" {
		return o.Kind + "/" + o.Name
	}
	return o.Kind + "/" + o.Namespace + "/" + o.Name
}

// YAML is the object as a manifest document.
func (o Object) YAML() ([]byte, error) {
	raw, err := yaml.Marshal(o.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.ID(), err)
	}
	return raw, nil
}

// Get reads a field by path; ok is false when a step is missing or not an
// object.
func (o Object) Get(path ...string) (any, bool) {
	var v any = o.Body
	for _, key := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[key]; !ok {
			return nil, false
		}
	}
	return v, true
}

// JobOf is a CronJob's job as a workload of one pod (a Job's spec holds
// the pod template, as a Deployment's does): the concurrencyPolicy Forbid
// that the backup CronJob sets keeps it to one at a time.
func (o Object) JobOf() Object {
	spec, _ := o.Get("spec", "jobTemplate", "spec")
	job := o
	job.Kind = "Job (of CronJob " + o.Name + ")"
	job.Body = map[string]any{"metadata": o.Body["metadata"], "spec": spec}
	return job
}

// Labels are the object's own labels.
func (o Object) Labels() map[string]string {
	return stringMap(o.Get("metadata", "labels"))
}

// PodLabels are the labels of the pods a workload's template makes.
func (o Object) PodLabels() map[string]string {
	return stringMap(o.Get("spec", "template", "metadata", "labels"))
}

func stringMap(v any, ok bool) map[string]string {
	out := map[string]string{}
	m, _ := v.(map[string]any)
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

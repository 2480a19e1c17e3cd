package mockcloud

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// Of returns the resources of a type, in registration order.
func (s *Stack) Of(typ string) []*Resource {
	var out []*Resource
	for _, r := range s.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Named returns the resources of a type with a name (logical names are
// unique per type and parent, so a stack may hold several).
func (s *Stack) Named(typ, name string) []*Resource {
	var out []*Resource
	for _, r := range s.Of(typ) {
		if r.Name == name {
			out = append(out, r)
		}
	}
	return out
}

// TypeCounts counts the resources of each type.
func (s *Stack) TypeCounts() map[string]int {
	counts := map[string]int{}
	for _, r := range s.Resources {
		counts[r.Type]++
	}
	return counts
}

// ByURN finds a resource, stand-ins included.
func (s *Stack) ByURN(urn string) *Resource {
	for _, r := range append(append([]*Resource{}, s.Resources...), s.StandIns...) {
		if r.URN == urn {
			return r
		}
	}
	return nil
}

// DependencyNames names r's dependencies as "type::name", or by URN when
// the stack does not hold them.
func (s *Stack) DependencyNames(r *Resource) []string {
	var out []string
	for _, urn := range r.Dependencies {
		if x := s.ByURN(urn); x != nil {
			out = append(out, x.Type+"::"+x.Name)
		} else {
			out = append(out, urn)
		}
	}
	return out
}

// DependsOn reports whether r lists dep among its dependencies.
func (r *Resource) DependsOn(dep *Resource) bool {
	for _, urn := range r.Dependencies {
		if urn == dep.URN {
			return true
		}
	}
	return false
}

// Input reads a nested input by its path of keys
// (metadata, annotations, eks.amazonaws.com/role-arn); the zero value when
// there is none.
func (r *Resource) Input(path ...string) resource.PropertyValue {
	v := resource.NewObjectProperty(r.Inputs)
	for _, key := range path {
		if !v.IsObject() {
			return resource.PropertyValue{}
		}
		v = v.ObjectValue()[resource.PropertyKey(key)]
	}
	return v
}

// Plain turns a property value into plain Go values, secrets and outputs
// unwrapped, for comparison.
func Plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return Plain(v.SecretValue().Element)
	case v.IsOutput():
		return Plain(v.OutputValue().Element)
	}
	return v.Mappable()
}

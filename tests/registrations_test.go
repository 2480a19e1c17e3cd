package tests

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// registration is what a program told the engine of one resource, as the
// real engine receives it (its gRPC log) and as the mock engine recorded it:
// the fields the real-engine test compares.
type registration struct {
	URN, Type, Name string
	// Parent and Provider are "type::name" of the resource they name;
	// Provider is "" for a default provider.
	Parent, Provider string
	// Dependencies are "type::name" too, sorted.
	Dependencies []string
	// StandIns are the dependencies, among Dependencies, that the mock
	// registered to play a remote component's child, with that component.
	StandIns       map[string]string
	Protect        bool
	RetainOnDelete bool
	BeforeDelete   []string
	Inputs         resource.PropertyMap
}

// offlineRegistrations are the registrations of a mock run, named as the
// real engine names them: a stand-in by its type and name.
func offlineRegistrations(s *mockcloud.Stack) map[string]registration {
	name := func(urn string) string {
		if r := s.ByURN(urn); r != nil {
			return r.Type + "::" + r.Name
		}
		return typeAndNameOf(urn)
	}
	out := map[string]registration{}
	for _, r := range s.Resources {
		reg := registration{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: typeAndNameOf(r.Parent), Provider: providerName(r.Provider),
			Protect: r.Protect, RetainOnDelete: r.RetainOnDelete, BeforeDelete: r.BeforeDelete, Inputs: r.Inputs,
		}
		for _, d := range r.Dependencies {
			reg.Dependencies = append(reg.Dependencies, name(d))
			if x := s.ByURN(d); x != nil && x.StandInFor != "" {
				if reg.StandIns == nil {
					reg.StandIns = map[string]string{}
				}
				reg.StandIns[name(d)] = typeAndNameOf(x.StandInFor)
			}
		}
		sort.Strings(reg.Dependencies)
		out[r.URN] = reg
	}
	return out
}

// engineRegistrations reads the registrations of a real engine's gRPC log
// (PULUMI_DEBUG_GRPC): every RegisterResource call the resource monitor
// answered, from the program and from the component providers.
func engineRegistrations(t *testing.T, logFile string) map[string]registration {
	t.Helper()
	f, err := os.Open(logFile)
	require.NoError(t, err)
	defer f.Close()
	out := map[string]registration{}
	scanner := bufio.NewScanner(f)
	scanner.Buffer(nil, 64<<20)
	for scanner.Scan() {
		var entry struct {
			Method   string          `json:"method"`
			Request  json.RawMessage `json:"request"`
			Response json.RawMessage `json:"response"`
			Progress string          `json:"progress"`
		}
		require.NoError(t, json.Unmarshal(scanner.Bytes(), &entry))
		if entry.Method != "/pulumirpc.ResourceMonitor/RegisterResource" || entry.Progress != "response_completed" {
			continue
		}
		var req pulumirpc.RegisterResourceRequest
		var resp pulumirpc.RegisterResourceResponse
		require.NoError(t, protojson.Unmarshal(entry.Request, &req))
		require.NoError(t, protojson.Unmarshal(entry.Response, &resp))
		inputs, err := plugin.UnmarshalProperties(req.GetObject(), plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true})
		require.NoError(t, err)
		reg := registration{
			URN: resp.GetUrn(), Type: req.GetType(), Name: req.GetName(), Parent: typeAndNameOf(req.GetParent()), Provider: providerName(req.GetProvider()),
			Protect: req.GetProtect(), RetainOnDelete: req.GetRetainOnDelete(), BeforeDelete: req.GetHooks().GetBeforeDelete(), Inputs: inputs,
		}
		for _, d := range req.GetDependencies() {
			reg.Dependencies = append(reg.Dependencies, typeAndNameOf(d))
		}
		sort.Strings(reg.Dependencies)
		out[reg.URN] = reg
	}
	require.NoError(t, scanner.Err())
	return out
}

// typeAndNameOf names a resource by its URN's type and name.
func typeAndNameOf(urn string) string {
	if urn == "" {
		return ""
	}
	parts := strings.Split(urn, "::")
	types := strings.Split(parts[2], "$")
	return types[len(types)-1] + "::" + parts[3]
}

// providerName names a provider reference ("<urn>::<id>") by its type and
// name; a default provider is "".
func providerName(reference string) string {
	if reference == "" {
		return ""
	}
	name := typeAndNameOf(reference[:strings.LastIndex(reference, "::")])
	if strings.HasPrefix(name[strings.Index(name, "::")+2:], "default") {
		return ""
	}
	return name
}

// What the engine's registrations may hold beyond the mock's, each for a
// reason only the engine has:
//
//   - Dependencies through pulumi-eks' outputs. An output of a remote
//     component (the Cluster's eksCluster, its kubeconfigJson)
//     carries, in the engine, the dependencies of the component's own
//     children and inputs (its IAM roles, the VPC and subnets it was
//     given); the mock's stand-ins have none. A registration may depend on
//     more than the mock shows, and only on such resources.
//   - Dependencies on the mock's stand-ins. In a preview the engine knows a
//     remote component's outputs only as unknowns, so a dependency on its
//     child (the EKS cluster) is one on the component alone: the mock's
//     dependency on a stand-in holds when the engine's on its component
//     does.
//
// Every other difference fails the comparison.
func reachedThroughRemoteComponents(engine map[string]registration) map[string]bool {
	byName := map[string]registration{}
	for _, r := range engine {
		byName[r.Type+"::"+r.Name] = r
	}
	inside := func(r registration) bool {
		for p := r.Parent; p != ""; p = byName[p].Parent {
			if remoteComponents[p[:strings.Index(p, "::")]] {
				return true
			}
		}
		return false
	}
	reached := map[string]bool{}
	for name, r := range byName {
		if remoteComponents[r.Type] {
			for _, d := range r.Dependencies {
				reached[d] = true
			}
		}
		if inside(r) {
			reached[name] = true
		}
	}
	return reached
}

// remoteComponents are pulumi-eks' components, which create their children
// inside the eks plugin.
var remoteComponents = map[string]bool{"eks:index:Cluster": true, "eks:index:ManagedNodeGroup": true}

// compareRegistrations lists how the engine's registration of each resource
// that both show differs from the mock's: parent, provider, dependencies,
// protect, retainOnDelete, delete hooks, and every input the engine knew
// before anything existed (inputs it could not know yet, unknowns in a
// preview, are skipped; every other input is compared, secrecy included).
func compareRegistrations(offline, engine map[string]registration) []string {
	reached := reachedThroughRemoteComponents(engine)
	var out []string
	for urn, want := range offline {
		got, ok := engine[urn]
		if !ok {
			continue
		}
		differ := func(field string, w, g any) {
			if reflect.DeepEqual(w, g) {
				return
			}
			out = append(out, fmt.Sprintf("%s::%s %s: offline %v, engine %v", want.Type, want.Name, field, w, g))
		}
		differ("parent", want.Parent, got.Parent)
		differ("provider", want.Provider, got.Provider)
		differ("dependencies", withoutStandIns(want, got.Dependencies), withoutReached(got.Dependencies, want.Dependencies, reached))
		differ("protect", want.Protect, got.Protect)
		differ("retainOnDelete", want.RetainOnDelete, got.RetainOnDelete)
		differ("beforeDelete", nonNil(want.BeforeDelete), nonNil(got.BeforeDelete))
		for _, path := range knownInputs("", resource.NewObjectProperty(got.Inputs)) {
			differ("input "+path.path, plainAt(resource.NewObjectProperty(want.Inputs), path.keys), path.value)
		}
		for key := range want.Inputs {
			if _, ok := got.Inputs[key]; !ok {
				differ("input "+string(key), "set", "absent")
			}
		}
	}
	sort.Strings(out)
	return out
}

// withoutStandIns drops from the mock's dependencies the stand-ins the
// engine names by their component instead.
func withoutStandIns(want registration, engine []string) []string {
	named := map[string]bool{}
	for _, d := range engine {
		named[d] = true
	}
	var out []string
	for _, d := range want.Dependencies {
		if owner, ok := want.StandIns[d]; !ok || named[d] || !named[owner] {
			out = append(out, d)
		}
	}
	return out
}

// withoutReached drops from the engine's dependencies those the mock does
// not show and that only pulumi-eks' outputs carry.
func withoutReached(engine, offline []string, reached map[string]bool) []string {
	shown := map[string]bool{}
	for _, d := range offline {
		shown[d] = true
	}
	out := []string{}
	for _, d := range engine {
		if shown[d] || !reached[d] {
			out = append(out, d)
		}
	}
	if len(out) == 0 && offline == nil {
		return nil
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// knownInput is one leaf of the engine's inputs that it knew.
type knownInput struct {
	path  string
	keys  []string
	value any
}

// knownInputs lists the known leaves of an input value, with their paths:
// the engine's unknowns and the elements under them are left out. A secret
// leaf is {"secret": value}.
func knownInputs(path string, v resource.PropertyValue) []knownInput {
	return walk(path, nil, v)
}

func walk(path string, keys []string, v resource.PropertyValue) []knownInput {
	switch {
	case v.IsComputed(), v.IsOutput() && !v.OutputValue().Known:
		return nil
	case v.IsOutput():
		return walk(path, keys, v.OutputValue().Element)
	case v.IsObject():
		var out []knownInput
		for k, e := range v.ObjectValue() {
			child := string(k)
			if path != "" {
				child = path + "." + child
			}
			out = append(out, walk(child, append(append([]string{}, keys...), string(k)), e)...)
		}
		return out
	case v.IsSecret() && containsUnknown(v.SecretValue().Element):
		return nil
	case v.IsArray() && containsUnknown(v):
		return nil
	}
	return []knownInput{{path: path, keys: keys, value: plainValue(v)}}
}

func containsUnknown(v resource.PropertyValue) bool {
	switch {
	case v.IsComputed(), v.IsOutput() && !v.OutputValue().Known:
		return true
	case v.IsOutput():
		return containsUnknown(v.OutputValue().Element)
	case v.IsSecret():
		return containsUnknown(v.SecretValue().Element)
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			if containsUnknown(e) {
				return true
			}
		}
	case v.IsObject():
		for _, e := range v.ObjectValue() {
			if containsUnknown(e) {
				return true
			}
		}
	}
	return false
}

// plainAt is the plain value at a path of keys, or nil.
func plainAt(v resource.PropertyValue, keys []string) any {
	for _, k := range keys {
		if v.IsOutput() {
			v = v.OutputValue().Element
		}
		if !v.IsObject() {
			return nil
		}
		e, ok := v.ObjectValue()[resource.PropertyKey(k)]
		if !ok {
			return nil
		}
		v = e
	}
	return plainValue(v)
}

// plainValue is a property value as plain Go values, a secret wrapped so
// that secrecy is compared too.
func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsOutput():
		if v.OutputValue().Secret {
			return map[string]any{"secret": plainValue(v.OutputValue().Element)}
		}
		return plainValue(v.OutputValue().Element)
	case v.IsSecret():
		return map[string]any{"secret": plainValue(v.SecretValue().Element)}
	case v.IsArray():
		out := []any{}
		for _, e := range v.ArrayValue() {
			out = append(out, plainValue(e))
		}
		return out
	case v.IsObject():
		out := map[string]any{}
		for k, e := range v.ObjectValue() {
			out[string(k)] = plainValue(e)
		}
		return out
	case v.IsResourceReference():
		return typeAndNameOf(string(v.ResourceReferenceValue().URN))
	}
	return v.Mappable()
}

// The comparison finds a dependency, a protect flag and an input that the
// engine received otherwise than the offline plan shows.
func TestRegistrationComparisonFindsSeededDifferences(t *testing.T) {
	offline := offlineRegistrations(deploy(t, "dev").Stack)
	engine := map[string]registration{}
	for urn, r := range offline {
		engine[urn] = r
	}
	assert.Empty(t, compareRegistrations(offline, engine), "a run agrees with itself")

	release := deploy(t, "dev").one(t, typeRelease, "milvus").URN
	bucket := deploy(t, "dev").one(t, typeBucket, "storage").URN
	sa := deploy(t, "dev").one(t, typeServiceAccount, "milvus").URN

	seeded := engine[release]
	seeded.Dependencies = append([]string{}, seeded.Dependencies[1:]...)
	engine[release] = seeded
	seeded = engine[bucket]
	seeded.Protect = !seeded.Protect
	engine[bucket] = seeded
	seeded = engine[sa]
	seeded.Inputs = seeded.Inputs.Copy()
	seeded.Inputs["metadata"] = resource.NewObjectProperty(resource.PropertyMap{
		"name": resource.NewStringProperty("milvus-s3-access-sa"), "namespace": resource.NewStringProperty("milvus"),
		"annotations": resource.NewObjectProperty(resource.PropertyMap{"eks.amazonaws.com/role-arn": resource.NewStringProperty("arn:aws:iam::000000000000:role/another")}),
	})
	engine[sa] = seeded

	differences := compareRegistrations(offline, engine)
	require.Len(t, differences, 3, "%v", differences)
	assert.Contains(t, differences[0], typeBucket+"::storage protect: offline false, engine true")
	assert.Contains(t, differences[1], typeServiceAccount+"::milvus input metadata.annotations.eks.amazonaws.com/role-arn")
	assert.Contains(t, differences[2], typeRelease+"::milvus dependencies")

	// An input the engine could not know yet is not compared.
	seeded = engine[sa]
	seeded.Inputs = offline[sa].Inputs.Copy()
	seeded.Inputs["metadata"] = resource.MakeComputed(resource.NewStringProperty(""))
	engine[sa] = seeded
	assert.Len(t, compareRegistrations(offline, engine), 2)
}

//go:build engine

package tests

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/approval"
	"github.com/milvus-eks/milvus-eks/infra/offline/approval/previewed"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
	"github.com/milvus-eks/milvus-eks/infra/stack"
)

// The real-engine preview: the program, on the real Pulumi engine (the CLI
// that .ci/engine-tools builds), with the real pulumi-eks component and the
// stand-in providers of tests/engine/standin. Run with:
//
//	eval "$(bash .ci/engine-tools)" && go test -tags engine -run TestRealEnginePreview ./tests
//
// Each stack must preview with no error, and plan exactly the resources the
// offline plan shows (type, name, parent), but for what pulumi-eks' remote
// components create inside themselves, which the mocks only stand in for.
// For every resource both show, what the engine received (its gRPC log) is
// what the mock recorded: parent, provider, dependencies, protect,
// retainOnDelete, delete hooks, and every input known before anything
// exists (compareRegistrations).
func TestRealEnginePreview(t *testing.T) {
	if _, err := exec.LookPath("pulumi"); err != nil {
		t.Fatal("no pulumi CLI on the PATH: run `eval \"$(bash .ci/engine-tools)\"` first")
	}
	for _, name := range plannedStacks {
		t.Run(name, func(t *testing.T) {
			real, registered := realPreview(t, name)
			offline := offlinePlan(t, name)
			require.NotEmpty(t, real)
			assert.Equal(t, offline, real, "%s: the offline plan, left, against the real engine's", name)

			mock, err := run(name, stackConfig(t, name, nil))
			require.NoError(t, err)
			offlineRegistered := offlineRegistrations(mock)
			assert.Empty(t, compareRegistrations(offlineRegistered, registered),
				"%s: what the engine received differs from what the mock recorded", name)
			if name != "shared" {
				assertNodesWaitForTheCNI(t, registered)
			}
			resources, inputs := 0, 0
			for urn := range offlineRegistered {
				if r, ok := registered[urn]; ok {
					resources++
					inputs += len(knownInputs("", resource.NewObjectProperty(r.Inputs)))
				}
			}
			t.Logf("%s: %d resources planned by the real engine, as offline; %d registrations compared, with %d inputs the engine knew",
				name, len(real), resources, inputs)
		})
	}
}

// engineProgram is the program as `pulumi up` runs it, but reading the
// configuration the engine hands an inline program.
func engineProgram(ctx *pulumi.Context) error {
	settings := config.Settings{Values: map[string]string{}, Secret: map[string]bool{}}
	keys := []string{config.RegionKey}
	for _, k := range config.Keys {
		keys = append(keys, k.FullName())
	}
	for _, key := range keys {
		if v, ok := ctx.GetConfig(key); ok {
			settings.Values[key] = v
			settings.Secret[key] = ctx.IsConfigSecret(key)
		}
	}
	return stack.Program(settings)(ctx)
}

// engineStack is a stack of the project on a local backend in a directory
// of its own, with the stack file as its deployer would have it, run
// inline by the real engine; grpcLog is where the engine logs every gRPC
// call.
func engineStack(t *testing.T, name string) (s auto.Stack, grpcLog string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	copyFile(t, filepath.Join(projectDir, "Pulumi.yaml"), filepath.Join(dir, "Pulumi.yaml"))
	stackFile := filepath.Join(projectDir, "Pulumi."+name+".yaml")
	if file, ok := stackfile.Examples[name]; ok {
		stackFile = filepath.Join(projectDir, file)
	}
	copyFile(t, stackFile, filepath.Join(dir, "Pulumi."+name+".yaml"))
	// The project's root holds the vendored charts the releases install.
	require.NoError(t, os.MkdirAll(filepath.Join(dir, charts.Dir), 0o755))
	for _, archive := range charts.Vendored() {
		copyFile(t, filepath.Join(projectDir, archive.Path()), filepath.Join(dir, archive.Path()))
	}
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "state"), 0o755))

	grpcLog = filepath.Join(dir, "grpc.log")
	env := map[string]string{
		// The engine logs every gRPC call, the resource registrations too.
		"PULUMI_DEBUG_GRPC":                           grpcLog,
		"PULUMI_BACKEND_URL":                          "file://" + filepath.Join(dir, "state"),
		"PULUMI_CONFIG_PASSPHRASE":                    "engine-test",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
	}
	for k, v := range eksEndpointsStandIn(t) {
		env[k] = v
	}
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(dir), auto.Program(engineProgram), auto.EnvVars(env))
	require.NoError(t, err)
	s, err = auto.UpsertStack(ctx, name, ws)
	require.NoError(t, err)
	for _, key := range stackfile.DeployerSecrets[name] {
		require.NoError(t, s.SetConfig(ctx, config.FullName(key), auto.ConfigValue{Value: testRootPassword, Secret: true}))
	}
	return s, grpcLog
}

// realPreview previews a stack on a local backend and lists what it plans,
// and what the engine received of each resource.
func realPreview(t *testing.T, name string) ([]string, map[string]registration) {
	t.Helper()
	ctx := context.Background()
	s, grpcLog := engineStack(t, name)

	stream := make(chan events.EngineEvent)
	var planned []step
	var errors []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range stream {
			if d := e.DiagnosticEvent; d != nil && d.Severity == "error" {
				errors = append(errors, d.Message)
			}
			if pre := e.ResourcePreEvent; pre != nil && pre.Metadata.New != nil {
				planned = append(planned, step{typ: pre.Metadata.Type, urn: pre.Metadata.URN, parent: pre.Metadata.New.Parent})
			}
		}
	}()
	_, err := s.Preview(ctx, optpreview.EventStreams(stream))
	<-done
	require.NoError(t, err, "%s: errors: %s", name, strings.Join(errors, "\n"))
	assert.Empty(t, errors, name)
	return declared(planned), engineRegistrations(t, grpcLog)
}

// offlinePlan lists what the offline plan declares.
func offlinePlan(t *testing.T, name string) []string {
	t.Helper()
	p := synthesize(t, name)
	var planned []string
	for _, r := range p.Resources {
		if r.StandInFor == "" {
			planned = append(planned, entry(r.Type, r.URN, r.Parent))
		}
	}
	sort.Strings(planned)
	return planned
}

// entry is one planned resource: "type name, in parent-type parent-name".
func entry(typ, urn, parent string) string {
	return typ + " " + nameOf(urn) + ", in " + typeAndName(parent)
}

func nameOf(urn string) string { return urn[strings.LastIndex(urn, "::")+2:] }

func typeAndName(urn string) string {
	if urn == "" {
		return "nothing"
	}
	parts := strings.Split(urn, "::")
	types := strings.Split(parts[2], "$")
	return types[len(types)-1] + " " + parts[3]
}

// step is one resource the engine plans.
type step struct{ typ, urn, parent string }

// declared keeps what the program itself declares: not the stack, not the
// default providers, and not what a remote component creates inside itself.
func declared(planned []step) []string {
	typeOf := map[string]string{}
	parentOf := map[string]string{}
	for _, s := range planned {
		typeOf[s.urn], parentOf[s.urn] = s.typ, s.parent
	}
	insideRemote := func(urn string) bool {
		for p := parentOf[urn]; p != ""; p = parentOf[p] {
			if remoteComponents[typeOf[p]] {
				return true
			}
		}
		return false
	}
	var out []string
	for _, s := range planned {
		switch {
		case s.typ == "pulumi:pulumi:Stack", strings.HasPrefix(s.typ, "pulumi:providers:") && strings.HasPrefix(nameOf(s.urn), "default"), insideRemote(s.urn):
		default:
			out = append(out, entry(s.typ, s.urn, s.parent))
		}
	}
	sort.Strings(out)
	return out
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, data, 0o644))
}

// The managed node group that pulumi-eks creates inside its component
// depends on the VPC CNI add-on itself (the tag that carries the add-on's
// ARN), so that no node starts before the CNI has its role: a DependsOn on
// the component would not reach it.
func assertNodesWaitForTheCNI(t *testing.T, registered map[string]registration) {
	t.Helper()
	for _, r := range registered {
		if r.Type == "aws:eks/nodeGroup:NodeGroup" {
			assert.Contains(t, r.Dependencies, "aws:eks/addon:Addon::cluster-vpc-cni", "the node group %s, created by pulumi-eks, waits for the CNI add-on", r.Name)
			return
		}
	}
	t.Error("the engine registered no aws:eks/nodeGroup:NodeGroup")
}

// The delivery path of prod, through the real engine and pulumi-eks with
// the stand-ins creating. `pulumi preview --save-plan` then `pulumi up
// --plan` fails on a stack that creates its cluster: pulumi-eks' children
// violate the plan once their references are known (pulumi/pulumi#13765).
// So prod is held to its approved change otherwise (infra/offline/approval,
// verify/cmd/approval): a fresh preview just before `pulumi up` must show
// the approved steps, which a change made after the approval breaks. The
// update then succeeds, and a second one changes nothing.
func TestRealEngineDeliveryToProd(t *testing.T) {
	if _, err := exec.LookPath("pulumi"); err != nil {
		t.Fatal("no pulumi CLI on the PATH: run `eval \"$(bash .ci/engine-tools)\"` first")
	}
	ctx := context.Background()
	for _, name := range plannedStacks {
		t.Run(name, func(t *testing.T) {
			s, _ := engineStack(t, name)
			plan := filepath.Join(t.TempDir(), "plan.json")
			_, err := s.Preview(ctx, optpreview.Plan(plan))
			require.NoError(t, err)
			var out strings.Builder
			_, err = s.Up(ctx, optup.Plan(plan), optup.ProgressStreams(&out))
			if name == "shared" {
				require.NoError(t, err, "a stack that creates no cluster keeps to its plan")
			} else {
				require.Error(t, err, "pulumi/pulumi#13765 is fixed: `up --plan` could replace the approval guard")
				assert.Contains(t, out.String(), "violates plan")
			}

			s, _ = engineStack(t, name)
			approved := previewSteps(t, s)
			require.NotEmpty(t, approval.Changes(approved))
			assert.Empty(t, approval.Differences(approved, previewSteps(t, s)), "the same stack previews the same changes")

			// A change made after the approval: the release's timeout.
			timeout := config.FullName("milvusTimeoutSeconds")
			require.NoError(t, s.SetConfig(ctx, timeout, auto.ConfigValue{Value: "1700"}))
			changed := approval.Differences(approved, previewSteps(t, s))
			assert.Equal(t, []string{"urn:pulumi:" + name + "::milvus::milvus-eks:milvus:Milvus$kubernetes:helm.sh/v3:Release::milvus: create with other inputs than approved"}, changed)
			require.NoError(t, s.RemoveConfig(ctx, timeout))
			assert.Empty(t, approval.Differences(approved, previewSteps(t, s)))

			_, err = s.Up(ctx)
			require.NoError(t, err)
			again, err := s.Up(ctx)
			require.NoError(t, err)
			for op, n := range *again.Summary.ResourceChanges {
				assert.Equal(t, "same", op, "a second update changes nothing, yet %d resources would %s", n, op)
			}
		})
	}
}

// previewSteps previews a stack and returns the steps the preview shows.
func previewSteps(t *testing.T, s auto.Stack) []approval.Step {
	t.Helper()
	stream := make(chan events.EngineEvent)
	var steps []approval.Step
	done := make(chan struct{})
	go func() {
		defer close(done)
		steps = previewed.Steps(stream)
	}()
	_, err := s.Preview(context.Background(), optpreview.EventStreams(stream))
	<-done
	require.NoError(t, err)
	return steps
}

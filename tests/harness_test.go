// Package tests runs the real program, infra/stack, on Pulumi's mock engine
// with each stack's own configuration file, and checks what it declares.
package tests

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/badconfig"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
	"github.com/milvus-eks/milvus-eks/infra/stack"
)

// projectDir holds Pulumi.yaml and the stack files.
const projectDir = ".."

// stacks are the stack files this repository ships.
var stacks = []string{"dev", "prod"}

// The vendored chart archives the components install in their own tests.
var (
	milvusChart, _     = charts.Find(charts.Milvus, "5.0.19")
	controllerChart, _ = charts.Find(charts.LoadBalancerController, "3.5.0")
)

// deployment is one mock run of a stack, with look-ups over what it registered.
type deployment struct {
	*mockcloud.Stack
	name string
}

var (
	runsMu sync.Mutex
	runs   = map[string]*deployment{}
)

// deploy runs the program for a stack file of this repository. Runs are
// shared between tests: the program is deterministic and tests only read.
func deploy(t *testing.T, stackName string) *deployment {
	t.Helper()
	runsMu.Lock()
	defer runsMu.Unlock()
	if d, ok := runs[stackName]; ok {
		return d
	}
	d := deployWith(t, stackName, stackConfig(t, stackName, nil))
	runs[stackName] = d
	return d
}

// stackConfig is a stack file's configuration as a deployer would have it
// (with its DeployerSecrets set), with some keys changed. A change to
// milvus:milvusRootPassword is made as with --secret.
func stackConfig(t *testing.T, stackName string, changes map[string]string) config.Settings {
	t.Helper()
	settings, err := stackfile.DeployerConfig(projectDir, stackName, testRootPassword)
	require.NoError(t, err)
	for k, v := range changes {
		settings.Values[k] = v
		settings.Secret[k] = k == rootPasswordKey
	}
	return settings
}

// rootPasswordKey is the one key tests set as a secret.
const rootPasswordKey = "milvus:milvusRootPassword"

// testRootPassword is the root password tests set where a deployer would.
const testRootPassword = badconfig.TestRootPassword

// deployWith runs the program with the given configuration and expects
// success: a stack that a real cluster would make ready, every release
// deployed and every load balancer with an address.
func deployWith(t *testing.T, stackName string, settings config.Settings) *deployment {
	t.Helper()
	s, err := run(stackName, settings)
	require.NoError(t, err)
	require.Empty(t, s.NotReady(), "%s declares what would never become ready", stackName)
	return &deployment{Stack: s, name: stackName}
}

// run runs the program; options give the mock what exists before it runs
// (an existing cluster, a platform stack).
func run(stackName string, settings config.Settings, options ...mockcloud.Option) (*mockcloud.Stack, error) {
	project, err := stackfile.ReadProject(projectDir)
	if err != nil {
		return nil, err
	}
	return mockcloud.Run(project.Name, stackName, settings, stack.Program(settings), options...)
}

// one returns the only resource of a type with a name, failing the test otherwise.
func (d *deployment) one(t *testing.T, typ, name string) *mockcloud.Resource {
	t.Helper()
	found := d.Named(typ, name)
	require.Len(t, found, 1, "%s: resources of type %s named %s", d.name, typ, name)
	return found[0]
}

// only returns the single resource of a type.
func (d *deployment) only(t *testing.T, typ string) *mockcloud.Resource {
	t.Helper()
	found := d.Of(typ)
	require.Len(t, found, 1, "%s: resources of type %s", d.name, typ)
	return found[0]
}

// standIn returns the resource the mock registered for a remote component's child.
func (d *deployment) standIn(t *testing.T, typ string) *mockcloud.Resource {
	t.Helper()
	for _, r := range d.StandIns {
		if r.Type == typ {
			return r
		}
	}
	t.Fatalf("%s: no stand-in of type %s", d.name, typ)
	return nil
}

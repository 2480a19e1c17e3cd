//go:build integration

package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
	"github.com/milvus-eks/milvus-eks/verify/checks"
)

// projectDir holds Pulumi.yaml and the stack files.
const projectDir = "../.."

// TestDeployAndVerify deploys a throw-away copy of the dev stack to the AWS
// account of the ambient credentials, runs every check of the verify command
// against it, and always destroys it and removes the stack. See
// docs/runbook.md for what it needs and what it costs.
//
//	go -C verify test -tags integration -run TestDeployAndVerify -timeout 2h ./e2e
func TestDeployAndVerify(t *testing.T) {
	ctx := context.Background()
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	require.NoError(t, err)
	if _, err := awsCfg.Credentials.Retrieve(ctx); err != nil {
		t.Skipf("no AWS credentials, so nothing to deploy to: %v", err)
	}

	settings, err := stackfile.StackConfig(projectDir, "dev")
	require.NoError(t, err)
	name := fmt.Sprintf("verify-%d", time.Now().Unix())
	stack, err := auto.UpsertStackLocalSource(ctx, name, projectDir)
	require.NoError(t, err)
	t.Cleanup(func() {
		// Always: a failed check must not leave a cluster running. The
		// program runs, as the engine requires of a stack with a delete hook.
		ctx := context.Background()
		if _, err := stack.Destroy(ctx, optdestroy.RunProgram(true), optdestroy.ProgressStreams(os.Stdout)); err != nil {
			t.Errorf("destroying stack %s failed; destroy it by hand: %v", name, err)
			return
		}
		if err := stack.Workspace().RemoveStack(ctx, name); err != nil {
			t.Errorf("removing stack %s: %v", name, err)
		}
	})

	config := auto.ConfigMap{}
	for key, value := range settings.Values {
		config[key] = auto.ConfigValue{Value: value, Secret: settings.Secret[key]}
	}
	// A cluster and a load balancer of its own, beside any real dev stack.
	config["milvus:clusterName"] = auto.ConfigValue{Value: name}
	config["milvus:loadBalancerName"] = auto.ConfigValue{Value: name}
	require.NoError(t, stack.SetAllConfig(ctx, config))

	_, err = stack.Up(ctx, optup.ProgressStreams(os.Stdout))
	require.NoError(t, err)

	out, err := checks.StackOutputs(ctx, stack)
	require.NoError(t, err)
	clients, closeClients, err := checks.Connect(ctx, out, time.Minute)
	require.NoError(t, err)
	defer closeClients()

	results := checks.Run(ctx, clients, out, checks.Options{CallTimeout: time.Minute, DataPathTimeout: 15 * time.Minute})
	for _, r := range results {
		t.Log(r)
		if !r.Passed {
			t.Fail()
		}
	}
}

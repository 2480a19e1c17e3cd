//go:build integration

package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/milvus-io/milvus/client/v2/milvusclient"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/milvus-eks/milvus-eks/infra/components/backup/backupjob"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
	"github.com/milvus-eks/milvus-eks/verify/checks"
	"github.com/milvus-eks/milvus-eks/verify/restore"
)

// projectDir holds Pulumi.yaml and the stack files.
const projectDir = "../.."

// TestDeployAndVerify deploys a throw-away copy of the dev stack, with
// backups, to the AWS account of the ambient credentials, runs every check
// of the verify command against it and a backup and restore round trip,
// and always destroys it and removes the stack. See
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
	// Backups on, into a bucket of their own, for the restore round trip.
	config["milvus:backup"] = auto.ConfigValue{Value: `{"enabled": true}`}
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
	assertRestoreRoundTrip(ctx, t, out, clients.Kubernetes)
}

// assertRestoreRoundTrip backs a collection up with the stack's own
// CronJob template, drops it, restores it with `make restore`'s Job, and
// compares the row counts.
func assertRestoreRoundTrip(ctx context.Context, t *testing.T, out checks.Outputs, kube kubernetes.Interface) {
	t.Helper()
	db, err := checks.NewMilvusClient(ctx, out)
	require.NoError(t, err)
	defer db.Close(ctx)

	name := fmt.Sprintf("restore_test_%d", time.Now().Unix())
	require.NoError(t, db.CreateCollection(ctx, milvusclient.SimpleCreateCollectionOptions(name, 8)))
	vectors := make([][]float32, 500)
	for i := range vectors {
		vectors[i] = []float32{float32(i), 1, 2, 3, 4, 5, 6, 7}
	}
	_, err = db.Insert(ctx, milvusclient.NewColumnBasedInsertOption(name).WithFloatVectorColumn("vector", 8, vectors))
	require.NoError(t, err)
	flush, err := db.Flush(ctx, milvusclient.NewFlushOption(name))
	require.NoError(t, err)
	require.NoError(t, flush.Await(ctx))
	before, err := db.GetCollectionStats(ctx, milvusclient.NewGetCollectionStatsOption(name))
	require.NoError(t, err)

	cronJob, err := kube.BatchV1().CronJobs(out.MilvusNamespace).Get(ctx, out.BackupCronJob, metav1.GetOptions{})
	require.NoError(t, err)
	backupName := fmt.Sprintf("%s%s", backupjob.NamePrefix, time.Now().UTC().Format("2006_01_02_15_04_05"))
	run := func(jobName string, what restore.Run) {
		job, err := restore.JobFrom(cronJob, jobName, what)
		require.NoError(t, err)
		log, err := restore.Execute(ctx, kube, job, 5*time.Second)
		t.Log(log)
		require.NoError(t, err)
	}
	run(out.BackupCronJob+"-e2e-backup", restore.Run{Args: []string{"create", "-n", backupName}})
	require.NoError(t, db.DropCollection(ctx, milvusclient.NewDropCollectionOption(name)))
	what, err := restore.RestoreOf(backupjob.Restore{Backup: backupName, Collections: []string{name}})
	require.NoError(t, err)
	run(out.BackupCronJob+"-e2e-restore", what)

	after, err := db.GetCollectionStats(ctx, milvusclient.NewGetCollectionStatsOption(name))
	require.NoError(t, err)
	assert.Equal(t, "500", before["row_count"])
	assert.Equal(t, before["row_count"], after["row_count"], "the restored collection has the rows backed up")
	require.NoError(t, db.DropCollection(ctx, milvusclient.NewDropCollectionOption(name)))
}

package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/milvus-eks/milvus-eks/infra/components/backup/backupjob"
	"github.com/milvus-eks/milvus-eks/verify/checks"
	"github.com/milvus-eks/milvus-eks/verify/restore"
)

// Bad requests are refused before the stack is read, naming what is wrong.
func TestRunRefusesBadRequests(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{args: []string{"-stack", "prod"}, err: "usage: restore -stack NAME (-list | -backup NAME [-collections A,B] [-suffix S]) [-dir DIR] [-timeout D]\n"},
		{args: []string{"-stack", "prod", "-list", "-backup", "b"}, err: "usage: restore -stack NAME (-list | -backup NAME [-collections A,B] [-suffix S]) [-dir DIR] [-timeout D]\n"},
		{args: []string{"-stack", "prod", "-backup", "b", "-suffix", "-x"}, err: "restore: SUFFIX \"-x\": letters, digits and '_' only, as in a collection's name\n"},
	} {
		var stdout, stderr bytes.Buffer
		assert.Equal(t, 2, run(tc.args, &stdout, &stderr))
		assert.Equal(t, tc.err, stderr.String())
	}
}

// The run's Job is named for the stack's CronJob, the verb and the time.
func TestRunOnceNamesTheJob(t *testing.T) {
	client := fake.NewClientset(&batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "milvus-backup", Namespace: "milvus"}})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	out := checks.Outputs{MilvusNamespace: "milvus", BackupCronJob: "milvus-backup"}
	_, err := runOnce(ctx, client, out, restore.ListBackups, time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC))
	assert.ErrorContains(t, err, `has no container "milvus-backup"`)

	cronJob, _ := client.BatchV1().CronJobs("milvus").Get(ctx, "milvus-backup", metav1.GetOptions{})
	cronJob.Spec.JobTemplate.Spec.Template.Spec.Containers = append(cronJob.Spec.JobTemplate.Spec.Template.Spec.Containers, containerOfTheTool())
	_, err = client.BatchV1().CronJobs("milvus").Update(ctx, cronJob, metav1.UpdateOptions{})
	require.NoError(t, err)
	_, err = runOnce(ctx, client, out, restore.ListBackups, time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC))
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the fake Job never finishes")
	_, err = client.BatchV1().Jobs("milvus").Get(context.Background(), "milvus-backup-list-20261203-093000", metav1.GetOptions{})
	assert.NoError(t, err)
}

func containerOfTheTool() corev1.Container {
	return corev1.Container{Name: backupjob.ContainerName}
}

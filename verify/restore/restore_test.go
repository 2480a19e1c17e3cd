package restore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/milvus-eks/milvus-eks/infra/components/backup/backupjob"
)

// cronJob is the backup CronJob as the backup component declares it, in
// the parts a restore keeps or replaces.
func cronJob() *batchv1.CronJob {
	labels := backupjob.PodLabels("milvus")
	one := int32(1)
	return &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "milvus-backup", Namespace: "milvus",
			Annotations: map[string]string{backupjob.RestoreServiceAccountAnnotation: "milvus-restore"}},
		Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", JobTemplate: batchv1.JobTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: labels},
			Spec: batchv1.JobSpec{BackoffLimit: &one, Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					ServiceAccountName: "milvus-backup",
					RestartPolicy:      corev1.RestartPolicyNever,
					Containers: []corev1.Container{{
						Name: backupjob.ContainerName, Image: "milvusdb/milvus-backup:v0.5.16",
						Command: []string{"/bin/sh", "-c", backupjob.Script(7)},
						Env:     []corev1.EnvVar{{Name: "MILVUS_PASSWORD"}},
					}},
				},
			}},
		}},
	}
}

// A restore's Job is the CronJob's template with the tool's restore
// arguments in place of the script, under the restore ServiceAccount, and
// no retry; everything else is kept.
func TestJobFromARestore(t *testing.T) {
	run, err := RestoreOf(backupjob.Restore{Backup: "backup_2026_12_03_03_00_00", Collections: []string{"docs"}, Suffix: "_r"})
	require.NoError(t, err)
	job, err := JobFrom(cronJob(), "milvus-restore-1", run)
	require.NoError(t, err)

	want := cronJob().Spec.JobTemplate.Spec
	none := int32(0)
	want.BackoffLimit = &none
	want.Template.Spec.ServiceAccountName = "milvus-restore"
	want.Template.Spec.Containers[0].Command = []string{"/app/milvus-backup"}
	want.Template.Spec.Containers[0].Args = []string{"restore", "-n", "backup_2026_12_03_03_00_00", "--filter", "docs", "-s", "_r"}
	assert.Equal(t, want, job.Spec)
	assert.Equal(t, metav1.ObjectMeta{Name: "milvus-restore-1", Namespace: "milvus", Labels: backupjob.PodLabels("milvus"),
		Annotations: map[string]string{"cronjob.kubernetes.io/instantiate": "manual"}}, job.ObjectMeta)
}

// A listing runs under the backup job's own ServiceAccount.
func TestJobFromAListing(t *testing.T) {
	job, err := JobFrom(cronJob(), "milvus-list-1", ListBackups)
	require.NoError(t, err)
	assert.Equal(t, "milvus-backup", job.Spec.Template.Spec.ServiceAccountName)
	assert.Equal(t, []string{"list"}, job.Spec.Template.Spec.Containers[0].Args)
}

func TestJobFromRefusesAForeignCronJob(t *testing.T) {
	other := cronJob()
	other.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Name = "main"
	_, err := JobFrom(other, "x", ListBackups)
	assert.EqualError(t, err, `the CronJob milvus/milvus-backup has no container "milvus-backup": is it this project's backup CronJob?`)

	unannotated := cronJob()
	unannotated.Annotations = nil
	_, err = JobFrom(unannotated, "x", Run{Args: []string{"restore", "-n", "b"}, Restores: true})
	assert.EqualError(t, err, "the CronJob milvus/milvus-backup has no milvus-eks.io/restore-service-account annotation: deploy the stack's backups again")
}

// Execute creates the Job and reports its outcome with its pod's log; the
// fake API server's Job finishes when the test says so.
func TestExecute(t *testing.T) {
	for _, tc := range []struct {
		name      string
		condition batchv1.JobConditionType
		failed    bool
	}{
		{name: "complete", condition: batchv1.JobComplete},
		{name: "failed", condition: batchv1.JobFailed, failed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := fake.NewClientset()
			gets := 0
			client.PrependReactor("get", "jobs", func(action k8stesting.Action) (bool, runtime.Object, error) {
				gets++
				job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "milvus-restore-1", Namespace: "milvus"}}
				if gets > 2 {
					job.Status.Conditions = []batchv1.JobCondition{{Type: tc.condition, Status: corev1.ConditionTrue}}
				}
				return true, job, nil
			})
			_, err := client.CoreV1().Pods("milvus").Create(context.Background(), &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
				Name: "milvus-restore-1-abcde", Namespace: "milvus", Labels: map[string]string{batchv1.JobNameLabel: "milvus-restore-1"}}}, metav1.CreateOptions{})
			require.NoError(t, err)
			job, err := JobFrom(cronJob(), "milvus-restore-1", ListBackups)
			require.NoError(t, err)

			log, err := Execute(context.Background(), client, job, time.Millisecond)
			assert.Equal(t, "fake logs", log) // client-go's fake log
			if tc.failed {
				assert.ErrorIs(t, err, ErrFailed)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, 3, gets)
			created, err := client.Tracker().Get(batchv1.SchemeGroupVersion.WithResource("jobs"), "milvus", "milvus-restore-1")
			require.NoError(t, err)
			assert.Equal(t, []string{"list"}, created.(*batchv1.Job).Spec.Template.Spec.Containers[0].Args)
		})
	}
}

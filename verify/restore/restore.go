// Package restore runs milvus-backup once, in the cluster, from the backup
// CronJob's own template: the same image, configuration, resources and
// security context, so that a restore runs as the backups do. A restore
// runs under the restore ServiceAccount the CronJob names; a listing of
// the backups under the backup job's own.
package restore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/milvus-eks/milvus-eks/infra/components/backup/backupjob"
)

// Run is one run of the tool: its arguments, and whether it restores.
type Run struct {
	Args []string
	// Restores runs it under the restore ServiceAccount, whose role may
	// write the copies a restore makes in Milvus' bucket.
	Restores bool
}

// ListBackups lists the backups in the backup bucket.
var ListBackups = Run{Args: []string{"list"}}

// RestoreOf is the run that restores r.
func RestoreOf(r backupjob.Restore) (Run, error) {
	args, err := r.Args()
	return Run{Args: args, Restores: true}, err
}

// JobFrom is the one-off Job named name for run, made from the CronJob's
// job template: the tool's container runs the tool with run's arguments
// instead of the backup script, no retry, and for a restore, under the
// ServiceAccount the CronJob's annotation names.
func JobFrom(cronJob *batchv1.CronJob, name string, run Run) (*batchv1.Job, error) {
	template := cronJob.Spec.JobTemplate.DeepCopy()
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Namespace:   cronJob.Namespace,
			Labels:      template.Labels,
			Annotations: map[string]string{"cronjob.kubernetes.io/instantiate": "manual"},
		},
		Spec: template.Spec,
	}
	none := int32(0)
	job.Spec.BackoffLimit = &none
	pod := &job.Spec.Template.Spec
	found := false
	for i := range pod.Containers {
		if pod.Containers[i].Name == backupjob.ContainerName {
			pod.Containers[i].Command = []string{backupjob.Binary}
			pod.Containers[i].Args = run.Args
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("the CronJob %s/%s has no container %q: is it this project's backup CronJob?", cronJob.Namespace, cronJob.Name, backupjob.ContainerName)
	}
	if run.Restores {
		account := cronJob.Annotations[backupjob.RestoreServiceAccountAnnotation]
		if account == "" {
			return nil, fmt.Errorf("the CronJob %s/%s has no %s annotation: deploy the stack's backups again", cronJob.Namespace, cronJob.Name, backupjob.RestoreServiceAccountAnnotation)
		}
		pod.ServiceAccountName = account
	}
	return job, nil
}

// ErrFailed says that the Job ran and failed; its log says why.
var ErrFailed = errors.New("the job failed")

// Execute creates the Job, waits until it completes or fails (polling
// every poll), and returns its pod's log: with ErrFailed when it failed,
// and the context's error when it ran out of time, in which case the Job
// is left running for its own deadline.
func Execute(ctx context.Context, client kubernetes.Interface, job *batchv1.Job, poll time.Duration) (string, error) {
	jobs := client.BatchV1().Jobs(job.Namespace)
	if _, err := jobs.Create(ctx, job, metav1.CreateOptions{}); err != nil {
		return "", fmt.Errorf("creating the Job %s/%s: %w", job.Namespace, job.Name, err)
	}
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	for {
		current, err := jobs.Get(ctx, job.Name, metav1.GetOptions{})
		if err != nil {
			return "", fmt.Errorf("reading the Job %s/%s: %w", job.Namespace, job.Name, err)
		}
		if done, failed := finished(current); done {
			log, logErr := podLog(ctx, client, job)
			if failed {
				return log, errors.Join(ErrFailed, logErr)
			}
			return log, logErr
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for the Job %s/%s (it keeps running; kubectl logs -n %s job/%s): %w", job.Namespace, job.Name, job.Namespace, job.Name, ctx.Err())
		case <-ticker.C:
		}
	}
}

// finished reads a Job's conditions.
func finished(job *batchv1.Job) (done, failed bool) {
	for _, c := range job.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			return true, false
		case batchv1.JobFailed:
			return true, true
		}
	}
	return false, false
}

// podLog is the log of the Job's last pod.
func podLog(ctx context.Context, client kubernetes.Interface, job *batchv1.Job) (string, error) {
	pods, err := client.CoreV1().Pods(job.Namespace).List(ctx, metav1.ListOptions{LabelSelector: batchv1.JobNameLabel + "=" + job.Name})
	if err != nil || len(pods.Items) == 0 {
		return "", fmt.Errorf("finding the Job's pod (kubectl logs -n %s job/%s): %v", job.Namespace, job.Name, err)
	}
	last := pods.Items[0]
	for _, p := range pods.Items[1:] {
		if p.CreationTimestamp.After(last.CreationTimestamp.Time) {
			last = p
		}
	}
	stream, err := client.CoreV1().Pods(job.Namespace).GetLogs(last.Name, &corev1.PodLogOptions{Container: backupjob.ContainerName}).Stream(ctx)
	if err != nil {
		return "", fmt.Errorf("reading the log of pod %s: %w", last.Name, err)
	}
	defer stream.Close()
	var out bytes.Buffer
	_, err = io.Copy(&out, stream)
	return out.String(), err
}

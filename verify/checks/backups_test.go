package checks

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
)

const (
	backupBucket  = "milvus-backups-20261203"
	backupRoleArn = "arn:aws:iam::111122223333:role/backup-5e1f"
)

var checkedAt = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

// backupBucketS3 serves a backup bucket's keys, with the common prefixes
// of a listing by "/".
type backupBucketS3 struct{ keys []string }

func (b backupBucketS3) GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	return nil, fmt.Errorf("not used")
}

func (b backupBucketS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	if aws.ToString(in.Bucket) != backupBucket {
		return nil, fmt.Errorf("NoSuchBucket: %s", aws.ToString(in.Bucket))
	}
	out := &s3.ListObjectsV2Output{}
	seen := map[string]bool{}
	for _, key := range b.keys {
		rest, ok := strings.CutPrefix(key, aws.ToString(in.Prefix))
		if !ok {
			continue
		}
		if d := aws.ToString(in.Delimiter); d != "" && strings.Contains(rest, d) {
			p := aws.ToString(in.Prefix) + rest[:strings.Index(rest, d)+1]
			if !seen[p] {
				seen[p] = true
				out.CommonPrefixes = append(out.CommonPrefixes, s3types.CommonPrefix{Prefix: aws.String(p)})
			}
			continue
		}
		out.Contents = append(out.Contents, s3types.Object{Key: aws.String(key)})
	}
	return out, nil
}

// backupWorld is a stack's backups that pass every check: a daily CronJob
// that last succeeded this morning, and its two newest backups finished.
type backupWorld struct {
	cronJob *batchv1.CronJob
	account *corev1.ServiceAccount
	keys    []string
}

func healthyBackups() *backupWorld {
	last := metav1.NewTime(time.Date(2026, 12, 3, 3, 4, 0, 0, time.UTC))
	return &backupWorld{
		cronJob: &batchv1.CronJob{
			ObjectMeta: metav1.ObjectMeta{Name: "milvus-backup", Namespace: "milvus", CreationTimestamp: metav1.NewTime(checkedAt.AddDate(0, -1, 0))},
			Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{
				Spec: corev1.PodSpec{ServiceAccountName: "milvus-backup"}}}}},
			Status: batchv1.CronJobStatus{LastSuccessfulTime: &last},
		},
		account: &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "milvus-backup", Namespace: "milvus",
			Annotations: map[string]string{trust.RoleArnAnnotation: backupRoleArn}}},
		keys: []string{
			"backups/backup_2026_12_02_03_00_00/meta/backup_meta.json",
			"backups/backup_2026_12_03_03_00_00/binlogs/insert_log/1/2/3/3/100/1",
			"backups/backup_2026_12_03_03_00_00/meta/backup_meta.json",
			"backups/before_upgrade/meta/backup_meta.json",
		},
	}
}

func (w *backupWorld) failures() map[string]string {
	var objects []runtime.Object
	if w.cronJob != nil {
		objects = append(objects, w.cronJob)
	}
	objects = append(objects, w.account)
	out := Outputs{MilvusNamespace: "milvus", BackupCronJob: "milvus-backup", BackupBucketName: backupBucket, BackupPrefix: "backups", BackupRoleArn: backupRoleArn}
	failed := map[string]string{}
	for _, r := range CheckBackups(context.Background(), fake.NewClientset(objects...), backupBucketS3{w.keys}, out, Options{Now: checkedAt, CallTimeout: time.Second}) {
		if !r.Passed {
			failed[r.Check] = r.Found
		}
	}
	return failed
}

func TestCheckBackups(t *testing.T) {
	const (
		job     = "the backup CronJob milvus/milvus-backup"
		lastRun = job + "'s last successful run"
		newest  = "the newest backup in s3://" + backupBucket + "/backups/"
	)
	for _, tc := range []struct {
		name   string
		change func(*backupWorld)
		failed map[string]string
	}{
		{name: "healthy", change: func(*backupWorld) {}, failed: map[string]string{}},
		{name: "no CronJob", change: func(w *backupWorld) { w.cronJob = nil },
			failed: map[string]string{job: `cronjobs.batch "milvus-backup" not found`}},
		{name: "the ServiceAccount names another role", change: func(w *backupWorld) { w.account.Annotations[trust.RoleArnAnnotation] = roleArn },
			failed: map[string]string{job + "'s ServiceAccount milvus-backup": `"` + roleArn + `"`}},
		{name: "last success three days ago", change: func(w *backupWorld) {
			stale := metav1.NewTime(checkedAt.Add(-72 * time.Hour))
			w.cronJob.Status.LastSuccessfulTime = &stale
		}, failed: map[string]string{lastRun: "2026-11-30T09:00:00Z, 72h0m0s ago: see kubectl get jobs -n milvus"}},
		{name: "never succeeded", change: func(w *backupWorld) { w.cronJob.Status.LastSuccessfulTime = nil },
			failed: map[string]string{lastRun: "none since it was created, 720h0m0s ago"}},
		{name: "new, nothing due yet", change: func(w *backupWorld) {
			w.cronJob.Status.LastSuccessfulTime = nil
			w.cronJob.CreationTimestamp = metav1.NewTime(checkedAt.Add(-time.Hour))
		}, failed: map[string]string{}},
		{name: "empty prefix", change: func(w *backupWorld) { w.keys = []string{"backups/before_upgrade/meta/backup_meta.json"} },
			failed: map[string]string{newest: "no backup"}},
		{name: "newest unfinished", change: func(w *backupWorld) { w.keys = w.keys[:2] },
			failed: map[string]string{newest: "absent: the backup did not finish"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := healthyBackups()
			tc.change(w)
			assert.Equal(t, tc.failed, w.failures())
		})
	}
}

package checks

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/milvus-eks/milvus-eks/infra/components/backup/backupjob"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/schedule"
)

// CheckBackups checks the backups of a stack that runs them: the CronJob
// runs under its ServiceAccount, which names the backup role; its last
// successful run is no older than twice the longest gap of its schedule
// (one missed run is tolerated, two are not); and the newest of its backups
// has its metadata in the backup bucket.
func CheckBackups(ctx context.Context, k Kubernetes, s S3, out Outputs, o Options) []Result {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	ns, name := out.MilvusNamespace, out.BackupCronJob
	jobCheck := fmt.Sprintf("the backup CronJob %s/%s", ns, name)
	cronJob, err := call(ctx, o, func(ctx context.Context) (*batchv1.CronJob, error) {
		return k.BatchV1().CronJobs(ns).Get(ctx, name, metav1.GetOptions{})
	})
	if err != nil {
		return []Result{fail(jobCheck, "present", err.Error())}
	}
	account := cronJob.Spec.JobTemplate.Spec.Template.Spec.ServiceAccountName
	accountCheck := fmt.Sprintf("%s's ServiceAccount %s", jobCheck, account)
	var results []Result
	sa, err := call(ctx, o, func(ctx context.Context) (*corev1.ServiceAccount, error) {
		return k.CoreV1().ServiceAccounts(ns).Get(ctx, account, metav1.GetOptions{})
	})
	switch {
	case err != nil:
		results = append(results, fail(accountCheck, "annotated with "+out.BackupRoleArn, err.Error()))
	case sa.Annotations[trust.RoleArnAnnotation] != out.BackupRoleArn:
		results = append(results, fail(accountCheck, "annotated with "+out.BackupRoleArn, fmt.Sprintf("%q", sa.Annotations[trust.RoleArnAnnotation])))
	default:
		results = append(results, pass(accountCheck, "annotated with "+out.BackupRoleArn, "it"))
	}
	results = append(results, checkLastSuccess(jobCheck, cronJob, now))
	return append(results, checkNewestBackup(ctx, s, out, o))
}

// checkLastSuccess holds the CronJob's last success to twice its
// schedule's longest gap; a CronJob younger than that may not have run.
func checkLastSuccess(jobCheck string, cronJob *batchv1.CronJob, now time.Time) Result {
	check := jobCheck + "'s last successful run"
	parsed, err := schedule.Parse(cronJob.Spec.Schedule)
	if err != nil {
		return fail(check, "a schedule", fmt.Sprintf("%q: %v", cronJob.Spec.Schedule, err))
	}
	limit := 2 * parsed.LongestGap(now)
	expected := fmt.Sprintf("within %s (twice the longest gap of %q)", limit, cronJob.Spec.Schedule)
	last := cronJob.Status.LastSuccessfulTime
	switch {
	case last != nil && now.Sub(last.Time) <= limit:
		return pass(check, expected, last.UTC().Format(time.RFC3339))
	case last != nil:
		return fail(check, expected, fmt.Sprintf("%s, %s ago: see kubectl get jobs -n %s", last.UTC().Format(time.RFC3339), now.Sub(last.Time).Round(time.Minute), cronJob.Namespace))
	case now.Sub(cronJob.CreationTimestamp.Time) <= limit:
		return pass(check, expected, "none yet, and none due: the CronJob is newer than that")
	default:
		return fail(check, expected, fmt.Sprintf("none since it was created, %s ago", now.Sub(cronJob.CreationTimestamp.Time).Round(time.Minute)))
	}
}

// checkNewestBackup finds the newest of the job's backups under the
// prefix and looks for its metadata, which milvus-backup writes last.
func checkNewestBackup(ctx context.Context, s S3, out Outputs, o Options) Result {
	prefix := strings.TrimSuffix(out.BackupPrefix, "/") + "/"
	check := fmt.Sprintf("the newest backup in s3://%s/%s", out.BackupBucketName, prefix)
	listing, err := call(ctx, o, func(ctx context.Context) (*s3.ListObjectsV2Output, error) {
		return s.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(out.BackupBucketName), Prefix: aws.String(prefix), Delimiter: aws.String("/")})
	})
	if err != nil {
		return fail(check, "its metadata", err.Error())
	}
	var names []string
	for _, p := range listing.CommonPrefixes {
		name := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(p.Prefix), prefix), "/")
		if backupjob.ScheduledName.MatchString(name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return fail(check, "its metadata", "no backup")
	}
	newest := slices.Max(names)
	meta := prefix + newest + "/" + backupjob.MetaFile
	objects, err := call(ctx, o, func(ctx context.Context) (*s3.ListObjectsV2Output, error) {
		return s.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(out.BackupBucketName), Prefix: aws.String(meta)})
	})
	switch {
	case err != nil:
		return fail(check, meta, err.Error())
	case len(objects.Contents) == 0:
		return fail(check, meta, "absent: the backup did not finish")
	default:
		return pass(check, meta, newest)
	}
}

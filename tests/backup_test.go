package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/milvus-eks/milvus-eks/infra/components/backup"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// prod runs backups, dev does not.
func TestBackupsPerStack(t *testing.T) {
	assert.Empty(t, deploy(t, "dev").Of(backup.TypeToken), "dev runs no backups")
	assert.Len(t, deploy(t, "prod").Of(backup.TypeToken), 1, "prod runs backups")
}

func TestBackupDependencies(t *testing.T) {
	// prod's backups: each ServiceAccount waits for its role and policy,
	// the CronJob for the backup role, its ConfigMap and Milvus' namespace.
	d := deploy(t, "prod")
	for account, role := range map[string]string{"backup": "backup", "backup-restore": "backup-restore"} {
		sa := d.one(t, typeServiceAccount, account)
		assert.True(t, sa.DependsOn(d.one(t, typeRole, role)) && sa.DependsOn(d.one(t, typeAttachment, role+"-s3")), account)
	}
	cronJob := d.only(t, typeCronJob)
	for _, dep := range []*mockcloud.Resource{d.one(t, typeRole, "backup"), d.one(t, typeServiceAccount, "backup"),
		d.one(t, typeServiceAccount, "backup-restore"), d.only(t, typeConfigMap), d.one(t, typeNamespace, "milvus")} {
		assert.True(t, cronJob.DependsOn(dep), "the CronJob waits for %s %s", dep.Type, dep.Name)
	}
}

func TestBackupOutputs(t *testing.T) {
	got := map[string]any{}
	for name, value := range deploy(t, "prod").Outputs {
		if strings.HasPrefix(name, "backup") || strings.HasPrefix(name, "restore") {
			got[name] = value
		}
	}
	assert.Equal(t, map[string]any{
		"backupBucketName": "milvus-backups-" + mockcloud.BucketSuffix,
		"backupPrefix":     "backups",
		"backupCronJob":    "milvus-backup",
		"backupRoleArn":    "arn:aws:iam::000000000000:role/backup",
		"restoreRoleArn":   "arn:aws:iam::000000000000:role/backup-restore",
	}, got)
}

package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/backup"
	"github.com/milvus-eks/milvus-eks/infra/components/backup/backupfile"
	"github.com/milvus-eks/milvus-eks/infra/components/backup/backupjob"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/components/storage"
	"github.com/milvus-eks/milvus-eks/infra/components/storage/s3policy"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

const milvusBucketArn = "arn:aws:s3:::milvus-bucket-abc"

func declareBackup(t *testing.T, args backup.Args) *mockcloud.Stack {
	t.Helper()
	s, err := mockcloud.RunPart("us-east-2", func(ctx *pulumi.Context) error {
		access, err := mockcloud.ClusterAccess(ctx, nil)
		if err != nil {
			return err
		}
		args.Cluster = access
		args.Namespace = pulumi.String(args.NamespaceName).ToStringOutput()
		args.MilvusBucketName = pulumi.String("milvus-bucket-abc")
		args.MilvusBucketArn = pulumi.String(milvusBucketArn)
		_, err = backup.New(ctx, "backup", args)
		return err
	})
	require.NoError(t, err)
	return s
}

var backupArgs = backup.Args{
	NamespaceName: "milvus", ReleaseName: "milvus", Region: "us-east-2",
	Schedule: "0 3 * * *", Keep: 7, Image: "milvusdb/milvus-backup:v0.5.16",
	Prefix: "backups", RootPath: "milvus", Authentication: true,
}

// Backups in a bucket of their own: the bucket, two roles each with its
// policy and only its ServiceAccount in its trust, the config, and the
// CronJob exactly.
func TestBackupComponentSeparateBucket(t *testing.T) {
	args := backupArgs
	args.Bucket = &storage.Args{NamePrefix: "milvus-backups-", Versioning: true, NoncurrentVersionDays: 30}
	s := declareBackup(t, args)

	assert.Len(t, s.Of(typeBucket), 1)
	backupBucketArn := "arn:aws:s3:::milvus-backups-" + mockcloud.BucketSuffix
	buckets := s3policy.Buckets{MilvusArn: milvusBucketArn, RootPath: "milvus", BackupArn: backupBucketArn, BackupPrefix: "backups"}
	policies := map[string]string{}
	for _, p := range s.Of(typePolicy) {
		policies[p.Name] = p.Input("policy").StringValue()
	}
	require.Len(t, policies, 2)
	assert.JSONEq(t, s3policy.BackupAccess(buckets).JSON(), policies["backup-s3"])
	assert.JSONEq(t, s3policy.RestoreAccess(buckets).JSON(), policies["backup-restore-s3"])

	subjects := map[string]string{}
	for _, r := range s.Of(typeRole) {
		var doc struct {
			Statement []struct {
				Condition map[string]map[string]string
			}
		}
		require.NoError(t, json.Unmarshal([]byte(r.Input("assumeRolePolicy").StringValue()), &doc))
		for k, v := range doc.Statement[0].Condition["StringEquals"] {
			if len(k) > 4 && k[len(k)-4:] == ":sub" {
				subjects[r.Name] = v
			}
		}
	}
	assert.Equal(t, map[string]string{
		"backup":         "system:serviceaccount:milvus:milvus-backup",
		"backup-restore": "system:serviceaccount:milvus:milvus-restore",
	}, subjects)
	for _, sa := range s.Of(typeServiceAccount) {
		assert.NotEmpty(t, sa.Input("metadata", "annotations", trust.RoleArnAnnotation).StringValue(), sa.Name)
		assert.False(t, sa.Input("automountServiceAccountToken").BoolValue())
	}

	configMap := s.Of(typeConfigMap)
	require.Len(t, configMap, 1)
	assert.Equal(t, backupfile.Of(backupfile.Settings{
		Region: "us-east-2", MilvusHost: "milvus", Port: 19530, ManagementPort: 9091,
		MilvusBucket: "milvus-bucket-abc", RootPath: "milvus",
		BackupBucket: "milvus-backups-" + mockcloud.BucketSuffix, BackupPrefix: "backups",
	}).YAML(), configMap[0].Input("data", "backup.yaml").StringValue())

	cronJobs := s.Of(typeCronJob)
	require.Len(t, cronJobs, 1)
	spec, err := json.Marshal(mockcloud.Plain(cronJobs[0].Input("spec")))
	require.NoError(t, err)
	labels := `{"app.kubernetes.io/component": "backup", "app.kubernetes.io/instance": "milvus", "app.kubernetes.io/name": "milvus-backup"}`
	script, _ := json.Marshal(backupjob.Script(7))
	assert.JSONEq(t, `{
	  "schedule": "0 3 * * *", "timeZone": "Etc/UTC", "concurrencyPolicy": "Forbid", "startingDeadlineSeconds": 3600,
	  "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 3,
	  "jobTemplate": {"metadata": {"labels": `+labels+`}, "spec": {
	    "backoffLimit": 1, "activeDeadlineSeconds": 21600,
	    "template": {"metadata": {"labels": `+labels+`}, "spec": {
	      "serviceAccountName": "milvus-backup", "automountServiceAccountToken": false, "restartPolicy": "Never",
	      "securityContext": {"runAsNonRoot": true, "runAsUser": 65534, "runAsGroup": 65534, "fsGroup": 65534, "seccompProfile": {"type": "RuntimeDefault"}},
	      "containers": [{
	        "name": "milvus-backup", "image": "milvusdb/milvus-backup:v0.5.16",
	        "command": ["/bin/sh", "-c", `+string(script)+`],
	        "env": [{"name": "MILVUS_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "milvus-root-password", "key": "password"}}}],
	        "resources": {"requests": {"cpu": "250m", "memory": "256Mi", "ephemeral-storage": "128Mi"}, "limits": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "512Mi"}},
	        "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"]}},
	        "volumeMounts": [
	          {"name": "config", "mountPath": "/app/configs/backup.yaml", "subPath": "backup.yaml", "readOnly": true},
	          {"name": "tmp", "mountPath": "/tmp"}]}],
	      "volumes": [
	        {"name": "config", "configMap": {"name": "milvus-backup-config"}},
	        {"name": "tmp", "emptyDir": {"sizeLimit": "512Mi"}}]}}}}
	}`, string(spec))
	assert.Equal(t, "milvus-restore", cronJobs[0].Input("metadata", "annotations", backupjob.RestoreServiceAccountAnnotation).StringValue())

	var policyNames []string
	for _, p := range s.Of(typeNetworkPolicy) {
		policyNames = append(policyNames, p.Name)
	}
	assert.ElementsMatch(t, []string{"milvus-backup", "milvus-backup-management"}, policyNames)
}

// Backups in Milvus' bucket: no bucket, both roles' policies name Milvus'
// bucket on both sides; without authentication, no password reaches the job.
func TestBackupComponentSameBucket(t *testing.T) {
	args := backupArgs
	args.Authentication = false
	s := declareBackup(t, args)
	assert.Empty(t, s.Of(typeBucket))
	buckets := s3policy.Buckets{MilvusArn: milvusBucketArn, RootPath: "milvus", BackupArn: milvusBucketArn, BackupPrefix: "backups"}
	assert.JSONEq(t, s3policy.BackupAccess(buckets).JSON(), s.Named(typePolicy, "backup-s3")[0].Input("policy").StringValue())
	containers := s.Of(typeCronJob)[0].Input("spec", "jobTemplate", "spec", "template", "spec", "containers").ArrayValue()
	assert.True(t, containers[0].ObjectValue()["env"].IsNull(), "no password without authentication")
}

// A copy in another region: a bucket like the backups' through a provider
// for that region, and S3 replication of the backup prefix into it, by a
// role S3 assumes with only the replication permissions, once versioning
// is on.
func TestBackupComponentReplica(t *testing.T) {
	args := backupArgs
	args.Bucket = &storage.Args{NamePrefix: "milvus-backups-", Versioning: true, NoncurrentVersionDays: 30}
	args.ReplicaRegion = "us-west-2"
	s := declareBackup(t, args)

	providers := s.Of("pulumi:providers:aws")
	require.Len(t, providers, 1)
	assert.Equal(t, "us-west-2", providers[0].Input("region").StringValue())
	replica := s.Named(typeBucket, "backup-replica")
	require.Len(t, replica, 1)
	assert.True(t, strings.HasPrefix(replica[0].Provider, providers[0].URN+"::"), "the copy is made in the replica's region")
	assert.Len(t, s.Named(typeVersioning, "backup-replica"), 1, "the copy is versioned")
	assert.False(t, strings.HasPrefix(s.Named(typeBucket, "backup-bucket")[0].Provider, providers[0].URN), "the backups stay in the stack's region")

	config := s.Of("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
	require.Len(t, config, 1)
	assert.True(t, config[0].DependsOn(s.Named(typeVersioning, "backup-bucket")[0]), "S3 refuses replication before versioning")
	// The mock names every bucket a prefix generates alike: source and
	// copy have the same ARN here.
	replicaArn := "arn:aws:s3:::milvus-backups-" + mockcloud.BucketSuffix
	assert.Equal(t, []any{map[string]any{
		"id": "replicate-backups", "status": "Enabled", "priority": float64(1),
		"filter":                  map[string]any{"prefix": "backups/"},
		"deleteMarkerReplication": map[string]any{"status": "Enabled"},
		"destination":             map[string]any{"bucket": replicaArn},
	}}, mockcloud.Plain(config[0].Input("rules")))
	assert.JSONEq(t, s3policy.ReplicationTrust().JSON(), s.Named(typeRole, "backup-bucket-replication")[0].Input("assumeRolePolicy").StringValue())
	assert.JSONEq(t, s3policy.ReplicationAccess(replicaArn, replicaArn, "backups").JSON(),
		s.Named("aws:iam/rolePolicy:RolePolicy", "backup-bucket-replication")[0].Input("policy").StringValue())
}

package backupfile

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The whole file, for a backup bucket of its own: both sides on S3 with the
// pod's role, GC paused through the proxies' management port, no password.
func TestFileForASeparateBucket(t *testing.T) {
	f := Of(Settings{
		Region: "us-east-2", MilvusHost: "milvus", Port: 19530, ManagementPort: 9091,
		MilvusBucket: "milvus-bucket-abc", RootPath: "milvus/prod",
		BackupBucket: "milvus-backups-abc", BackupPrefix: "backups",
	})
	assert.Equal(t, `backup:
  gcPause:
    address: http://milvus:9091
    enable: true
log:
  console: true
  file:
    filename: ""
  level: info
milvus:
  address: milvus
  port: 19530
  tlsMode: 0
  user: root
minio:
  address: s3.us-east-2.amazonaws.com
  backupAddress: s3.us-east-2.amazonaws.com
  backupBucketName: milvus-backups-abc
  backupPort: 443
  backupRegion: us-east-2
  backupRootPath: backups
  backupStorageType: aws
  backupUseIAM: true
  backupUseSSL: true
  bucketName: milvus-bucket-abc
  crossStorage: false
  iamEndpoint: ""
  port: 443
  region: us-east-2
  rootPath: milvus/prod
  storageType: aws
  useIAM: true
  useSSL: true
`, f.YAML())
}

// In Milvus' own bucket, the backups differ only in the bucket they name;
// in China's partition, S3's host ends in .cn.
func TestFileVariants(t *testing.T) {
	same := Of(Settings{Region: "us-east-2", MilvusHost: "milvus", Port: 19530, ManagementPort: 9091,
		MilvusBucket: "milvus-bucket-abc", RootPath: "milvus/dev", BackupBucket: "milvus-bucket-abc", BackupPrefix: "backups"})
	assert.Equal(t, same.Minio.BucketName, same.Minio.BackupBucketName)
	assert.Equal(t, "backups", same.Minio.BackupRootPath)

	china := Of(Settings{Region: "cn-north-1", MilvusHost: "milvus", Port: 19530, ManagementPort: 9091})
	assert.Equal(t, "s3.cn-north-1.amazonaws.com.cn", china.Minio.Address)
	assert.Equal(t, "s3.cn-north-1.amazonaws.com.cn", china.Minio.BackupAddress)
}

func TestNoSecretInTheFile(t *testing.T) {
	text := Of(Settings{Region: "us-east-2", MilvusHost: "milvus", Port: 19530, ManagementPort: 9091}).YAML()
	for _, secret := range []string{"password", "accessKeyID", "secretAccessKey", "token", "apikey"} {
		assert.NotContains(t, text, secret)
	}
}

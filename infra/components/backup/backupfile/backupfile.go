// Package backupfile builds milvus-backup's configuration, backup.yaml, as
// typed values: where Milvus is, where its objects are, and where the
// backups go. The keys are those milvus-backup v0.5.16 reads
// (configs/backup.yaml and internal/cfg at that tag). It holds no secret:
// the root password reaches the tool as MILVUS_PASSWORD, from Milvus'
// Secret, and S3 is reached with the pod's IRSA role.
package backupfile

import (
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
)

// PasswordVariable is the environment variable milvus-backup reads
// milvus.password from.
const PasswordVariable = "MILVUS_PASSWORD"

// Path is where the image's tool looks for its configuration when run from
// its working directory, /app (`--config` defaults to backup.yaml, then
// configs/backup.yaml).
const Path = "/app/configs/backup.yaml"

// File is backup.yaml.
type File struct {
	Log    Log    `json:"log"`
	Milvus Milvus `json:"milvus"`
	Minio  Minio  `json:"minio"`
	Backup Backup `json:"backup"`
}

// Log sends the tool's log to the console alone: the pod's file system is
// read-only, and the job's log is what kubectl shows.
type Log struct {
	Level   string  `json:"level"`
	Console bool    `json:"console"`
	File    LogFile `json:"file"`
}

// LogFile is the log file; an empty name writes none.
type LogFile struct {
	Filename string `json:"filename"`
}

// Milvus is how the tool reaches Milvus' proxies, as root.
type Milvus struct {
	Address string `json:"address"`
	Port    int    `json:"port"`
	User    string `json:"user"`
	// TLSMode 0 is plain gRPC: inside the cluster the proxies serve no TLS
	// (the load balancer terminates it).
	TLSMode int `json:"tlsMode"`
}

// Minio is the tool's object storage: Milvus' bucket and the backups'.
type Minio struct {
	StorageType string `json:"storageType"`
	Address     string `json:"address"`
	Port        int    `json:"port"`
	Region      string `json:"region"`
	UseSSL      bool   `json:"useSSL"`
	UseIAM      bool   `json:"useIAM"`
	// IAMEndpoint empty: the IRSA web identity goes to the region's STS.
	IAMEndpoint string `json:"iamEndpoint"`
	BucketName  string `json:"bucketName"`
	RootPath    string `json:"rootPath"`

	BackupStorageType string `json:"backupStorageType"`
	BackupAddress     string `json:"backupAddress"`
	BackupPort        int    `json:"backupPort"`
	BackupRegion      string `json:"backupRegion"`
	BackupUseSSL      bool   `json:"backupUseSSL"`
	BackupUseIAM      bool   `json:"backupUseIAM"`
	BackupBucketName  string `json:"backupBucketName"`
	BackupRootPath    string `json:"backupRootPath"`
	// CrossStorage false: objects are copied server-side, by the backup
	// side's client (CopyObject), never through the pod.
	CrossStorage bool `json:"crossStorage"`
}

// Backup holds the tool's behaviour during a backup.
type Backup struct {
	GCPause GCPause `json:"gcPause"`
}

// GCPause pauses Milvus' garbage collection while a backup copies the
// segments it would otherwise collect, through the proxy's management
// port.
type GCPause struct {
	Enable  bool   `json:"enable"`
	Address string `json:"address"`
}

// Settings are what the file says of one stack.
type Settings struct {
	// Region is the region of both buckets.
	Region string
	// MilvusHost is the in-cluster name of the chart's Service, which
	// selects the proxies; Port and ManagementPort are its ports.
	MilvusHost           string
	Port, ManagementPort int
	// MilvusBucket and RootPath are where Milvus keeps its objects.
	MilvusBucket, RootPath string
	// BackupBucket and BackupPrefix are where the backups go.
	BackupBucket, BackupPrefix string
}

// Of is the file for the settings.
func Of(s Settings) File {
	endpoint := milvusvalues.S3Host(s.Region)
	return File{
		Log:    Log{Level: "info", Console: true},
		Milvus: Milvus{Address: s.MilvusHost, Port: s.Port, User: "root"},
		Minio: Minio{
			StorageType: "aws", Address: endpoint, Port: 443, Region: s.Region, UseSSL: true, UseIAM: true,
			BucketName: s.MilvusBucket, RootPath: s.RootPath,
			BackupStorageType: "aws", BackupAddress: endpoint, BackupPort: 443, BackupRegion: s.Region,
			BackupUseSSL: true, BackupUseIAM: true, BackupBucketName: s.BackupBucket, BackupRootPath: s.BackupPrefix,
		},
		Backup: Backup{GCPause: GCPause{Enable: true, Address: fmt.Sprintf("http://%s:%d", s.MilvusHost, s.ManagementPort)}},
	}
}

// YAML is the file as the ConfigMap holds it.
func (f File) YAML() string {
	raw, err := yaml.Marshal(f)
	if err != nil {
		panic(fmt.Sprintf("backupfile: %v", err)) // plain structs always marshal
	}
	return string(raw)
}

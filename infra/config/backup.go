package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/schedule"
)

// Backup is the backup key: whether milvus-backup runs on a schedule, and
// where its backups go.
type Backup struct {
	Enabled bool `json:"enabled"`
	// Schedule is a cron schedule in UTC (infra/schedule).
	Schedule string `json:"schedule"`
	// Keep is how many backups the job leaves after each successful one.
	Keep int `json:"keep"`
	// Destination is BackupSeparate (a bucket of their own) or BackupSame
	// (a prefix of Milvus' bucket).
	Destination string `json:"destination"`
	// Prefix is where in that bucket the backups go.
	Prefix string `json:"prefix"`
	// ObjectLockMode (ObjectLockGovernance or ObjectLockCompliance) and
	// ObjectLockDays make the backup bucket write-once for that long.
	ObjectLockMode string `json:"objectLockMode"`
	ObjectLockDays int    `json:"objectLockDays"`
	// ReplicaRegion, when set, is where the backup bucket is replicated.
	ReplicaRegion string `json:"replicaRegion"`
	// Image is milvus-backup's image, pinned by tag or digest.
	Image string `json:"image"`
}

// The backups' destinations.
const (
	BackupSeparate = "separate"
	BackupSame     = "same"
)

// S3 Object Lock's retention modes.
const (
	ObjectLockGovernance = "GOVERNANCE"
	ObjectLockCompliance = "COMPLIANCE"
)

// backupImageVersion is the milvus-backup release the project pins: its
// backup.yaml format and commands are the ones the backup component writes.
const backupImageVersion = "v0.5.16"

// DefaultBackup is the backup key's default: off, daily at 03:00 UTC, seven
// kept, in a bucket of their own.
var DefaultBackup = Backup{
	Schedule:    "0 3 * * *",
	Keep:        7,
	Destination: BackupSeparate,
	Prefix:      "backups",
	Image:       "milvusdb/milvus-backup:" + backupImageVersion,
}

// An image named with a tag other than latest, or a digest.
var pinnedImagePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?$`)

// backupRules are the rules of the backup key's own value.
func backupRules(b Backup) []violation {
	var out []violation
	if _, err := schedule.Parse(b.Schedule); err != nil {
		out = append(out, violation{field: "schedule", value: b.Schedule, finding: broke("backup-schedule", "%v", err)})
	}
	if b.Keep < 1 {
		out = append(out, violation{field: "keep", value: fmt.Sprint(b.Keep), finding: broke("backup-keep", "must be at least 1: the job deletes older backups down to this many")})
	}
	if b.Destination != BackupSeparate && b.Destination != BackupSame {
		out = append(out, violation{field: "destination", value: b.Destination, finding: broke("backup-destination", `must be %q (a bucket of their own) or %q (a prefix of Milvus' bucket)`, BackupSeparate, BackupSame)})
	}
	if !rootPathPattern.MatchString(b.Prefix) {
		out = append(out, violation{field: "prefix", value: b.Prefix, finding: broke("backup-prefix", "must be S3 key segments of letters, digits, '.', '_' and '-', starting with a letter, joined by '/'")})
	}
	switch b.ObjectLockMode {
	case "":
		if b.ObjectLockDays != 0 {
			out = append(out, violation{field: "objectLockDays", value: fmt.Sprint(b.ObjectLockDays), finding: broke("object-lock", "needs objectLockMode %s or %s", ObjectLockGovernance, ObjectLockCompliance)})
		}
	case ObjectLockGovernance, ObjectLockCompliance:
		if b.ObjectLockDays < 1 {
			out = append(out, violation{field: "objectLockDays", value: fmt.Sprint(b.ObjectLockDays), finding: broke("object-lock", "must be at least 1 with objectLockMode %s", b.ObjectLockMode)})
		}
	default:
		out = append(out, violation{field: "objectLockMode", value: b.ObjectLockMode, finding: broke("object-lock", `must be %s, %s or empty (none)`, ObjectLockGovernance, ObjectLockCompliance)})
	}
	if b.ReplicaRegion != "" && !regionPattern.MatchString(b.ReplicaRegion) {
		out = append(out, violation{field: "replicaRegion", value: b.ReplicaRegion, finding: broke("region-name", "must be an AWS region name such as us-west-2")})
	}
	tag := b.Image[strings.LastIndex(b.Image, "/")+1:]
	if !pinnedImagePattern.MatchString(b.Image) || !strings.ContainsAny(tag, ":@") || strings.HasSuffix(tag, ":latest") {
		out = append(out, violation{field: "image", value: b.Image, finding: broke("image-pinned", "must name a version tag other than latest, or a digest (milvusdb/milvus-backup:%s)", backupImageVersion)})
	}
	return out
}

// backups checks the rules that relate the backup key to others. Only a
// stack that runs backups is held to them.
func (v *validator) backups(c Config) {
	b := c.Backup
	if !b.Enabled {
		return
	}
	key := func(field string) string { return FullName("backup") + "." + field }
	if b.Destination == BackupSame {
		root := c.Bucket.RootPath
		switch {
		case root == "":
			v.add(key("destination"), b.Destination, broke("backup-prefix-collision",
				"needs a bucketRootPath: with Milvus' objects at the bucket's root, no prefix of the bucket is apart from them; set one, or back up to a separate bucket"))
		case b.Prefix == root || strings.HasPrefix(b.Prefix, root+"/") || strings.HasPrefix(root, b.Prefix+"/"):
			v.add(key("prefix"), b.Prefix, broke("backup-prefix-collision",
				"overlaps Milvus' root path %q (and Woodpecker's %s/wp): the backups' role may delete under its prefix, so keep the two apart", root, root))
		}
		if b.ObjectLockMode != "" {
			v.add(key("objectLockMode"), b.ObjectLockMode, broke("object-lock-same-bucket",
				"needs destination %q: Object Lock would hold Milvus' own objects, which it rewrites and deletes", BackupSeparate))
		}
		if b.ReplicaRegion != "" {
			v.add(key("replicaRegion"), b.ReplicaRegion, broke("replica-needs-separate",
				"needs destination %q: replicating Milvus' bucket would copy its live objects, not only the backups", BackupSeparate))
		}
	}
	// The backup bucket is destroyed as Milvus' is (bucketForceDestroy).
	if b.Destination == BackupSeparate && b.ObjectLockMode != "" && c.Bucket.ForceDestroy {
		v.add(FullName("bucketForceDestroy"), "true", broke("object-lock-force-destroy",
			"must be false with backup.objectLockMode: locked backups cannot be deleted before their days are up, so a forced destroy would fail half way"))
	}
	if b.ReplicaRegion != "" && c.Bucket.KmsKeyArn != "" {
		v.add(key("replicaRegion"), b.ReplicaRegion, broke("replica-kms",
			"cannot be set with bucketKmsKeyArn: objects under a KMS key replicate only to a key in the replica's region, which this stack does not manage; use SSE-S3, or replicate by other means"))
	}
	if b.ReplicaRegion != "" && b.ObjectLockMode != "" {
		v.add(key("replicaRegion"), b.ReplicaRegion, broke("replica-object-lock",
			"cannot be set with objectLockMode: replicating locked objects needs the lock and its permissions in both buckets, which this stack does not declare; choose one"))
	}
	if b.ReplicaRegion != "" && b.ReplicaRegion == c.Region {
		v.add(key("replicaRegion"), b.ReplicaRegion, broke("replica-region-same", "must differ from aws:region: a copy in the same region survives no loss of the region"))
	}
}

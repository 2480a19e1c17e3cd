// Package backupjob holds what the backup CronJob runs and what a restore
// runs, as plain values: the objects' names and labels, the backup script
// with its pruning, the arguments of a restore, and the backup pods'
// NetworkPolicies. The backup component declares them; the restore command
// (verify/restore) derives its Job from the deployed CronJob with them.
//
// The commands and their output are milvus-backup v0.5.16's (cmd/create,
// cmd/list, cmd/delete and cmd/restore at that tag): `list` prints
// ">> Backups:" and then one name per line, on standard error (cobra's
// Println).
package backupjob

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/podpolicy"
	"github.com/milvus-eks/milvus-eks/infra/facts"
)

// Binary is the tool in its image (the Dockerfile's COPY to /app). The
// image's entrypoint starts its REST server, so every container here names
// the binary itself.
const Binary = "/app/milvus-backup"

// Names of the objects, after Milvus' release: one stack's backups never
// meet another's in a shared namespace.
func CronJobName(release string) string           { return release + "-backup" }
func ConfigMapName(release string) string         { return release + "-backup-config" }
func BackupServiceAccount(release string) string  { return release + "-backup" }
func RestoreServiceAccount(release string) string { return release + "-restore" }

// RestoreServiceAccountAnnotation, on the CronJob, names the ServiceAccount
// a restore Job runs under: the restore role may write Milvus' bucket's
// temporary copies, which the backup role may not.
const RestoreServiceAccountAnnotation = "milvus-eks.io/restore-service-account"

// ContainerName is the one container of a backup or restore pod.
const ContainerName = "milvus-backup"

// NameLabel, set to AppName, marks the CronJob and its pods; the policy
// pack looks for it in production.
const (
	NameLabel = "app.kubernetes.io/name"
	AppName   = "milvus-backup"
)

// PodLabels mark the CronJob, its pods and the restore pods, for their
// NetworkPolicies.
func PodLabels(release string) map[string]string {
	return map[string]string{
		NameLabel:                     AppName,
		"app.kubernetes.io/instance":  release,
		"app.kubernetes.io/component": "backup",
	}
}

// NamePrefix starts every backup the job makes; the rest is its UTC time,
// so that names sort as times do and the newest is the last.
const NamePrefix = "backup_"

// dateFormat is the time in a name, as date(1) writes it (busybox's, in
// the tool's Alpine image): 2026_12_03_03_00_00.
const dateFormat = "%Y_%m_%d_%H_%M_%S"

// ScheduledName matches the names the job makes, and only those: pruning
// never touches a backup someone made by hand under another name.
var ScheduledName = regexp.MustCompile(`^` + NamePrefix + `[0-9]{4}(_[0-9]{2}){5}$`)

// MetaFile is the file milvus-backup writes, under a backup's prefix,
// once its data is copied (internal/storage/mpath at v0.5.16): a backup
// without it is unfinished.
const MetaFile = "meta/backup_meta.json"

// Script is the job's shell script: one backup, then, only if it
// succeeded, the deletion of the oldest of the job's own backups until keep
// remain. It is POSIX sh (the image's is busybox's), without pipefail: the
// listing is captured first, so that set -e stops the script when it fails.
func Script(keep int) string {
	return strings.Join([]string{
		"set -eu",
		fmt.Sprintf(`name="%s$(date -u +%s)"`, NamePrefix, dateFormat),
		Binary + ` create -n "$name"`,
		`backups="$(` + Binary + ` list 2>&1)"`,
		fmt.Sprintf(`printf '%%s\n' "$backups" | grep -E '%s' | sort -r | tail -n +%d | while read -r old; do`, ScheduledName.String(), keep+1),
		"  " + Binary + ` delete -n "$old"`,
		"done",
	}, "\n") + "\n"
}

// Restore is what to restore: a backup, optionally only some collections,
// optionally beside the originals under a suffix.
type Restore struct {
	Backup string
	// Collections are names, or db.name; empty restores every collection
	// of the backup.
	Collections []string
	// Suffix is appended to each restored collection's name; empty
	// restores under the original names, which must then be free.
	Suffix string
}

// Milvus' and milvus-backup's naming rules: names of letters, digits and
// underscores that start with a letter or underscore (core/backup/func.go
// for backups, up to 128 characters; Milvus' own limit for collections,
// 255).
var (
	backupName     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)
	collectionName = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]{0,254}\.)?[A-Za-z_][A-Za-z0-9_]{0,254}$`)
	suffix         = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)
)

// Args are the restore's arguments to the tool, or an error naming the
// value and the rule it breaks.
func (r Restore) Args() ([]string, error) {
	if !backupName.MatchString(r.Backup) {
		return nil, fmt.Errorf("BACKUP %q: a backup's name is letters, digits and '_', starting with a letter or '_' (`make backups` lists them)", r.Backup)
	}
	args := []string{"restore", "-n", r.Backup}
	if len(r.Collections) > 0 {
		for _, c := range r.Collections {
			if !collectionName.MatchString(c) {
				return nil, fmt.Errorf("COLLECTIONS %q: each is a collection's name, or db.name, of letters, digits and '_'", c)
			}
		}
		args = append(args, "--filter", strings.Join(r.Collections, ","))
	}
	if r.Suffix != "" {
		if !suffix.MatchString(r.Suffix) {
			return nil, fmt.Errorf("SUFFIX %q: letters, digits and '_' only, as in a collection's name", r.Suffix)
		}
		args = append(args, "-s", r.Suffix)
	}
	return args, nil
}

// NetworkPolicies let the backup and restore pods reach the proxies (the
// API on 19530, and on 9091 the management API that pauses garbage
// collection during a backup) and AWS over HTTPS, and let the proxies take
// 9091 from them. DNS is the namespace's own policy; everything else stays
// denied.
func NetworkPolicies(release string) []podpolicy.NetworkPolicy {
	backups := podpolicy.Selector{MatchLabels: PodLabels(release)}
	proxies := podpolicy.Selector{MatchLabels: milvusvalues.ComponentProxy.PodLabels(release)}
	return []podpolicy.NetworkPolicy{
		{Name: release + "-backup", PodSelector: backups, Types: []string{"Egress"}, Egress: []podpolicy.Rule{
			{Peers: []podpolicy.Peer{{PodSelector: &proxies}}, Ports: podpolicy.TCP(facts.MilvusPort, facts.MilvusMetricsPort)},
			{Peers: []podpolicy.Peer{{CIDR: podpolicy.Anywhere}}, Ports: podpolicy.TCP(podpolicy.HTTPS)},
		}},
		{Name: release + "-backup-management", PodSelector: proxies, Types: []string{"Ingress"}, Ingress: []podpolicy.Rule{
			{Peers: []podpolicy.Peer{{PodSelector: &backups}}, Ports: podpolicy.TCP(facts.MilvusMetricsPort)},
		}},
	}
}

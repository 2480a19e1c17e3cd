package backupjob

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScript(t *testing.T) {
	assert.Equal(t, `set -eu
name="backup_$(date -u +%Y_%m_%d_%H_%M_%S)"
/app/milvus-backup create -n "$name"
backups="$(/app/milvus-backup list 2>&1)"
printf '%s\n' "$backups" | grep -E '^backup_[0-9]{4}(_[0-9]{2}){5}$' | sort -r | tail -n +8 | while read -r old; do
  /app/milvus-backup delete -n "$old"
done
`, Script(7))
}

// The script, run by a real shell against a fake tool that prints what
// milvus-backup v0.5.16 prints: the backup is made, then the oldest of the
// job's own backups go until three remain; a backup named by hand and the
// tool's log lines are left alone; nothing is deleted when the backup
// fails.
func TestScriptPrunesOnlyItsOwnBackupsAfterASuccess(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, tc := range []struct {
		name        string
		createFails bool
		deleted     []string
	}{
		{name: "success", deleted: []string{"backup_2026_11_29_03_00_00", "backup_2026_11_28_03_00_00"}},
		{name: "failed backup", createFails: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			calls := filepath.Join(dir, "calls")
			fail := "0"
			if tc.createFails {
				fail = "1"
			}
			tool := `#!/bin/sh
echo "$@" >> ` + calls + `
case "$1" in
create) echo '[INFO] [create] start backup name=backup_2026_11_28_03_00_00'; exit ` + fail + ` ;;
list) echo '[2026/12/03 03:00:01 +00:00] [INFO] list backups' ; echo '>> Backups:' >&2
  for n in backup_2026_11_28_03_00_00 before_upgrade backup_2026_12_01_03_00_00 backup_2026_11_29_03_00_00 backup_2026_11_30_03_00_00 backup_2026_12_03_03_00_00; do echo $n >&2; done ;;
esac
`
			script := strings.ReplaceAll(Script(3), Binary, filepath.Join(dir, "milvus-backup"))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "milvus-backup"), []byte(tool), 0o755))
			out, err := exec.Command(sh, "-c", script).CombinedOutput()
			if tc.createFails {
				assert.Error(t, err, "%s", out)
			} else {
				assert.NoError(t, err, "%s", out)
			}
			raw, err := os.ReadFile(calls)
			require.NoError(t, err)
			lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
			require.NotEmpty(t, lines)
			assert.Regexp(t, `^create -n backup_[0-9]{4}(_[0-9]{2}){5}$`, lines[0])
			var deleted []string
			for _, l := range lines[1:] {
				if name, ok := strings.CutPrefix(l, "delete -n "); ok {
					deleted = append(deleted, name)
				}
			}
			assert.Equal(t, tc.deleted, deleted)
		})
	}
}

func TestRestoreArgs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		restore Restore
		args    []string
		err     string
	}{
		{name: "everything", restore: Restore{Backup: "backup_2026_12_03_03_00_00"},
			args: []string{"restore", "-n", "backup_2026_12_03_03_00_00"}},
		{name: "two collections beside the originals", restore: Restore{Backup: "backup_2026_12_03_03_00_00", Collections: []string{"docs", "shop.items"}, Suffix: "_restored"},
			args: []string{"restore", "-n", "backup_2026_12_03_03_00_00", "--filter", "docs,shop.items", "-s", "_restored"}},
		{name: "bad backup", restore: Restore{Backup: "2026-12-03"},
			err: `BACKUP "2026-12-03": a backup's name is letters, digits and '_', starting with a letter or '_' (` + "`make backups`" + ` lists them)`},
		{name: "bad collection", restore: Restore{Backup: "b", Collections: []string{"docs;rm"}},
			err: `COLLECTIONS "docs;rm": each is a collection's name, or db.name, of letters, digits and '_'`},
		{name: "bad suffix", restore: Restore{Backup: "b", Suffix: "-old"},
			err: `SUFFIX "-old": letters, digits and '_' only, as in a collection's name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args, err := tc.restore.Args()
			if tc.err != "" {
				assert.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.args, args)
		})
	}
}

func TestNetworkPolicies(t *testing.T) {
	raw, err := json.Marshal(NetworkPolicies("milvus"))
	require.NoError(t, err)
	backups := `{"matchLabels": {"app.kubernetes.io/component": "backup", "app.kubernetes.io/instance": "milvus", "app.kubernetes.io/name": "milvus-backup"}}`
	proxies := `{"matchLabels": {"app.kubernetes.io/instance": "milvus", "app.kubernetes.io/name": "milvus", "component": "proxy"}}`
	assert.JSONEq(t, `[
	  {"Name": "milvus-backup", "PodSelector": `+backups+`, "Types": ["Egress"], "Ingress": null, "Egress": [
	    {"Peers": [{"PodSelector": `+proxies+`, "NamespaceSelector": null, "CIDR": ""}], "Ports": [{"Protocol": "TCP", "Port": 19530}, {"Protocol": "TCP", "Port": 9091}]},
	    {"Peers": [{"PodSelector": null, "NamespaceSelector": null, "CIDR": "0.0.0.0/0"}], "Ports": [{"Protocol": "TCP", "Port": 443}]}]},
	  {"Name": "milvus-backup-management", "PodSelector": `+proxies+`, "Types": ["Ingress"], "Egress": null, "Ingress": [
	    {"Peers": [{"PodSelector": `+backups+`, "NamespaceSelector": null, "CIDR": ""}], "Ports": [{"Protocol": "TCP", "Port": 9091}]}]}
	]`, string(raw))
}

// Command restore restores a deployed stack's Milvus from one of its
// backups, or lists them, by running milvus-backup once in the cluster from
// the backup CronJob's template (package restore), waiting for it, and
// printing its log.
//
//	go -C verify run ./cmd/restore -stack prod -list
//	go -C verify run ./cmd/restore -stack prod -backup backup_2026_12_03_03_00_00 [-collections docs,shop.items] [-suffix _restored]
//
// The Makefile's `make backups` and `make restore` run it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/milvus-eks/milvus-eks/infra/components/backup/backupjob"
	"github.com/milvus-eks/milvus-eks/verify/checks"
	"github.com/milvus-eks/milvus-eks/verify/restore"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("restore", flag.ContinueOnError)
	flags.SetOutput(stderr)
	stackName := flags.String("stack", "", "the stack whose backups to use (required)")
	dir := flags.String("dir", "..", "the directory of Pulumi.yaml (the default is this module's parent, the repository)")
	list := flags.Bool("list", false, "list the backups instead of restoring one")
	backupName := flags.String("backup", "", "the backup to restore")
	collections := flags.String("collections", "", "restore only these collections, comma-separated, each a name or db.name")
	suffix := flags.String("suffix", "", "restore each collection under its name with this suffix, beside the original")
	timeout := flags.Duration("timeout", 2*time.Hour, "how long to wait for the run")
	if err := flags.Parse(args); err != nil || *stackName == "" || *list == (*backupName != "") {
		fmt.Fprintln(stderr, "usage: restore -stack NAME (-list | -backup NAME [-collections A,B] [-suffix S]) [-dir DIR] [-timeout D]")
		return 2
	}

	what := restore.ListBackups
	if !*list {
		r := backupjob.Restore{Backup: *backupName, Suffix: *suffix}
		if *collections != "" {
			r.Collections = strings.Split(*collections, ",")
		}
		var err error
		if what, err = restore.RestoreOf(r); err != nil {
			fmt.Fprintln(stderr, "restore:", err)
			return 2
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	out, err := outputs(ctx, *stackName, *dir)
	if err != nil {
		fmt.Fprintln(stderr, "restore:", err)
		return 2
	}
	if out.BackupCronJob == "" {
		fmt.Fprintf(stderr, "restore: stack %s has no backups: set backup.enabled and run pulumi up\n", *stackName)
		return 2
	}
	rest, err := clientcmd.RESTConfigFromKubeConfig([]byte(out.Kubeconfig))
	if err != nil {
		fmt.Fprintln(stderr, "restore: reading the stack's kubeconfig:", err)
		return 2
	}
	client, err := kubernetes.NewForConfig(rest)
	if err != nil {
		fmt.Fprintln(stderr, "restore:", err)
		return 2
	}
	log, err := runOnce(ctx, client, out, what, time.Now().UTC())
	fmt.Fprint(stdout, log)
	if err != nil {
		fmt.Fprintln(stderr, "restore:", err)
		return 1
	}
	return 0
}

// runOnce runs the tool once from the stack's CronJob, under a name of the
// time it started.
func runOnce(ctx context.Context, client kubernetes.Interface, out checks.Outputs, what restore.Run, now time.Time) (string, error) {
	cronJob, err := client.BatchV1().CronJobs(out.MilvusNamespace).Get(ctx, out.BackupCronJob, metav1.GetOptions{})
	if err != nil {
		return "", fmt.Errorf("reading the CronJob %s/%s: %w", out.MilvusNamespace, out.BackupCronJob, err)
	}
	verb := "list"
	if what.Restores {
		verb = "restore"
	}
	job, err := restore.JobFrom(cronJob, fmt.Sprintf("%s-%s-%s", out.BackupCronJob, verb, now.Format("20060102-150405")), what)
	if err != nil {
		return "", err
	}
	return restore.Execute(ctx, client, job, 5*time.Second)
}

// outputs reads the stack's outputs through the Automation API.
func outputs(ctx context.Context, stackName, dir string) (checks.Outputs, error) {
	stack, err := auto.SelectStackLocalSource(ctx, stackName, dir)
	if err != nil {
		return checks.Outputs{}, fmt.Errorf("selecting stack %q of the project in %s (is the Pulumi CLI installed and logged in?): %w", stackName, dir, err)
	}
	return checks.StackOutputs(ctx, stack)
}

// Command approval holds prod's update to the change a reviewer approved
// (package approval of the program's module): -save previews the stack,
// prints the preview for the reviewer and writes the changes it shows;
// -check previews it again and fails unless it shows exactly those, so that
// `pulumi up` runs only after it passes.
//
//	go -C verify run ./cmd/approval -stack prod -save ../approved.json
//	go -C verify run ./cmd/approval -stack prod -check ../approved.json && pulumi up --stack prod ...
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"

	"github.com/milvus-eks/milvus-eks/infra/offline/approval"
	"github.com/milvus-eks/milvus-eks/infra/offline/approval/previewed"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, preview))
}

// previewer previews the stack of the project in dir: every step the
// preview shows, and the preview as the CLI prints it.
type previewer func(ctx context.Context, stackName, dir string) ([]approval.Step, string, error)

func run(args []string, stdout, stderr io.Writer, preview previewer) int {
	flags := flag.NewFlagSet("approval", flag.ContinueOnError)
	flags.SetOutput(stderr)
	stackName := flags.String("stack", "", "the stack to preview (required)")
	dir := flags.String("dir", "..", "the directory of Pulumi.yaml (the default is this module's parent, the repository)")
	save := flags.String("save", "", "write the changes the preview shows to this `FILE`, for approval")
	check := flags.String("check", "", "fail unless the preview shows exactly the approved changes of this `FILE`")
	if err := flags.Parse(args); err != nil || *stackName == "" || (*save == "") == (*check == "") {
		fmt.Fprintln(stderr, "usage: approval -stack NAME (-save FILE | -check FILE) [-dir DIR]")
		return 2
	}
	if *save != "" {
		return saveApproval(*save, *stackName, *dir, stdout, stderr, preview)
	}
	return checkApproval(*check, *stackName, *dir, stdout, stderr, preview)
}

// saveApproval previews the stack, prints the preview for the reviewer and
// writes the changes it shows to file.
func saveApproval(file, stackName, dir string, stdout, stderr io.Writer, preview previewer) int {
	steps, shown, err := preview(context.Background(), stackName, dir)
	if err != nil {
		fmt.Fprintln(stderr, "approval:", err)
		return 1
	}
	changes := approval.Changes(steps)
	raw, err := json.MarshalIndent(changes, "", "  ")
	if err == nil {
		err = os.WriteFile(file, raw, 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, "approval:", err)
		return 1
	}
	fmt.Fprint(stdout, shown)
	fmt.Fprintf(stderr, "%d changes saved for approval in %s\n", len(changes), file)
	return 0
}

// checkApproval reads the approved changes from file, then previews the
// stack and fails unless the preview shows exactly those.
func checkApproval(file, stackName, dir string, stdout, stderr io.Writer, preview previewer) int {
	raw, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(stderr, "approval:", err)
		return 1
	}
	var approved []approval.Step
	if err := json.Unmarshal(raw, &approved); err != nil {
		fmt.Fprintln(stderr, "approval:", file, err)
		return 1
	}
	steps, _, err := preview(context.Background(), stackName, dir)
	if err != nil {
		fmt.Fprintln(stderr, "approval:", err)
		return 1
	}
	if differences := approval.Differences(approved, steps); len(differences) > 0 {
		fmt.Fprintln(stderr, "The stack would change otherwise than approved; nothing is applied. Approve a new preview:")
		for _, d := range differences {
			fmt.Fprintln(stderr, "  "+d)
		}
		return 1
	}
	fmt.Fprintln(stdout, "The preview shows exactly the approved changes.")
	return 0
}

// preview previews the stack of the project in dir, with the policy pack,
// and returns every step it shows, and the preview as the CLI prints it.
func preview(ctx context.Context, stackName, dir string) ([]approval.Step, string, error) {
	s, err := auto.SelectStackLocalSource(ctx, stackName, dir)
	if err != nil {
		return nil, "", err
	}
	stream := make(chan events.EngineEvent)
	var steps []approval.Step
	done := make(chan struct{})
	go func() {
		defer close(done)
		steps = previewed.Steps(stream)
	}()
	result, err := s.Preview(ctx, optpreview.EventStreams(stream), optpreview.PolicyPacks(filepath.Join(dir, "infra", "policypack")))
	<-done
	return steps, result.StdOut, err
}

// Command verify checks a deployed stack against the real AWS account and
// cluster, and says yes or no: the IRSA role's trust and permissions, the
// ServiceAccount and the pods' injected identity, and that Milvus really
// writes to S3 through the role. Run it after `pulumi up` of each stack.
//
//	go -C verify run . -stack dev
//	pulumi stack output --json --show-secrets > outputs.json && go -C verify run . -outputs ../outputs.json
//
// It is a module of its own, so that the program's module (what `pulumi up`
// builds) carries none of its clients: the AWS SDK, client-go and the
// Milvus client.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/milvus-eks/milvus-eks/verify/checks"
)

// Exit codes.
const (
	exitPassed = 0
	exitFailed = 1 // a check failed
	exitUsage  = 2 // bad flags, unreadable outputs, or no credentials
)

const usageText = `Usage: go -C verify run . (-stack <name> | -outputs FILE) [flags]

Checks a deployed milvus-eks stack against AWS and its cluster, one line per
check (PASS or FAIL, what was expected, what was found), and exits 1 if any
check fails. It needs AWS credentials for the stack's account (the default
chain: AWS_PROFILE, environment variables, SSO, instance roles), the AWS CLI
(the stack's kubeconfig runs aws eks get-token), and network access to the
cluster's API and to Milvus' load balancer.

It creates one collection in Milvus, writes a few hundred vectors to it and
drops it again, even when a step fails.

Flags:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("verify", flag.ContinueOnError)
	flags.SetOutput(stderr)
	stackName := flags.String("stack", "", "read the outputs of this stack of the local project, through the Pulumi Automation API")
	outputsFile := flags.String("outputs", "", "read the outputs from this `FILE` (pulumi stack output --json --show-secrets), - for standard input")
	dir := flags.String("dir", "..", "the directory of Pulumi.yaml, for -stack (the default is this module's parent, the repository)")
	rootPath := flags.String("root-path", "", "Milvus' root path in the bucket (the chart's externalS3.rootPath); by default the stack's milvusRootPath output")
	callTimeout := flags.Duration("call-timeout", 30*time.Second, "timeout of each call to AWS or Kubernetes")
	dataTimeout := flags.Duration("data-timeout", 10*time.Minute, "timeout of the whole data-path check")
	flags.Usage = func() {
		fmt.Fprint(stderr, usageText)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	if (*stackName == "") == (*outputsFile == "") || flags.NArg() > 0 {
		flags.Usage()
		return exitUsage
	}

	ctx := context.Background()
	out, err := readOutputs(ctx, *stackName, *dir, *outputsFile, *callTimeout)
	if err != nil {
		fmt.Fprintln(stderr, "verify:", err)
		return exitUsage
	}
	clients, closeAll, err := checks.Connect(ctx, out, *callTimeout)
	if err != nil {
		fmt.Fprintln(stderr, "verify:", err)
		return exitUsage
	}
	defer closeAll()

	results := checks.Run(ctx, clients, out, checks.Options{
		CallTimeout:     *callTimeout,
		DataPathTimeout: *dataTimeout,
		RootPath:        cmp.Or(*rootPath, out.MilvusRootPath),
	})
	failed := 0
	for _, r := range results {
		fmt.Fprintln(stdout, r)
		if !r.Passed {
			failed++
		}
	}
	fmt.Fprintf(stdout, "\n%d checks, %d failed\n", len(results), failed)
	if failed > 0 {
		return exitFailed
	}
	return exitPassed
}

// readOutputs reads the stack outputs from a file, or from the local
// project's stack through the Automation API (which runs the Pulumi CLI).
func readOutputs(ctx context.Context, stackName, dir, file string, timeout time.Duration) (checks.Outputs, error) {
	if file != "" {
		var raw []byte
		var err error
		if file == "-" {
			raw, err = io.ReadAll(os.Stdin)
		} else {
			raw, err = os.ReadFile(file)
		}
		if err != nil {
			return checks.Outputs{}, err
		}
		return checks.ParseOutputs(raw)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*timeout)
	defer cancel()
	stack, err := auto.SelectStackLocalSource(ctx, stackName, dir)
	if err != nil {
		return checks.Outputs{}, fmt.Errorf("selecting stack %q of the project in %s (is the Pulumi CLI installed and logged in?): %w", stackName, dir, err)
	}
	return checks.StackOutputs(ctx, stack)
}

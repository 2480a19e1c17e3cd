// Command preflight checks, before a stack's first `pulumi up`, the tools,
// the credentials, the account's quotas, the cluster's access-entry
// principals and the load balancer's certificate (package preflight), one
// line per check, and exits 1 if any fails.
//
//	go -C verify run ./cmd/preflight -stack dev      # or: make preflight STACK=dev
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
	"github.com/milvus-eks/milvus-eks/verify/preflight"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("preflight", flag.ContinueOnError)
	flags.SetOutput(stderr)
	stackName := flags.String("stack", "", "the stack to check: its Pulumi.<stack>.yaml (required)")
	dir := flags.String("dir", "..", "the directory of Pulumi.yaml (the default is this module's parent, the repository)")
	if err := flags.Parse(args); err != nil || *stackName == "" {
		flags.Usage()
		return 2
	}
	cfg, minPulumi, err := readStack(*dir, *stackName)
	if err != nil {
		fmt.Fprintln(stderr, "preflight:", err)
		return 2
	}
	ctx := context.Background()
	aws, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(cfg.Region))
	if err != nil {
		fmt.Fprintln(stderr, "preflight: loading the AWS configuration:", err)
		return 2
	}
	results := preflight.Run(ctx, preflight.Clients{
		STS:    sts.NewFromConfig(aws),
		Quotas: servicequotas.NewFromConfig(aws),
		EC2:    ec2.NewFromConfig(aws),
		IAM:    iam.NewFromConfig(aws),
		ACM:    acm.NewFromConfig(aws),
		Tools: func(ctx context.Context, name string, args ...string) (string, error) {
			out, err := exec.CommandContext(ctx, name, args...).Output()
			return string(out), err
		},
	}, cfg, minPulumi)
	failed := 0
	for _, r := range results {
		fmt.Fprintln(stdout, r)
		if !r.Passed {
			failed++
		}
	}
	fmt.Fprintf(stdout, "\n%d checks, %d failed\n", len(results), failed)
	if failed > 0 {
		return 1
	}
	return 0
}

// readStack reads a stack's configuration as its deployer has it before
// the first `pulumi up` (a secret it has not set yet is assumed), and the
// Pulumi CLI the program needs: its SDK's version, from go.mod.
func readStack(dir, stack string) (config.Config, string, error) {
	settings, err := stackfile.StackConfig(dir, stack)
	if err != nil {
		return config.Config{}, "", err
	}
	for _, key := range stackfile.DeployerSecrets[stack] {
		if _, set := settings.Values[config.FullName(key)]; !set {
			settings.Values[config.FullName(key)] = stackfile.SecretPlaceholder
			settings.Secret[config.FullName(key)] = true
		}
	}
	cfg, err := config.Load(settings, stack)
	if err != nil {
		return config.Config{}, "", err
	}
	goMod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return config.Config{}, "", err
	}
	m := regexp.MustCompile(`(?m)^\s*github\.com/pulumi/pulumi/sdk/v3 v(\S+)`).FindSubmatch(goMod)
	if m == nil {
		return config.Config{}, "", errors.New("go.mod names no github.com/pulumi/pulumi/sdk/v3")
	}
	return cfg, string(m[1]), nil
}

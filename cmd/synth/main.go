// Command synth is the offline plan: it runs the same program as `pulumi up`
// on Pulumi's in-process mock engine, with a stack's own Pulumi.<stack>.yaml,
// and prints every resource it would declare, without an AWS account, the
// Pulumi CLI or a network.
//
//	go run ./cmd/synth -stack dev
//	go run ./cmd/synth -stack prod -assume-secret milvusRootPassword -format mermaid
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
	"github.com/milvus-eks/milvus-eks/infra/offline/plan"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the plan could not be made or written
	exitUsage   = 2 // bad flags, an unknown stack, or a bad configuration
)

const usageText = `Usage: go run ./cmd/synth -stack <name> [-format text|json|mermaid] [-o FILE] [-assume-secret KEY]...
       go run ./cmd/synth -stack-file Pulumi.<name>.yaml.example [flags]

Runs the program of this project for a stack on Pulumi's mock engine, with
Pulumi.yaml and Pulumi.<stack>.yaml (or the stack file given), and prints what
it would declare. It needs no AWS account, no Pulumi CLI and no network; two
runs print the same bytes.

Values AWS or Kubernetes compute at deploy time are placeholders of the right
shape that no real deployment has:
  account ID                 ` + mockcloud.AccountID + `
  EKS OIDC issuer ID         ` + mockcloud.OidcID + ` (32 zeros)
  generated bucket suffix    ` + mockcloud.BucketSuffix + ` (26 zeros)
  resource IDs               <logical name>-id, e.g. network-id for the VPC
  IAM ARNs                   arn:aws:iam::` + mockcloud.AccountID + `:role/<logical name>, .../policy/<logical name>
  load balancer host         <namespace>-<service>-0000000000000000.elb.<region>.amazonaws.com
  existing cluster           any name is found, with the values above and an
                             OIDC provider; a platform stack exports
                             clusterName ` + mockcloud.PlatformClusterName + ` and these values
Secret values (secret inputs and outputs, and secure: values of the stack
file, which only the deployer can decrypt) are shown as ` + config.SecretMask + `.
Strings that hold JSON documents (IAM policies) are shown parsed.

Flags:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// multiFlag collects a flag given several times.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("synth", flag.ContinueOnError)
	flags.SetOutput(stderr)
	stackName := flags.String("stack", "", "the stack to plan (required): one with a Pulumi.<stack>.yaml")
	format := flags.String("format", "text", "output format: text (a tree), json (for machines and diffs) or mermaid (the dependency graph)")
	output := flags.String("o", "-", "write to this file instead of standard output")
	dir := flags.String("dir", ".", "the directory of Pulumi.yaml")
	stackFile := flags.String("stack-file", "", "plan this stack `FILE` (a path from here, not under -dir) instead of Pulumi.<stack>.yaml,\nsuch as an example to copy; -stack defaults to the <name> of Pulumi.<name>.yaml[.example]")
	var assumeSecrets multiFlag
	flags.Var(&assumeSecrets, "assume-secret", "a `KEY` the deployer sets with pulumi config set --secret before the first pulumi up\n(e.g. milvusRootPassword for prod); planned as "+config.SecretMask+"; may repeat")
	flags.Usage = func() {
		fmt.Fprint(stderr, usageText)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	render, ok := map[string]func(plan.Plan) []byte{
		"text":    plan.Plan.Text,
		"json":    plan.Plan.JSON,
		"mermaid": plan.Plan.Mermaid,
	}[*format]
	if (*stackName == "" && *stackFile == "") || !ok || flags.NArg() > 0 {
		flags.Usage()
		return exitUsage
	}

	p, err := plan.Synthesize(plan.Options{Dir: *dir, Stack: *stackName, StackFile: *stackFile, AssumeSecrets: assumeSecrets})
	var problems config.Problems
	var unknown plan.UnknownStackError
	switch {
	case errors.As(err, &problems):
		fmt.Fprintln(stderr, err)
		for _, p := range problems {
			if p.Value == "" && strings.Contains(p.Rule, "--secret") {
				fmt.Fprintf(stderr, "\nA secret the deployer sets before the first pulumi up can be assumed offline: -assume-secret %s\n", strings.TrimPrefix(p.Key, config.Namespace+":"))
			}
		}
		return exitUsage
	case errors.As(err, &unknown):
		fmt.Fprintln(stderr, err)
		return exitUsage
	case err != nil:
		fmt.Fprintln(stderr, "synth:", err)
		return exitFailure
	}

	data := render(p)
	if *output == "-" {
		_, err = stdout.Write(data)
	} else {
		err = os.WriteFile(*output, data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, "synth:", err)
		return exitFailure
	}
	return exitOK
}

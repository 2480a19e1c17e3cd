package plan

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/cost"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// The command's exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1 // the plan could not be made or written
	ExitUsage   = 2 // bad flags, an unknown stack, or a bad configuration
)

const usageText = `Usage: go run ./cmd/synth -stack <name> [-format text|json|mermaid|cost] [-o FILE] [-assume-secret KEY]...
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
  load balancer host         <load balancer name>-0000000000000000.elb.<region>.amazonaws.com
  existing cluster           any name is found, with the values above and an
                             OIDC provider; a platform stack exports
                             clusterName ` + mockcloud.PlatformClusterName + ` and these values
Secret values (secret inputs and outputs, and secure: values of the stack
file, which only the deployer can decrypt) are shown as ` + config.SecretMask + `.
Strings that hold JSON documents (IAM policies) are shown parsed.

Flags:
`

// multiFlag collects a flag given several times.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// Command is cmd/synth: it parses args, plans the stack they name, and
// writes the plan; it returns the process's exit code.
func Command(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("synth", flag.ContinueOnError)
	flags.SetOutput(stderr)
	stackName := flags.String("stack", "", "the stack to plan (required): one with a Pulumi.<stack>.yaml")
	format := flags.String("format", "text", "output format: text (a tree), json (for machines and diffs), mermaid (the dependency graph)\nor cost (the monthly cost at the embedded list prices)")
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
		return ExitUsage
	}
	render, ok := map[string]func(Plan) ([]byte, error){
		"text":    infallible(Plan.Text),
		"json":    infallible(Plan.JSON),
		"mermaid": infallible(Plan.Mermaid),
		"cost":    Plan.Cost,
	}[*format]
	if (*stackName == "" && *stackFile == "") || !ok || flags.NArg() > 0 {
		flags.Usage()
		return ExitUsage
	}

	planned, err := Synthesize(Options{Dir: *dir, Stack: *stackName, StackFile: *stackFile, AssumeSecrets: assumeSecrets})
	var problems config.Problems
	var unknown UnknownStackError
	switch {
	case errors.As(err, &problems):
		fmt.Fprintln(stderr, err)
		for _, problem := range problems {
			if problem.Value == "" && strings.Contains(problem.Rule, "--secret") {
				fmt.Fprintf(stderr, "\nA secret the deployer sets before the first pulumi up can be assumed offline: -assume-secret %s\n", strings.TrimPrefix(problem.Key, config.Namespace+":"))
			}
		}
		return ExitUsage
	case errors.As(err, &unknown):
		fmt.Fprintln(stderr, err)
		return ExitUsage
	case err != nil:
		fmt.Fprintln(stderr, "synth:", err)
		return ExitFailure
	}

	data, err := render(planned)
	if err != nil {
		fmt.Fprintln(stderr, "synth:", err)
		return ExitFailure
	}
	if *output == "-" {
		_, err = stdout.Write(data)
	} else {
		err = os.WriteFile(*output, data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, "synth:", err)
		return ExitFailure
	}
	return ExitOK
}

func infallible(render func(Plan) []byte) func(Plan) ([]byte, error) {
	return func(p Plan) ([]byte, error) { return render(p), nil }
}

// Cost is the plan's monthly cost at the embedded prices (package cost).
func (p Plan) Cost() ([]byte, error) {
	usage, err := cost.UsageOf(p.JSON())
	if err != nil {
		return nil, err
	}
	estimate, err := cost.Estimated(usage, cost.Embedded())
	if err != nil {
		return nil, err
	}
	return []byte(estimate.Text()), nil
}

package cost

import (
	"flag"
	"fmt"
	"io"
	"os"
)

// DiffCommand is cmd/costdiff: the monthly cost change between two plans
// of a stack (`cmd/synth -format json`), the base branch's and a pull
// request's, as Markdown. It returns the process's exit code.
func DiffCommand(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("costdiff", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "Usage: go run ./cmd/costdiff BASE.json HEAD.json\n\nPrints the monthly cost change, item by item, between two offline plans of a stack\n(go run ./cmd/synth -stack <name> -format json), at the embedded list prices.")
	}
	if err := flags.Parse(args); err != nil || flags.NArg() != 2 {
		flags.Usage()
		return 2
	}
	var estimates [2]Estimate
	for i, path := range flags.Args() {
		raw, err := os.ReadFile(path)
		if err == nil {
			var u Usage
			if u, err = UsageOf(raw); err == nil {
				estimates[i], err = Estimated(u, Embedded())
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "costdiff: %s: %v\n", path, err)
			return 1
		}
	}
	fmt.Fprint(stdout, DiffText(estimates[0], estimates[1]))
	return 0
}

package generate

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/badconfig"
	"github.com/milvus-eks/milvus-eks/infra/offline/cost"
	"github.com/milvus-eks/milvus-eks/infra/offline/plan"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
)

// The parts generated from the offline plans of the shipped stacks: the
// snapshots, the graph, what each stack runs and what it costs.

// PlannedStacks are the stacks with a snapshot: the shipped ones and the
// examples.
var PlannedStacks = []string{"dev", "prod", "shared"}

// Plan is a shipped stack's offline plan as its deployer would have it
// (the secrets they set before the first `pulumi up` assumed), with keys
// set over its file to plan a variant.
func Plan(root, stack string, set map[string]string) (plan.Plan, error) {
	options := plan.Options{Dir: root, Stack: stack, AssumeSecrets: stackfile.DeployerSecrets[stack], Set: set}
	if example, ok := stackfile.Examples[stack]; ok {
		options.StackFile = filepath.Join(root, example)
	}
	return plan.Synthesize(options)
}

// Snapshots are the plans kept as JSON in tests/testdata/<name>.json: the
// planned stacks, and prod with Pulsar, whose chart the workload tests
// (tests/workloads) render too.
var Snapshots = append(plannedSnapshots(), variant{"prod-pulsar", "prod", prodWithPulsar})

func plannedSnapshots() []variant {
	var out []variant
	for _, stack := range PlannedStacks {
		out = append(out, variant{stack, stack, nil})
	}
	return out
}

// prodWithPulsar is prod's variant with Pulsar as the message queue.
var prodWithPulsar = map[string]string{config.FullName("messageQueue"): config.QueuePulsar}

// snapshot is a plan as JSON: a reviewed file, in which a change to an IAM
// policy, a Helm value or a dependency shows up as a diff.
func snapshot(v variant) func(string) (string, error) {
	return func(root string) (string, error) {
		p, err := Plan(root, v.stack, v.set)
		return string(p.JSON()), err
	}
}

// prodGraph draws the prod plan, as `synth -format mermaid` does.
func prodGraph(root string) (string, error) {
	p, err := Plan(root, "prod", nil)
	return "```mermaid\n" + string(p.Mermaid()) + "```\n", err
}

func problemsGolden(root string) (string, error) { return badconfig.Golden(root) }

// variant is a stack as the README's tables show it.
type variant struct {
	title, stack string
	set          map[string]string
}

// readmeVariants are the README's columns: the shipped stacks, and prod with
// Pulsar beside them for comparison.
var readmeVariants = []variant{
	{"dev", "dev", nil},
	{"prod", "prod", nil},
	{"prod with `messageQueue: pulsar`", "prod", prodWithPulsar},
}

// readmeWhatRuns is what each variant runs: pods, requests, volumes, nodes.
func readmeWhatRuns(root string) (string, error) {
	var b strings.Builder
	for _, v := range readmeVariants {
		p, err := Plan(root, v.stack, v.set)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "**%s**\n\n%s\n", v.title, p.Runs.Markdown())
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// readmeCost is the monthly cost of each variant, item by item.
func readmeCost(root string) (string, error) {
	estimates := make([]cost.Estimate, len(readmeVariants))
	for i, v := range readmeVariants {
		p, err := Plan(root, v.stack, v.set)
		if err != nil {
			return "", err
		}
		usage, err := cost.UsageOf(p.JSON())
		if err != nil {
			return "", err
		}
		if estimates[i], err = cost.Estimated(usage, cost.Embedded()); err != nil {
			return "", err
		}
	}
	var items []string
	seen := map[string]bool{}
	for _, e := range estimates {
		for _, l := range e.Fixed {
			if !seen[l.Item] {
				seen[l.Item] = true
				items = append(items, l.Item)
			}
		}
	}
	var b strings.Builder
	b.WriteString("| Monthly, USD |")
	for _, v := range readmeVariants {
		fmt.Fprintf(&b, " %s |", strings.ReplaceAll(v.title, "`messageQueue: pulsar`", "Pulsar"))
	}
	b.WriteString("\n| --- |" + strings.Repeat(" ---: |", len(readmeVariants)) + "\n")
	for _, item := range items {
		fmt.Fprintf(&b, "| %s |", item)
		for _, e := range estimates {
			if total, ok := e.Monthly(item); ok {
				fmt.Fprintf(&b, " %.2f |", total)
			} else {
				b.WriteString(" |")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("| **Total, fixed** |")
	for _, e := range estimates {
		fmt.Fprintf(&b, " **%.2f** |", e.Total())
	}
	// Karpenter's pools: each pool's least and most, then the range.
	var pools []string
	seenPool := map[string]bool{}
	for _, e := range estimates {
		for _, r := range e.Ranges {
			if !seenPool[r.Item] {
				seenPool[r.Item] = true
				pools = append(pools, r.Item)
			}
		}
	}
	for _, pool := range pools {
		fmt.Fprintf(&b, "\n| %s, least to most |", pool)
		for _, e := range estimates {
			cell := " |"
			for _, r := range e.Ranges {
				if r.Item == pool {
					cell = fmt.Sprintf(" %.2f to %.2f |", r.Low.Monthly, r.High.Monthly)
				}
			}
			b.WriteString(cell)
		}
	}
	if len(pools) > 0 {
		b.WriteString("\n| **Total, with the pools** |")
		for _, e := range estimates {
			low, high := e.Range()
			fmt.Fprintf(&b, " **%.2f to %.2f** |", low, high)
		}
	}
	fmt.Fprintf(&b, "\n\nUS East (Ohio) list prices, from the table compiled on %s ([its sources](infra/offline/cost/prices.md)); %d hours a month.",
		estimates[0].PricesDate, cost.HoursPerMonth)
	return b.String(), nil
}

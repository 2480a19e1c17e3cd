// Command milvus-eks is the Pulumi program that runs Milvus on EKS with its
// data in S3. Run it with `pulumi up`; see README.md.
package main

// Pulumi.yaml's config block, the README's tables, the graph, the plan
// snapshots and the golden problems are generated (infra/offline/generate).
//go:generate go run ./cmd/generate

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/stack"
)

func main() {
	settings, err := config.FromEngine(os.Getenv(pulumi.EnvConfig), os.Getenv(pulumi.EnvConfigSecretKeys))
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	// The program checks the configuration again before it declares
	// anything; checking it here first prints the problems as one plain list,
	// before the engine is contacted and without its error wrapping.
	if _, err := config.Load(settings, os.Getenv(pulumi.EnvStack)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pulumi.Run(stack.Program(settings))
}

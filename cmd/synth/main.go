// Command synth is the offline plan: it runs the same program as `pulumi up`
// on Pulumi's in-process mock engine, with a stack's own Pulumi.<stack>.yaml,
// and prints every resource it would declare, without an AWS account, the
// Pulumi CLI or a network. Its flags are plan.Command's.
//
//	go run ./cmd/synth -stack dev
//	go run ./cmd/synth -stack prod -assume-secret milvusRootPassword -format mermaid
package main

import (
	"os"

	"github.com/milvus-eks/milvus-eks/infra/offline/plan"
)

func main() {
	os.Exit(plan.Command(os.Args[1:], os.Stdout, os.Stderr))
}

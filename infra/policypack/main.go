// Command policypack is this project's Pulumi policy pack (CrossGuard):
//
//	pulumi preview --policy-pack infra/policypack
//	pulumi up --policy-pack infra/policypack
//
// Its policies are package rules', which the tests also run on the offline
// plans; package analyzer adapts them to the engine. Every violation is
// mandatory. Whether the stack is production comes from its own
// configuration (`production`), which the engine passes to the pack.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/milvus-eks/milvus-eks/infra/policypack/analyzer"
)

func main() {
	if err := policyx.Main(analyzer.Pack); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

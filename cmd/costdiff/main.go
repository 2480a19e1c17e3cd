// Command costdiff prints the monthly cost change between two offline plans
// of a stack; the pull-request workflow posts it. See cost.DiffCommand.
package main

import (
	"os"

	"github.com/milvus-eks/milvus-eks/infra/offline/cost"
)

func main() { os.Exit(cost.DiffCommand(os.Args[1:], os.Stdout, os.Stderr)) }

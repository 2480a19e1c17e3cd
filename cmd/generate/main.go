// Command generate rewrites everything this repository generates from Go
// values (infra/offline/generate): run it from the repository's root, as
// `go generate ./...` does.
package main

import (
	"fmt"
	"os"

	"github.com/milvus-eks/milvus-eks/infra/offline/generate"
)

func main() {
	if err := generate.Write("."); err != nil {
		fmt.Fprintln(os.Stderr, "generate:", err)
		os.Exit(1)
	}
}

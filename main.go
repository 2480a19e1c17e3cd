// Command milvus-eks is the Pulumi program that runs Milvus on EKS with its
// data in S3. Run it with `pulumi up`; see README.md.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/stack"
)

func main() {
	pulumi.Run(stack.Run)
}

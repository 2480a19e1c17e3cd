// Package facts holds what several parts of the program must agree on,
// written once: the configuration's rules, the components that declare the
// resources, the policy pack that checks them and the post-deploy checker
// all import it. It imports nothing of this project, so that any package
// may.
package facts

import "strings"

// VpcZones is how many availability zones a VPC the stack creates spans:
// one public and one private subnet in each. Three keep etcd's quorum, one
// member per zone, through the loss of a zone.
const VpcZones = 3

// MilvusPort is Milvus' gRPC and REST port, on its proxies and on the load
// balancer in front of them: the only port the stack publishes.
const MilvusPort = 19530

// MilvusMetricsPort serves Milvus' metrics, pprof and WebUI, with no login:
// it stays inside the cluster.
const MilvusMetricsPort = 9091

// The nodes' instance metadata service answers only IMDSv2 requests, whose
// token response travels one network hop: a pod, one hop further behind
// its own network namespace, gets no token and so no node credentials, and
// reaches AWS only through IRSA. (pulumi-eks' enableIMDSv2 sets a hop limit
// of 2, which pods reach; hence a launch template of the project's own.)
const (
	NodeMetadataHTTPTokens = "required"
	NodeMetadataHopLimit   = 1
)

// PoolLabel is the node label that names a node's pool when Karpenter runs
// Milvus' nodes: "system" on the node group's, the NodePool's role
// ("query", "core") on the nodes it starts. Milvus' pods select it.
const PoolLabel = "milvus-eks/pool"

// The pools' names, as PoolLabel carries them: the node group's, and the
// two NodePools' roles.
const (
	PoolSystem = "system"
	PoolQuery  = "query"
	PoolCore   = "core"
)

// The nodes' root volume: encrypted gp3 on Amazon Linux 2023's root device.
const (
	NodeRootDevice     = "/dev/xvda"
	NodeRootVolumeType = "gp3"
)

// Partition is the AWS partition of a region: aws, aws-cn, aws-us-gov, or
// one of the isolated partitions. ARNs name it, and the China partition
// names its endpoints differently (DNSSuffix, ServicePrefix).
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	default:
		return "aws"
	}
}

// DNSSuffix ends the host names of a region's service endpoints
// ("s3.cn-north-1.amazonaws.com.cn") in the commercial, GovCloud and China
// partitions, the ones this program deploys to.
func DNSSuffix(region string) string {
	if Partition(region) == "aws-cn" {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// ServicePrefix starts the names of a region's VPC endpoint services
// ("cn.com.amazonaws.cn-north-1.s3"), as `aws ec2
// describe-vpc-endpoint-services` lists them.
func ServicePrefix(region string) string {
	if Partition(region) == "aws-cn" {
		return "cn.com.amazonaws"
	}
	return "com.amazonaws"
}

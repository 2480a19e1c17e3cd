package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/nodeguarantees"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter/nodepools"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

const (
	typeNodeClass   = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
	typeNodePool    = "kubernetes:karpenter.sh/v1:NodePool"
	typeQueue       = "aws:sqs/queue:Queue"
	typeQueuePolicy = "aws:sqs/queuePolicy:QueuePolicy"
	typeEventRule   = "aws:cloudwatch/eventRule:EventRule"
	typeEventTarget = "aws:cloudwatch/eventTarget:EventTarget"
	typeAccessEntry = "aws:eks/accessEntry:AccessEntry"
)

// decode reads a plain input value into a typed one.
func decode(t *testing.T, v any, into any) {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, into))
}

// Both shipped stacks hold Karpenter, its queue and rules, the node class
// and both pools.
func TestPoolsInBothStacks(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		d := deploy(t, stack)
		assert.Len(t, d.Of(typeNodeClass), 1, stack)
		assert.Len(t, d.Of(typeNodePool), 2, stack)
		assert.Len(t, d.Of(typeQueue), 1, stack)
		assert.Len(t, d.Of(typeQueuePolicy), 1, stack)
		assert.Len(t, d.Of(typeEventRule), 5, stack)
		assert.Len(t, d.Of(typeEventTarget), 5, stack)
		var karpenter []string
		for _, r := range d.Of(typeRelease) {
			karpenter = append(karpenter, r.Input("name").StringValue())
		}
		assert.Contains(t, karpenter, "karpenter", stack)
	}
}

// The node class keeps exactly what the node group's launch template
// keeps: both are read back from the plan, into the same guarantees.
func TestNodeClassKeepsTheLaunchTemplatesGuarantees(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		d := deploy(t, stack)
		lt := d.one(t, typeLaunchTemplate, "cluster-nodes")
		root := mockcloud.Plain(lt.Input("blockDeviceMappings")).([]any)[0].(map[string]any)
		ebs := root["ebs"].(map[string]any)
		fromTemplate := nodeguarantees.Guarantees{
			HTTPTokens:          lt.Input("metadataOptions", "httpTokens").StringValue(),
			HopLimit:            int(lt.Input("metadataOptions", "httpPutResponseHopLimit").NumberValue()),
			RootDevice:          root["deviceName"].(string),
			VolumeType:          ebs["volumeType"].(string),
			SizeGiB:             int(ebs["volumeSize"].(float64)),
			Encrypted:           ebs["encrypted"] == "true",
			DeleteOnTermination: ebs["deleteOnTermination"] == "true",
		}
		var spec nodepools.NodeClassSpec
		decode(t, mockcloud.Plain(d.only(t, typeNodeClass).Input("spec")), &spec)
		fromClass, err := spec.Guarantees()
		require.NoError(t, err)
		assert.Equal(t, fromTemplate, fromClass, stack)
		assert.Equal(t, nodeguarantees.Of(100), fromClass, stack)
	}
}

// Prod's pools exactly, as the plan holds them.
func TestProdPools(t *testing.T) {
	d := deploy(t, "prod")
	var query, core nodepools.NodePoolSpec
	decode(t, mockcloud.Plain(d.one(t, typeNodePool, "karpenter-query").Input("spec")), &query)
	decode(t, mockcloud.Plain(d.one(t, typeNodePool, "karpenter-core").Input("spec")), &core)
	assert.Equal(t, nodepools.NodePool(nodepools.Pool{Role: "query", Arch: "amd64", Families: []string{"r7i", "r6i"}, CPULimit: 48, MemoryLimitGiB: 384, Production: true}), query)
	assert.Equal(t, nodepools.NodePool(nodepools.Pool{Role: "core", Arch: "amd64", Families: []string{"m7i", "m6i"}, CPULimit: 48, MemoryLimitGiB: 192, Production: true}), core)
	var class nodepools.NodeClassSpec
	decode(t, mockcloud.Plain(d.only(t, typeNodeClass).Input("spec")), &class)
	assert.Equal(t, []nodepools.AMISelectorTerm{{Alias: "al2023@v20260625"}}, class.AMISelectorTerms)
	assert.Len(t, class.SubnetSelectorTerms, 3)

	entry := d.one(t, typeAccessEntry, "karpenter-node")
	assert.Equal(t, "EC2_LINUX", entry.Input("type").StringValue())
	queue := d.only(t, typeQueue)
	assert.Equal(t, "milvus-prod", queue.Input("name").StringValue())
	assert.Equal(t, 300.0, queue.Input("messageRetentionSeconds").NumberValue())
	assert.True(t, queue.Input("sqsManagedSseEnabled").BoolValue())
}

// Milvus' release waits for the pools its pods select, and they for
// Karpenter's release (the CRDs) and the nodes' access entry.
func TestPoolsComeBeforeMilvus(t *testing.T) {
	d := deploy(t, "prod")
	milvus := d.one(t, typeRelease, "milvus")
	for _, pool := range []string{"karpenter-query", "karpenter-core"} {
		assert.Contains(t, milvus.Dependencies, d.one(t, typeNodePool, pool).URN)
		assert.ElementsMatch(t, []string{typeRelease + "::karpenter", typeAccessEntry + "::karpenter-node", typeNodeClass + "::karpenter-node-class"},
			d.DependencyNames(d.one(t, typeNodePool, pool)))
	}
	values := mockcloud.Plain(milvus.Input("values")).(map[string]any)
	assert.Equal(t, map[string]any{"milvus-eks/pool": "query"}, values["queryNode"].(map[string]any)["nodeSelector"])
	assert.Equal(t, map[string]any{"milvus-eks/pool": "core"}, values["etcd"].(map[string]any)["nodeSelector"])
	assert.Equal(t, map[string]any{"enabled": true, "minReplicas": 3.0, "maxReplicas": 9.0, "cpuUtilization": 60.0}, values["proxy"].(map[string]any)["hpa"])
	assert.Equal(t, -1.0, values["proxy"].(map[string]any)["replicas"])
}

func TestKarpenterOutputs(t *testing.T) {
	got := map[string]any{}
	for name, value := range deploy(t, "prod").Outputs {
		if strings.HasPrefix(name, "karpenter") {
			got[name] = value
		}
	}
	assert.Equal(t, map[string]any{
		"karpenterRoleArn":           "arn:aws:iam::000000000000:role/karpenter",
		"karpenterNodeRoleArn":       "arn:aws:iam::000000000000:role/karpenter-node",
		"karpenterInterruptionQueue": "milvus-prod",
	}, got)
}

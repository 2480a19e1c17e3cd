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

// Each stack's pools exactly, as the plan holds them: dev's query nodes
// may use spot, prod's pools are on-demand and still in business hours.
func TestPoolsPerStack(t *testing.T) {
	want := map[string][]nodepools.Pool{
		"dev": {
			{Role: "query", Arch: "amd64", Families: []string{"r7i", "r6i"}, Spot: true, CPULimit: 16, MemoryLimitGiB: 128},
			{Role: "core", Arch: "amd64", Families: []string{"m7i", "m6i"}, CPULimit: 16, MemoryLimitGiB: 64},
		},
		"prod": {
			{Role: "query", Arch: "amd64", Families: []string{"r7i", "r6i"}, CPULimit: 48, MemoryLimitGiB: 384, Production: true},
			{Role: "core", Arch: "amd64", Families: []string{"m7i", "m6i"}, CPULimit: 48, MemoryLimitGiB: 192, Production: true},
		},
	}
	for stack, pools := range want {
		d := deploy(t, stack)
		for _, pool := range pools {
			r := d.one(t, typeNodePool, "karpenter-"+pool.Role)
			assert.Equal(t, nodepools.Name(pool.Role), r.Input("metadata", "name").StringValue(), stack)
			var got nodepools.NodePoolSpec
			decode(t, mockcloud.Plain(r.Input("spec")), &got)
			assert.Equal(t, nodepools.NodePool(pool), got, "%s: %s", stack, pool.Role)
		}
	}
}

// The interruption queue, its policy, and the rules that feed it, exactly:
// every rule's pattern is one of the release's and targets the queue.
func TestInterruptionQueue(t *testing.T) {
	d := deploy(t, "prod")
	queueArn := "arn:aws:sqs:us-east-2:000000000000:milvus-prod"
	policy := d.only(t, typeQueuePolicy)
	assert.JSONEq(t, `{"Id":"EC2InterruptionPolicy","Statement":[
		{"Effect":"Allow","Principal":{"Service":["events.amazonaws.com","sqs.amazonaws.com"]},"Action":"sqs:SendMessage","Resource":"`+queueArn+`"},
		{"Sid":"DenyHTTP","Effect":"Deny","Action":"sqs:*","Resource":"`+queueArn+`","Condition":{"Bool":{"aws:SecureTransport":false}},"Principal":"*"}]}`,
		policy.Input("policy").StringValue())
	patterns := map[string]string{}
	for _, r := range d.Of(typeEventRule) {
		patterns[r.Name] = r.Input("eventPattern").StringValue()
	}
	assert.Equal(t, map[string]string{
		"karpenter-CapacityReservationInterruption": `{"detail-type":["EC2 Capacity Reservation Instance Interruption Warning"],"source":["aws.ec2"]}`,
		"karpenter-InstanceStateChange":             `{"detail-type":["EC2 Instance State-change Notification"],"source":["aws.ec2"]}`,
		"karpenter-Rebalance":                       `{"detail-type":["EC2 Instance Rebalance Recommendation"],"source":["aws.ec2"]}`,
		"karpenter-ScheduledChange":                 `{"detail-type":["AWS Health Event"],"source":["aws.health"]}`,
		"karpenter-SpotInterruption":                `{"detail-type":["EC2 Spot Instance Interruption Warning"],"source":["aws.ec2"]}`,
	}, patterns)
	for _, target := range d.Of(typeEventTarget) {
		assert.Equal(t, queueArn, target.Input("arn").StringValue(), target.Name)
		assert.Equal(t, "KarpenterInterruptionQueueTarget", target.Input("targetId").StringValue(), target.Name)
		assert.Equal(t, target.Name, target.Input("rule").StringValue(), "%s targets its own rule", target.Name)
	}
}

// Prod's node class, access entry and queue.
func TestProdNodeClass(t *testing.T) {
	d := deploy(t, "prod")
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

package nodepools

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/nodeguarantees"
)

func marshal(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return string(raw)
}

func TestNodeClass(t *testing.T) {
	spec := NodeClass(NodeClassArgs{Guarantees: nodeguarantees.Of(100), ImageVersion: "v20260625", Role: "nodes-1234",
		SubnetIDs: []string{"subnet-a", "subnet-b", "subnet-c"}, SecurityGroupID: "sg-cluster"})
	assert.JSONEq(t, `{
		"amiSelectorTerms": [{"alias": "al2023@v20260625"}],
		"role": "nodes-1234",
		"subnetSelectorTerms": [{"id": "subnet-a"}, {"id": "subnet-b"}, {"id": "subnet-c"}],
		"securityGroupSelectorTerms": [{"id": "sg-cluster"}],
		"metadataOptions": {"httpEndpoint": "enabled", "httpProtocolIPv6": "disabled", "httpPutResponseHopLimit": 1, "httpTokens": "required"},
		"blockDeviceMappings": [{"deviceName": "/dev/xvda", "rootVolume": true,
			"ebs": {"volumeSize": "100Gi", "volumeType": "gp3", "encrypted": true, "deleteOnTermination": true}}]
	}`, marshal(t, spec))
}

// A node class gives back exactly the guarantees it was built from, and
// one that lost its root volume says so.
func TestNodeClassGuaranteesRoundTrip(t *testing.T) {
	want := nodeguarantees.Of(80)
	got, err := NodeClass(NodeClassArgs{Guarantees: want, ImageVersion: "v20260625"}).Guarantees()
	require.NoError(t, err)
	assert.Equal(t, want, got)

	_, err = NodeClassSpec{}.Guarantees()
	assert.EqualError(t, err, "the node class must have exactly one volume, its root volume")
}

func TestNodePool(t *testing.T) {
	tests := []struct {
		name string
		pool Pool
		want string
	}{
		{"dev's query pool, spot allowed", Pool{Role: "query", Arch: "amd64", Families: []string{"r7i", "r6i"}, Spot: true, CPULimit: 16, MemoryLimitGiB: 128}, `{
			"template": {"metadata": {"labels": {"milvus-eks/pool": "query"}},
				"spec": {"nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "milvus"},
					"requirements": [
						{"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": ["r7i", "r6i"]},
						{"key": "karpenter.k8s.aws/instance-size", "operator": "In", "values": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]},
						{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
						{"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]},
						{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot", "on-demand"]}],
					"expireAfter": "720h"}},
			"limits": {"cpu": "16", "memory": "128Gi"},
			"disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "5m", "budgets": [{"nodes": "1"}]}}`},
		{"prod's core pool: on-demand, still in business hours", Pool{Role: "core", Arch: "amd64", Families: []string{"m7i"}, CPULimit: 48, MemoryLimitGiB: 192, Production: true}, `{
			"template": {"metadata": {"labels": {"milvus-eks/pool": "core"}},
				"spec": {"nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "milvus"},
					"requirements": [
						{"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": ["m7i"]},
						{"key": "karpenter.k8s.aws/instance-size", "operator": "In", "values": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]},
						{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
						{"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]},
						{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]}],
					"expireAfter": "720h"}},
			"limits": {"cpu": "48", "memory": "192Gi"},
			"disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "30m",
				"budgets": [{"nodes": "1"}, {"nodes": "0", "schedule": "0 8 * * mon-fri", "duration": "10h"}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.JSONEq(t, tt.want, marshal(t, NodePool(tt.pool)))
		})
	}
}

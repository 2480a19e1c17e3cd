package published

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The embedded template is the file of tag v1.14.1, byte for byte: its git
// blob id is the one the tag's tree names.
func TestTemplateIsThePublishedBlob(t *testing.T) {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(Template))
	h.Write(Template)
	assert.Equal(t, "2c2ca72301a002c68185979fc4d2c8dab0f9c13a", hex.EncodeToString(h.Sum(nil)))
}

var values = Values{ClusterName: "milvus-dev", Region: "us-east-2", Partition: "aws", AccountID: "111122223333",
	NodeRoleArn: "arn:aws:iam::111122223333:role/nodes", QueueArn: "arn:aws:sqs:us-east-2:111122223333:milvus-dev"}

func TestControllerPolicies(t *testing.T) {
	policies, err := ControllerPolicies(values, "ZonalShiftPolicy")
	require.NoError(t, err)
	var names []string
	for _, p := range policies {
		names = append(names, p.Name)
	}
	assert.Equal(t, []string{
		"KarpenterControllerEKSIntegrationPolicy-milvus-dev",
		"KarpenterControllerIAMIntegrationPolicy-milvus-dev",
		"KarpenterControllerInterruptionPolicy-milvus-dev",
		"KarpenterControllerNodeLifecyclePolicy-milvus-dev",
		"KarpenterControllerResourceDiscoveryPolicy-milvus-dev",
	}, names)
	assert.JSONEq(t, `{"Version":"2012-10-17","Statement":[{"Sid":"AllowInterruptionQueueActions","Effect":"Allow",
		"Resource":"arn:aws:sqs:us-east-2:111122223333:milvus-dev","Action":["sqs:DeleteMessage","sqs:GetQueueUrl","sqs:ReceiveMessage"]}]}`, policies[2].Document)
	assert.JSONEq(t, `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAPIServerEndpointDiscovery","Effect":"Allow",
		"Resource":"arn:aws:eks:us-east-2:111122223333:cluster/milvus-dev","Action":"eks:DescribeCluster"}]}`, policies[0].Document)
	for _, p := range policies {
		assert.NotContains(t, p.Document, "${", p.Name)
	}
	assert.Contains(t, policies[1].Document, `"Resource":"arn:aws:iam::111122223333:role/nodes","Action":"iam:PassRole"`)
	assert.Contains(t, policies[3].Document, `"aws:ResourceTag/kubernetes.io/cluster/milvus-dev":"owned"`)
}

func TestControllerPoliciesNeedEveryValue(t *testing.T) {
	v := values
	v.AccountID = ""
	_, err := ControllerPolicies(v)
	assert.ErrorContains(t, err, "no value for AWS::AccountId")
}

func TestNodeRolePolicies(t *testing.T) {
	policies, err := NodeRolePolicies()
	require.NoError(t, err)
	assert.Equal(t, []string{"AmazonEKS_CNI_Policy", "AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"}, policies)
}

func TestInterruptionQueue(t *testing.T) {
	q, err := InterruptionQueue()
	require.NoError(t, err)
	assert.Equal(t, Queue{RetentionSeconds: 300, ManagedSSE: true}, q)
	policy, err := QueuePolicy(values.QueueArn)
	require.NoError(t, err)
	assert.JSONEq(t, `{"Id":"EC2InterruptionPolicy","Statement":[
		{"Effect":"Allow","Principal":{"Service":["events.amazonaws.com","sqs.amazonaws.com"]},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-2:111122223333:milvus-dev"},
		{"Sid":"DenyHTTP","Effect":"Deny","Action":"sqs:*","Resource":"arn:aws:sqs:us-east-2:111122223333:milvus-dev","Condition":{"Bool":{"aws:SecureTransport":false}},"Principal":"*"}]}`, policy)
}

func TestRules(t *testing.T) {
	rules, err := Rules()
	require.NoError(t, err)
	assert.Equal(t, []Rule{
		{"CapacityReservationInterruptionRule", `{"detail-type":["EC2 Capacity Reservation Instance Interruption Warning"],"source":["aws.ec2"]}`, "KarpenterInterruptionQueueTarget"},
		{"InstanceStateChangeRule", `{"detail-type":["EC2 Instance State-change Notification"],"source":["aws.ec2"]}`, "KarpenterInterruptionQueueTarget"},
		{"RebalanceRule", `{"detail-type":["EC2 Instance Rebalance Recommendation"],"source":["aws.ec2"]}`, "KarpenterInterruptionQueueTarget"},
		{"ScheduledChangeRule", `{"detail-type":["AWS Health Event"],"source":["aws.health"]}`, "KarpenterInterruptionQueueTarget"},
		{"SpotInterruptionRule", `{"detail-type":["EC2 Spot Instance Interruption Warning"],"source":["aws.ec2"]}`, "KarpenterInterruptionQueueTarget"},
	}, rules)
}

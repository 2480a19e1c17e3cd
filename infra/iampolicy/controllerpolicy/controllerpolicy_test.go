package controllerpolicy

import (
	"github.com/milvus-eks/milvus-eks/infra/charts"

	"crypto/sha256"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
)

func TestLoadBalancerControllerPolicy(t *testing.T) {
	document, err := ForChart("3.5.0")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(document, `{"Version":"2012-10-17","Statement":[`), "compact JSON: %.60s", document)

	parsed, err := iampolicy.Parse(document)
	require.NoError(t, err)
	var actions []string
	for _, g := range parsed.Grants() {
		actions = append(actions, g.Action)
	}
	// What the controller does for Milvus' Service: find the subnets, make
	// the NLB and its target group, register pod IPs, open the nodes'
	// security groups to it.
	for _, action := range []string{
		"ec2:DescribeSubnets",
		"ec2:DescribeSecurityGroups",
		"ec2:AuthorizeSecurityGroupIngress",
		"ec2:CreateSecurityGroup",
		"elasticloadbalancing:CreateLoadBalancer",
		"elasticloadbalancing:CreateTargetGroup",
		"elasticloadbalancing:CreateListener",
		"elasticloadbalancing:RegisterTargets",
		"elasticloadbalancing:DeleteLoadBalancer",
		"iam:CreateServiceLinkedRole",
	} {
		assert.Contains(t, actions, action)
	}
	// The published policy grants no wildcard action.
	for _, action := range actions {
		assert.NotContains(t, action, "*", action)
	}
}

func TestLoadBalancerControllerPolicyVersions(t *testing.T) {
	// The program installs only vendored charts, and refuses none for want
	// of its controller's policy: each vendored chart has one.
	assert.Equal(t, charts.Versions(charts.LoadBalancerController), ChartVersions(), "the policies embedded, against the charts in infra/charts")
	_, err := ForChart("3.4.0")
	assert.EqualError(t, err, `controllerpolicy: no AWS Load Balancer Controller policy for chart version "3.4.0"`)
}

// The embedded controller policies are the files their README records, to
// the byte: a changed file must come with a new provenance line.
func TestLoadBalancerControllerPolicyFilesAreTheRecordedOnes(t *testing.T) {
	readme, err := os.ReadFile("published/README.md")
	require.NoError(t, err)
	for _, version := range ChartVersions() {
		file := releases[version] + ".json"
		raw, err := published.ReadFile("published/" + file)
		require.NoError(t, err)
		sum := sha256.Sum256(raw)
		row := regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(file) + "` \\|.*\\| `([0-9a-f]{64})` \\|$").FindSubmatch(readme)
		require.NotNil(t, row, "published/README.md records %s", file)
		assert.Equal(t, string(row[1]), hex.EncodeToString(sum[:]), file)
	}
}

package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/cost"
	"github.com/milvus-eks/milvus-eks/infra/offline/inventory"
	"github.com/milvus-eks/milvus-eks/infra/offline/plan"
)

// estimateOf prices a stack's plan, with changes to its stack file.
func estimateOf(t *testing.T, stackName string, changes map[string]string) cost.Estimate {
	t.Helper()
	d := deployWith(t, stackName, stackConfig(t, stackName, changes))
	usage, err := cost.UsageOf(plan.FromStack("milvus", stackName, d.Stack).JSON())
	require.NoError(t, err)
	e, err := cost.Estimated(usage, cost.Embedded())
	require.NoError(t, err)
	return e
}

func monthlyOf(e cost.Estimate, prefix string) float64 {
	total := 0.0
	for _, l := range e.Fixed {
		if strings.HasPrefix(l.Item, prefix) {
			total += l.Monthly
		}
	}
	return total
}

func TestCostComparisons(t *testing.T) {
	dev, prod := estimateOf(t, "dev", nil), estimateOf(t, "prod", nil)
	assert.Less(t, dev.Total(), prod.Total(), "dev costs less than prod")

	// Pulsar costs at least its volumes more than Woodpecker.
	pulsar := estimateOf(t, "prod", map[string]string{"milvus:messageQueue": "pulsar"})
	volumes := monthlyOf(pulsar, "EBS gp3 pulsar")
	assert.Greater(t, volumes, 0.0)
	assert.GreaterOrEqual(t, pulsar.Total()-prod.Total(), volumes-0.01)

	// One NAT gateway costs less than three, and nothing else changes.
	perAz := estimateOf(t, "dev", map[string]string{"milvus:natGateways": "perAz"})
	var items []string
	for _, c := range cost.Diff(dev, perAz) {
		items = append(items, c.Item)
		assert.Greater(t, c.Head, c.Base, c.Item)
	}
	assert.Equal(t, []string{"NAT gateway", "Public IPv4 addresses of the NAT gateways"}, items)
}

// An existing-cluster stack pays for what it creates: no control plane,
// nodes or NAT gateways.
func TestCostOfAnExistingClusterStack(t *testing.T) {
	e, err := synthesize(t, "shared").Cost()
	require.NoError(t, err)
	for _, absent := range []string{"EKS control plane", "EC2 ", "NAT gateway"} {
		assert.NotContains(t, string(e), "\n"+absent, absent)
	}
	assert.Contains(t, string(e), "Network Load Balancer")
}

// The cost counts the volumes the chart claims from the release's values;
// the inventory counts them from the configuration. Both must agree.
func TestCostAndInventoryCountTheSameVolumes(t *testing.T) {
	for _, name := range plannedStacks {
		p := synthesize(t, name)
		usage, err := cost.UsageOf(p.JSON())
		require.NoError(t, err)
		gib := 0
		for _, v := range usage.Volumes {
			gib += v.Count * v.GiB
		}
		require.NotNil(t, p.Runs, name)
		assert.Equal(t, p.Runs.Requested.VolumeGiB, gib, name)
	}

	// And with Pulsar's volumes.
	settings := stackConfig(t, "prod", map[string]string{"milvus:messageQueue": "pulsar"})
	usage, err := cost.UsageOf(plan.FromStack("milvus", "prod", deployWith(t, "prod", settings).Stack).JSON())
	require.NoError(t, err)
	gib := 0
	for _, v := range usage.Volumes {
		gib += v.Count * v.GiB
	}
	cfg, err := config.Load(settings, "prod")
	require.NoError(t, err)
	assert.Equal(t, inventory.Of(cfg).Requested.VolumeGiB, gib)
	assert.Equal(t, 60+3*10+3*(20+50), gib)
}

// Every fixed item has a sourced price in every region of the table, so a
// stack with a NAT gateway per zone prices wherever it may be deployed.
func TestEveryRegionOfThePriceTablePricesAStackWithNAT(t *testing.T) {
	for region := range cost.Embedded().Regions {
		t.Run(region, func(t *testing.T) {
			e := estimateOf(t, "dev", map[string]string{"aws:region": region, "milvus:natGateways": "perAz"})
			nat, ok := e.Monthly("NAT gateway")
			require.True(t, ok, "the estimate lists the NAT gateways")
			assert.Greater(t, nat, 0.0)
		})
	}
}

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
	settings := stackConfig(t, stackName, changes)
	d := deployWith(t, stackName, settings)
	p := plan.FromStack("milvus", stackName, d.Stack)
	cfg, err := config.Load(settings, stackName)
	require.NoError(t, err)
	runs := inventory.Of(cfg)
	p.Runs = &runs
	usage, err := cost.UsageOf(p.JSON())
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

// The pools cost a range: dev's below prod's at both ends, and a wider
// limit costs more at the top and nothing more at the bottom.
func TestPoolCostRange(t *testing.T) {
	dev, prod := estimateOf(t, "dev", nil), estimateOf(t, "prod", nil)
	require.Len(t, dev.Ranges, 2)
	require.Len(t, prod.Ranges, 2)
	devLow, devHigh := dev.Range()
	prodLow, prodHigh := prod.Range()
	assert.Less(t, devLow, prodLow)
	assert.Less(t, devHigh, prodHigh)
	for _, e := range []cost.Estimate{dev, prod} {
		low, high := e.Range()
		assert.Less(t, e.Total(), low, "the pools cost something even at their least")
		assert.Less(t, low, high)
	}

	wider := estimateOf(t, "prod", map[string]string{"milvus:nodePools": `{"enabled": true, "query": {"cpuLimit": 96, "memoryLimitGiB": 768}, "core": {"cpuLimit": 48, "memoryLimitGiB": 192}}`})
	assert.Equal(t, prod.Ranges[0].Low, wider.Ranges[0].Low)
	assert.Greater(t, wider.Ranges[0].High.Monthly, prod.Ranges[0].High.Monthly)
	assert.Equal(t, prod.Ranges[1], wider.Ranges[1])
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

// A monitored stack lists what AMP and CloudWatch bill by use: the
// collector, the samples and the storage at unknown prices (none is in the
// sourced table), the pods' logs at CloudWatch's ingestion price; an
// unmonitored one lists none of them.
func TestCostOfMonitoring(t *testing.T) {
	usagePriced := func(e cost.Estimate) map[string]bool {
		out := map[string]bool{}
		for _, l := range e.UsagePriced {
			out[l.Item] = l.Unknown
		}
		return out
	}
	prod := usagePriced(estimateOf(t, "prod", nil))
	for item, unknown := range map[string]bool{
		"AMP managed collector (1)": true, "AMP metric samples ingested (every series every 30 s)": true,
		"AMP metrics stored": true, "AMP query samples processed (rules, dashboards)": true,
		"Pods' logs ingested into CloudWatch (Fluent Bit, the CloudWatch agent)":  false,
		"CloudWatch Logs storage of the pods' logs, for the retention configured": true,
	} {
		got, listed := prod[item]
		assert.True(t, listed, "prod lists %s", item)
		assert.Equal(t, unknown, got, "%s: price unknown", item)
	}
	for item := range usagePriced(estimateOf(t, "dev", nil)) {
		assert.False(t, strings.HasPrefix(item, "AMP") || strings.HasPrefix(item, "Pods' logs"), "dev lists %s", item)
	}
	// A workspace of another stack's is not this stack's to pay for.
	shared := usagePriced(estimateOf(t, "prod", map[string]string{
		"milvus:monitoring": `{"enabled": true, "alertEmails": ["oncall@example.com"], "workspaceArn": "arn:aws:aps:us-east-2:111122223333:workspace/ws-0123abcd"}`}))
	assert.NotContains(t, shared, "AMP metrics stored")
	assert.Contains(t, shared, "AMP managed collector (1)")
}

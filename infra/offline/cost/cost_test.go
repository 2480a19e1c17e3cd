package cost

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// prices is a made-up table with round numbers, so that each line's
// arithmetic can be checked by hand.
var prices = Prices{Date: "2026-01-01", Source: "test", Regions: map[string]RegionPrices{
	"us-east-2": {
		Items: map[string]Price{
			EKSClusterHour: {USD: 0.1}, NATGatewayHour: {USD: 0.045}, NATGatewayGB: {USD: 0.045}, PublicIPv4Hour: {USD: 0.005},
			NLBHour: {USD: 0.0225}, NLCUHour: {USD: 0.006}, GP3GBMonth: {USD: 0.08}, LogsIngestionGB: {USD: 0.5},
			S3StandardGBMonth: {USD: 0.023}, S3Put1000: {USD: 0.005}, S3GatewayHour: {USD: 0},
		},
		Instances: map[string]float64{"m6i.2xlarge": 0.384},
	},
}}

// smallPlan creates one cluster with two m6i.2xlarge nodes of 100 GiB, a
// NAT gateway with its address, an internet-facing NLB over 3 zones, a
// bucket with its gateway endpoint, logs, and a chart with etcd at 1 × 10Gi.
const smallPlan = `{
  "stack": "small",
  "outputs": {"region": "us-east-2", "publicSubnetIds": ["a", "b", "c"]},
  "resources": [
    {"urn": "u:cluster", "type": "eks:index:Cluster", "name": "cluster", "inputs": {"enabledClusterLogTypes": ["api"]}},
    {"urn": "u:lt", "type": "aws:ec2/launchTemplate:LaunchTemplate", "name": "nodes", "inputs": {"blockDeviceMappings": [{"ebs": {"volumeSize": 100}}]}},
    {"urn": "u:nodes", "type": "eks:index:ManagedNodeGroup", "name": "nodes", "dependencies": ["u:lt"],
     "inputs": {"instanceTypes": ["m6i.2xlarge"], "scalingConfig": {"minSize": 1, "desiredSize": 2, "maxSize": 3}}},
    {"urn": "u:nat", "type": "aws:ec2/natGateway:NatGateway", "name": "nat", "inputs": {}},
    {"urn": "u:eip", "type": "aws:ec2/eip:Eip", "name": "nat", "inputs": {}},
    {"urn": "u:bucket", "type": "aws:s3/bucketV2:BucketV2", "name": "storage", "inputs": {}},
    {"urn": "u:endpoint", "type": "aws:ec2/vpcEndpoint:VpcEndpoint", "name": "s3", "inputs": {"vpcEndpointType": "Gateway"}},
    {"urn": "u:svc", "type": "kubernetes:core/v1:Service", "name": "endpoint", "inputs": {
      "metadata": {"annotations": {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"}},
      "spec": {"type": "LoadBalancer"}}},
    {"urn": "u:release", "type": "kubernetes:helm.sh/v3:Release", "name": "milvus", "inputs": {"chart": "infra/charts/milvus-5.0.19.tgz",
      "values": {"etcd": {"replicaCount": 1, "persistence": {"size": "10Gi"}}, "pulsarv3": {"enabled": false}}}}
  ]
}`

func TestEachLinesArithmetic(t *testing.T) {
	u, err := UsageOf([]byte(smallPlan))
	require.NoError(t, err)
	e, err := Estimated(u, prices)
	require.NoError(t, err)
	assert.Equal(t, []Line{
		{Item: "EKS control plane", Quantity: 1, Unit: "cluster", UnitPrice: 0.1, PriceUnit: "hour", Monthly: 73},
		{Item: "EC2 m6i.2xlarge nodes (desired size)", Quantity: 2, Unit: "instance", UnitPrice: 0.384, PriceUnit: "hour", Monthly: 560.64},
		{Item: "EBS gp3 node root volumes", Quantity: 200, Unit: "GB", UnitPrice: 0.08, PriceUnit: "GB-month", Monthly: 16, Detail: "2 × 100 GiB"},
		{Item: "NAT gateway", Quantity: 1, Unit: "gateway", UnitPrice: 0.045, PriceUnit: "hour", Monthly: 32.85},
		{Item: "Public IPv4 addresses of the NAT gateways", Quantity: 1, Unit: "address", UnitPrice: 0.005, PriceUnit: "hour", Monthly: 3.65},
		{Item: "Network Load Balancer", Quantity: 1, Unit: "load balancer", UnitPrice: 0.0225, PriceUnit: "hour", Monthly: 16.43},
		{Item: "Public IPv4 addresses of the load balancer (one per zone)", Quantity: 3, Unit: "address", UnitPrice: 0.005, PriceUnit: "hour", Monthly: 10.95},
		{Item: "EBS gp3 etcd data", Quantity: 10, Unit: "GB", UnitPrice: 0.08, PriceUnit: "GB-month", Monthly: 0.8, Detail: "1 × 10 GiB"},
		{Item: "S3 gateway endpoint", Quantity: 1, Unit: "endpoint", UnitPrice: 0, PriceUnit: "hour", Monthly: 0},
	}, e.Fixed)
	// 73 + 560.64 + 16 + 32.85 + 3.65 + 16.43 + 10.95 + 0.8
	assert.Equal(t, 714.32, e.Total())
	assert.Equal(t, []Line{
		{Item: "NAT gateway data processed", UnitPrice: 0.045, PriceUnit: "GB"},
		{Item: "NLB capacity units", UnitPrice: 0.006, PriceUnit: "NLCU-hour"},
		{Item: "Control-plane logs ingested into CloudWatch", UnitPrice: 0.5, PriceUnit: "GB"},
		{Item: "S3 Standard storage (Milvus' data and log)", UnitPrice: 0.023, PriceUnit: "GB-month"},
		{Item: "S3 PUT, COPY, POST, LIST requests", UnitPrice: 0.005, PriceUnit: "1,000 requests"},
		// The table above has no GET price: it is shown as unknown, not as zero.
		{Item: "S3 GET requests", PriceUnit: "1,000 requests", Unknown: true},
	}, e.UsagePriced)
}

// The chart's Pulsar claims its ZooKeeper and bookie volumes; sizes and
// counts absent from the values are the chart's defaults.
func TestChartVolumes(t *testing.T) {
	got, err := chartVolumes(map[string]any{
		"etcd":     map[string]any{},
		"pulsarv3": map[string]any{"enabled": true, "bookkeeper": map[string]any{"replicaCount": 2.0, "volumes": map[string]any{"journal": map[string]any{"size": "20Gi"}}}},
	})
	require.NoError(t, err)
	assert.Equal(t, []Volume{
		{What: "etcd data", Count: 3, GiB: 10},
		{What: "pulsar zookeeper data", Count: 3, GiB: 20},
		{What: "pulsar bookie journal", Count: 2, GiB: 20},
		{What: "pulsar bookie ledgers", Count: 2, GiB: 200},
	}, got)
}

func TestUnknownRegionInstanceTypeAndFixedPriceAreRejected(t *testing.T) {
	u, err := UsageOf([]byte(smallPlan))
	require.NoError(t, err)
	u.Region = "ap-south-2"
	_, err = Estimated(u, prices)
	assert.EqualError(t, err, `no prices for region "ap-south-2": the table (2026-01-01) has us-east-2`)

	u.Region = "us-east-2"
	u.NodeGroups[0].InstanceType = "m6i.3xlarge"
	_, err = Estimated(u, prices)
	assert.EqualError(t, err, `node group nodes: no price for instance type "m6i.3xlarge" in us-east-2`)

	u.NodeGroups[0].InstanceType = "m6i.2xlarge"
	delete(prices.Regions["us-east-2"].Items, NLBHour)
	defer func() { prices.Regions["us-east-2"].Items[NLBHour] = Price{USD: 0.0225} }()
	_, err = Estimated(u, prices)
	assert.EqualError(t, err, "the price table has no sourced nlbPerHour for us-east-2: add it, with its source, to infra/offline/cost/prices.json")
}

// Two plans that differ in one item differ in exactly that item.
func TestDiffShowsExactlyTheChangedItem(t *testing.T) {
	base, err := UsageOf([]byte(smallPlan))
	require.NoError(t, err)
	head := base
	head.NodeGroups = []NodeGroup{{Name: "nodes", InstanceType: "m6i.2xlarge", Nodes: 3, RootGiB: 100}}
	baseEstimate, err := Estimated(base, prices)
	require.NoError(t, err)
	headEstimate, err := Estimated(head, prices)
	require.NoError(t, err)
	assert.Equal(t, []Change{
		{Item: "EBS gp3 node root volumes", Base: 16, Head: 24},
		{Item: "EC2 m6i.2xlarge nodes (desired size)", Base: 560.64, Head: 840.96},
	}, Diff(baseEstimate, headEstimate))
	assert.Equal(t, "Monthly cost of stack small: $714.32 → $1002.64 (+$288.32)\n\n"+
		"| Item | Before | After | Change |\n| --- | ---: | ---: | ---: |\n"+
		"| EBS gp3 node root volumes | $16.00 | $24.00 | +$8.00 |\n"+
		"| EC2 m6i.2xlarge nodes (desired size) | $560.64 | $840.96 | +$280.32 |\n", DiffText(baseEstimate, headEstimate))
	assert.Empty(t, Diff(baseEstimate, baseEstimate))
}

// The embedded table covers every region the issue names and every
// instance type the program accepts, with a date and a source.
func TestEmbeddedTableCoversTheAcceptedTypes(t *testing.T) {
	p := Embedded()
	assert.NotEmpty(t, p.Date)
	assert.NotEmpty(t, p.Source)
	for _, region := range []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1"} {
		r, err := p.Region(region)
		require.NoError(t, err)
		for item, price := range r.Items {
			assert.Contains(t, p.Sources, price.Source, "%s %s names a known source", region, item)
		}
		assert.Contains(t, p.Sources, r.InstancesSource, region)
		for _, instanceType := range sizing.InstanceTypes() {
			price, err := r.Instance(region, instanceType)
			if assert.NoError(t, err) {
				assert.Greater(t, price, 0.0, "%s %s", region, instanceType)
			}
		}
	}
	// The shipped stacks' region, and us-east-1, price every fixed item.
	for _, region := range []string{"us-east-1", "us-east-2"} {
		for _, item := range []string{EKSClusterHour, NATGatewayHour, PublicIPv4Hour, NLBHour, GP3GBMonth, S3GatewayHour} {
			_, err := p.Regions[region].Item(region, item)
			assert.NoError(t, err)
		}
	}
}

// The shipped plans price without error.
func TestShippedPlansPrice(t *testing.T) {
	for _, stack := range []string{"dev", "prod", "shared"} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "..", "tests", "testdata", stack+".json"))
		require.NoError(t, err)
		u, err := UsageOf(raw)
		require.NoError(t, err, stack)
		_, err = Estimated(u, Embedded())
		assert.NoError(t, err, stack)
	}
}

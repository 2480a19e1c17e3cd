package cost

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// HoursPerMonth is AWS' own convention for monthly figures (730 hours).
const HoursPerMonth = 730

// Prices is the embedded price table: public On-Demand list prices in USD,
// each with the source it was read from. A price no source gave is absent,
// never guessed: a stack that needs it cannot be priced (fixed items), or
// shows it as unknown (items billed by use).
type Prices struct {
	// Date is when the table was compiled; each source has its own date.
	Date    string                  `json:"compiled"`
	Source  string                  `json:"source"`
	Sources map[string]string       `json:"sources"`
	Regions map[string]RegionPrices `json:"regions"`
}

// RegionPrices are one region's prices.
type RegionPrices struct {
	// Items are the services' prices, by the item keys below.
	Items map[string]Price `json:"items"`
	// Instances are Linux On-Demand hourly prices by instance type.
	Instances       map[string]float64 `json:"instances"`
	InstancesSource string             `json:"instancesSource"`
}

// Price is one price and the key of its source in Prices.Sources.
type Price struct {
	USD    float64 `json:"usd"`
	Source string  `json:"source"`
}

// The items of the table, and what each is per.
const (
	EKSClusterHour    = "eksClusterPerHour"
	NATGatewayHour    = "natGatewayPerHour"
	NATGatewayGB      = "natGatewayPerGB"
	PublicIPv4Hour    = "publicIPv4PerHour"
	NLBHour           = "nlbPerHour"
	NLCUHour          = "nlcuPerHour"
	GP3GBMonth        = "gp3PerGBMonth"
	LogsIngestionGB   = "logsIngestionPerGB"
	S3StandardGBMonth = "s3StandardPerGBMonth"
	S3Put1000         = "s3PutPer1000Requests"
	S3Get1000         = "s3GetPer1000Requests"
	S3GatewayHour     = "s3GatewayEndpointPerHour"
)

//go:embed prices.json
var pricesJSON []byte

// Embedded is the table this program ships.
func Embedded() Prices {
	var p Prices
	if err := json.Unmarshal(pricesJSON, &p); err != nil {
		panic(fmt.Sprintf("cost: the embedded price table: %v", err))
	}
	return p
}

// Region is one region's prices, or an error naming the regions known.
func (p Prices) Region(region string) (RegionPrices, error) {
	r, ok := p.Regions[region]
	if !ok {
		return RegionPrices{}, fmt.Errorf("no prices for region %q: the table (%s) has %s", region, p.Date, strings.Join(slices.Sorted(maps.Keys(p.Regions)), ", "))
	}
	return r, nil
}

// Instance is an instance type's hourly price, or an error naming it.
func (r RegionPrices) Instance(region, instanceType string) (float64, error) {
	price, ok := r.Instances[instanceType]
	if !ok {
		return 0, fmt.Errorf("no price for instance type %q in %s", instanceType, region)
	}
	return price, nil
}

// Item is a service's price, or an error saying the table has none.
func (r RegionPrices) Item(region, item string) (float64, error) {
	price, ok := r.Items[item]
	if !ok {
		return 0, fmt.Errorf("the price table has no sourced %s for %s: add it, with its source, to infra/offline/cost/prices.json", item, region)
	}
	return price.USD, nil
}

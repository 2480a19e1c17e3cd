// Package cost prices a stack's offline plan: what the stack creates that
// AWS bills each month at a fixed rate, and, with their unit prices only,
// what AWS bills by use (data processed, requests, stored gigabytes), whose
// amounts no plan can know. Prices come from a dated table embedded in the
// program (prices.json); an unknown region or instance type is an error,
// never a zero.
package cost

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Line is one billable item.
type Line struct {
	Item string
	// Quantity in Unit ("3 node-months" is Quantity 3, Unit "instance").
	Quantity  float64
	Unit      string
	UnitPrice float64
	// PriceUnit is what UnitPrice is per ("hour", "GB-month").
	PriceUnit string
	// Monthly is the fixed monthly cost; 0 for a usage-priced item.
	Monthly float64
	// Detail says how the quantity comes about ("3 × 20 GiB").
	Detail string
	// Unknown marks an item billed by use whose price the table lacks.
	Unknown bool
}

// Estimate is a stack's monthly cost.
type Estimate struct {
	Stack, Region string
	Fixed         []Line
	// Ranges are Karpenter's pools: their nodes follow the pods, between a
	// least and a most.
	Ranges []Range
	// UsagePriced are billed by use: their unit prices, no amounts.
	UsagePriced []Line
	PricesDate  string
	Source      string
}

// Total is the fixed monthly cost.
func (e Estimate) Total() float64 {
	t := 0.0
	for _, l := range e.Fixed {
		t += l.Monthly
	}
	return round(t)
}

// Range is the monthly cost with the pools at their least and at their
// most: the fixed part plus each pool's range.
func (e Estimate) Range() (low, high float64) {
	low, high = e.Total(), e.Total()
	for _, r := range e.Ranges {
		low += r.Low.Monthly
		high += r.High.Monthly
	}
	return round(low), round(high)
}

// Monthly is the fixed monthly cost of an item, and whether the estimate
// has it.
func (e Estimate) Monthly(item string) (float64, bool) {
	total, found := 0.0, false
	for _, l := range e.Fixed {
		if l.Item == item {
			total, found = total+l.Monthly, true
		}
	}
	return round(total), found
}

func round(x float64) float64 { return math.Round(x*100) / 100 }

// Estimated prices a stack's usage.
func Estimated(u Usage, p Prices) (Estimate, error) {
	r, err := p.Region(u.Region)
	if err != nil {
		return Estimate{}, err
	}
	e := Estimate{Stack: u.Stack, Region: u.Region, PricesDate: p.Date, Source: p.Source}
	// The first fixed item the table has no price for stops the estimate.
	var missing error
	price := func(item string) float64 {
		v, err := r.Item(u.Region, item)
		if err != nil && missing == nil {
			missing = err
		}
		return v
	}
	hourly := func(item string, qty float64, unit, priceItem string) {
		if qty > 0 {
			p := price(priceItem)
			e.Fixed = append(e.Fixed, Line{Item: item, Quantity: qty, Unit: unit, UnitPrice: p, PriceUnit: "hour", Monthly: round(qty * p * HoursPerMonth)})
		}
	}
	storage := func(item, detail string, gb float64) {
		if gb > 0 {
			p := price(GP3GBMonth)
			e.Fixed = append(e.Fixed, Line{Item: item, Quantity: gb, Unit: "GB", UnitPrice: p, PriceUnit: "GB-month", Monthly: round(gb * p), Detail: detail})
		}
	}
	// Items billed by use show their unit price, or that the table has none.
	// unpriced are billed by use at a price ../shared/reference/aws-prices.md
	// does not source: shown, so that nobody takes the estimate for all.
	unpriced := func(item, per string) {
		e.UsagePriced = append(e.UsagePriced, Line{Item: item, PriceUnit: per, Unknown: true})
	}
	usage := func(item, priceItem, per string) {
		v, err := r.Item(u.Region, priceItem)
		e.UsagePriced = append(e.UsagePriced, Line{Item: item, UnitPrice: v, PriceUnit: per, Unknown: err != nil})
	}

	hourly("EKS control plane", float64(u.EKSClusters), "cluster", EKSClusterHour)
	for _, g := range u.NodeGroups {
		instance, err := r.Instance(u.Region, g.InstanceType)
		if err != nil {
			return Estimate{}, fmt.Errorf("node group %s: %w", g.Name, err)
		}
		if g.Nodes > 0 {
			e.Fixed = append(e.Fixed, Line{Item: fmt.Sprintf("EC2 %s nodes (desired size)", g.InstanceType), Quantity: float64(g.Nodes), Unit: "instance",
				UnitPrice: instance, PriceUnit: "hour", Monthly: round(float64(g.Nodes) * instance * HoursPerMonth)})
		}
		storage("EBS gp3 node root volumes", fmt.Sprintf("%d × %d GiB", g.Nodes, g.RootGiB), float64(g.Nodes*g.RootGiB))
	}
	hourly("NAT gateway", float64(u.NATGateways), "gateway", NATGatewayHour)
	hourly("Public IPv4 addresses of the NAT gateways", float64(u.ElasticIPs), "address", PublicIPv4Hour)
	hourly("Network Load Balancer", float64(len(u.LoadBalancers)), "load balancer", NLBHour)
	publicAddresses := 0
	for _, lb := range u.LoadBalancers {
		if lb.InternetFacing {
			publicAddresses += lb.Zones
		}
	}
	hourly("Public IPv4 addresses of the load balancer (one per zone)", float64(publicAddresses), "address", PublicIPv4Hour)
	for _, v := range u.Volumes {
		storage("EBS gp3 "+v.What, fmt.Sprintf("%d × %d GiB", v.Count, v.GiB), float64(v.Count*v.GiB))
	}
	hourly("S3 gateway endpoint", float64(u.S3GatewayEndpoint), "endpoint", S3GatewayHour)
	if missing != nil {
		return Estimate{}, missing
	}
	for _, pool := range u.Pools {
		rng, err := poolRange(pool, r, u.Region, price(GP3GBMonth))
		if err != nil {
			return Estimate{}, err
		}
		e.Ranges = append(e.Ranges, rng)
	}

	if u.NATGateways > 0 {
		usage("NAT gateway data processed", NATGatewayGB, "GB")
	}
	if len(u.LoadBalancers) > 0 {
		usage("NLB capacity units", NLCUHour, "NLCU-hour")
	}
	if u.ControlPlaneLogs {
		usage("Control-plane logs ingested into CloudWatch", LogsIngestionGB, "GB")
	}
	if u.PodLogs {
		usage("Pods' logs ingested into CloudWatch (Fluent Bit, the CloudWatch agent)", LogsIngestionGB, "GB")
		unpriced("CloudWatch Logs storage of the pods' logs, for the retention configured", "GB-month")
	}
	if u.Scrapers > 0 {
		unpriced(fmt.Sprintf("AMP managed collector (%d)", u.Scrapers), "collector-hour")
		unpriced("AMP metric samples ingested (every series every 30 s)", "10 million samples")
	}
	if u.Workspaces > 0 {
		unpriced("AMP metrics stored", "GB-month")
		unpriced("AMP query samples processed (rules, dashboards)", "billion samples")
	}
	if u.Buckets > 0 {
		switch u.Backups {
		case BackupsInMilvus:
			usage("S3 Standard storage (Milvus' data and log, and the backups)", S3StandardGBMonth, "GB-month")
		case BackupsOwnBucket:
			usage("S3 Standard storage (Milvus' data and log)", S3StandardGBMonth, "GB-month")
			usage("S3 Standard storage (the backups' bucket, old versions included)", S3StandardGBMonth, "GB-month")
		default:
			usage("S3 Standard storage (Milvus' data and log)", S3StandardGBMonth, "GB-month")
		}
		if region := u.ReplicaRegion; region != "" {
			v, err := r.Item(region, S3StandardGBMonth)
			e.UsagePriced = append(e.UsagePriced, Line{Item: "S3 Standard storage (the backups' copy in " + region + ")", UnitPrice: v, PriceUnit: "GB-month", Unknown: err != nil})
			// No sourced price for S3's inter-region transfer is in the
			// table (../shared/reference/aws-prices.md lists none).
			e.UsagePriced = append(e.UsagePriced, Line{Item: "S3 replication: data transfer to " + region, PriceUnit: "GB", Unknown: true})
		}
		usage("S3 PUT, COPY, POST, LIST requests", S3Put1000, "1,000 requests")
		usage("S3 GET requests", S3Get1000, "1,000 requests")
	}
	return e, nil
}

// Text is the estimate for people.
func (e Estimate) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Monthly cost of stack %s in %s: %d hours a month, at the list prices of the table compiled on %s\n(%s)\n\n", e.Stack, e.Region, HoursPerMonth, e.PricesDate, e.Source)
	fmt.Fprintf(&b, "%-62s %12s %14s %11s\n", "Fixed", "Quantity", "Unit price", "Monthly")
	for _, l := range e.Fixed {
		fmt.Fprintf(&b, "%-62s %12s %14s %11s\n", label(l), quantity(l), unitPrice(l), money(l.Monthly))
	}
	fmt.Fprintf(&b, "%-62s %12s %14s %11s\n", "Total, fixed", "", "", money(e.Total()))
	if len(e.Ranges) > 0 {
		b.WriteString("\nKarpenter's pools: their nodes follow the pods (on-demand prices; spot, where allowed, costs less)\n")
		for _, r := range e.Ranges {
			fmt.Fprintf(&b, "%s\n", r.Item)
			for _, l := range []Line{r.Low, r.High} {
				fmt.Fprintf(&b, "  %-60s %12s %14s %11s\n", label(l), quantity(l), unitPrice(l), money(l.Monthly))
			}
		}
		low, high := e.Range()
		fmt.Fprintf(&b, "%-62s %12s %14s %11s\n", "Total, with the pools", "", "", money(low)+" to "+money(high))
	}
	if len(e.UsagePriced) > 0 {
		b.WriteString("\nBilled by use (no amount is assumed):\n")
		for _, l := range e.UsagePriced {
			if l.Unknown {
				fmt.Fprintf(&b, "  %-60s no sourced price in the table\n", l.Item)
				continue
			}
			fmt.Fprintf(&b, "  %-60s %s per %s\n", l.Item, usd(l.UnitPrice), l.PriceUnit)
		}
	}
	b.WriteString("\nNot included: data transfer out of AWS, taxes, and any discount (Savings Plans, reserved or spot capacity).\n")
	return b.String()
}

func quantity(l Line) string {
	if l.Unit == "GB" {
		return fmt.Sprintf("%g GB", l.Quantity)
	}
	return fmt.Sprintf("%g", l.Quantity)
}

// label is the item with its detail, for people.
func label(l Line) string {
	if l.Detail == "" {
		return l.Item
	}
	return l.Item + " (" + l.Detail + ")"
}

func unitPrice(l Line) string { return usd(l.UnitPrice) + "/" + l.PriceUnit }

func usd(x float64) string {
	s := fmt.Sprintf("$%.4f", x)
	s = strings.TrimRight(s, "0")
	if strings.HasSuffix(s, ".") {
		s += "00"
	} else if i := strings.Index(s, "."); len(s)-i-1 < 2 {
		s += "0"
	}
	return s
}

func money(x float64) string { return fmt.Sprintf("$%.2f", x) }

// Change is one item's monthly cost in two estimates.
type Change struct {
	Item       string
	Base, Head float64
}

// Delta is the change.
func (c Change) Delta() float64 { return round(c.Head - c.Base) }

// Diff is the monthly change of every item whose cost differs between two
// estimates of a stack, by item name.
func Diff(base, head Estimate) []Change {
	costs := map[string]*Change{}
	add := func(lines []Line, side func(*Change) *float64) {
		for _, l := range lines {
			c := costs[l.Item]
			if c == nil {
				c = &Change{Item: l.Item}
				costs[l.Item] = c
			}
			*side(c) += l.Monthly
		}
	}
	add(base.Fixed, func(c *Change) *float64 { return &c.Base })
	add(head.Fixed, func(c *Change) *float64 { return &c.Head })
	add(rangeLines(base), func(c *Change) *float64 { return &c.Base })
	add(rangeLines(head), func(c *Change) *float64 { return &c.Head })
	var out []Change
	for _, c := range costs {
		if round(c.Base) != round(c.Head) {
			out = append(out, Change{Item: c.Item, Base: round(c.Base), Head: round(c.Head)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Item < out[j].Item })
	return out
}

// DiffText is a diff for a pull request: the changed items and the total.
func DiffText(base, head Estimate) string {
	var b strings.Builder
	changes := Diff(base, head)
	fmt.Fprintf(&b, "Monthly cost of stack %s: %s → %s (%s)\n", head.Stack, money(base.Total()), money(head.Total()), signed(round(head.Total()-base.Total())))
	if len(changes) == 0 {
		b.WriteString("No item changes.\n")
		return b.String()
	}
	b.WriteString("\n| Item | Before | After | Change |\n| --- | ---: | ---: | ---: |\n")
	for _, c := range changes {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.Item, money(c.Base), money(c.Head), signed(c.Delta()))
	}
	return b.String()
}

func signed(x float64) string {
	if x >= 0 {
		return "+" + money(x)
	}
	return "-" + money(-x)
}

// rangeLines are the pools' ends as items of their own, for a diff.
func rangeLines(e Estimate) []Line {
	var out []Line
	for _, r := range e.Ranges {
		out = append(out, Line{Item: r.Item + ", at the least", Monthly: r.Low.Monthly}, Line{Item: r.Item + ", at the most", Monthly: r.High.Monthly})
	}
	return out
}

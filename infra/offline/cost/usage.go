package cost

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/containerlogs"
	"github.com/milvus-eks/milvus-eks/infra/offline/inventory"
	"github.com/milvus-eks/milvus-eks/infra/stack/outputs"
)

// Usage is what a stack creates that AWS bills, counted from its offline
// plan (`cmd/synth -format json`). A stack on an existing cluster creates
// no cluster, nodes or NAT gateways, so it is billed for none.
type Usage struct {
	Stack, Region string
	EKSClusters   int
	NodeGroups    []NodeGroup
	NATGateways   int
	// ElasticIPs are the NAT gateways' public addresses.
	ElasticIPs int
	// LoadBalancers are the NLBs the stack's LoadBalancer Services get.
	LoadBalancers []LoadBalancer
	// Volumes are the EBS volumes Milvus' chart claims with the stack's
	// values (etcd's, and Pulsar's when it is the queue).
	Volumes           []Volume
	ControlPlaneLogs  bool
	Buckets           int
	S3GatewayEndpoint int
	// Backups says where the stack's backups are: BackupsNone, or in
	// Milvus' bucket, or in a bucket of their own.
	Backups Backups
	// ReplicaRegion is where the backups' copy is; empty for none.
	ReplicaRegion string
	// Scrapers are AMP's managed collectors; Workspaces, the AMP
	// workspaces the stack creates (none when it writes to an existing
	// one); PodLogs says whether the pods' logs go to CloudWatch Logs.
	Scrapers, Workspaces int
	PodLogs              bool
	// Pools are Karpenter's NodePools, from the plan's inventory, whose
	// nodes come and go with the pods: priced as a range.
	Pools []Pool
}

// Backups is where a stack keeps its backups.
type Backups string

// Where backups are: read from the plan's outputs.
const (
	BackupsNone      Backups = ""
	BackupsInMilvus  Backups = "in Milvus' bucket"
	BackupsOwnBucket Backups = "in a bucket of their own"
)

// NodeGroup is a managed node group at its desired size.
type NodeGroup struct {
	Name         string
	InstanceType string
	Nodes        int
	RootGiB      int
}

// LoadBalancer is one NLB; an internet-facing one has a public IPv4
// address in each of its zones.
type LoadBalancer struct {
	Name           string
	InternetFacing bool
	Zones          int
}

// Volume is a group of identical EBS volumes.
type Volume struct {
	What  string
	Count int
	GiB   int
}

// planFile is what this package reads of a plan.
type planFile struct {
	Stack     string `json:"stack"`
	Resources []struct {
		URN          string         `json:"urn"`
		Type         string         `json:"type"`
		Name         string         `json:"name"`
		Dependencies []string       `json:"dependencies"`
		Inputs       map[string]any `json:"inputs"`
	} `json:"resources"`
	Outputs map[string]any `json:"outputs"`
	// Runs is the plan's inventory, which says what the pools hold.
	Runs *inventory.Inventory `json:"runs"`
}

// UsageOf counts what a plan bills.
func UsageOf(planJSON []byte) (Usage, error) {
	var p planFile
	if err := json.Unmarshal(planJSON, &p); err != nil {
		return Usage{}, fmt.Errorf("reading the plan: %w", err)
	}
	u := Usage{Stack: p.Stack}
	u.Region, _ = p.Outputs["region"].(string)
	if u.Region == "" {
		return Usage{}, fmt.Errorf("the plan of %s has no region output", p.Stack)
	}
	zones := len(asSlice(p.Outputs[outputs.PublicSubnetIDs]))
	if backups, ok := p.Outputs[outputs.BackupBucketName]; ok {
		u.Backups = BackupsOwnBucket
		if backups == p.Outputs[outputs.BucketName] {
			u.Backups = BackupsInMilvus
		}
	}
	u.ReplicaRegion, _ = p.Outputs[outputs.BackupReplicaRegion].(string)
	pools, err := poolsOf(p.Runs)
	if err != nil {
		return Usage{}, err
	}
	u.Pools = pools
	rootGiB := map[string]int{} // launch template URN: root volume GiB
	for _, r := range p.Resources {
		if r.Type == "aws:ec2/launchTemplate:LaunchTemplate" {
			for _, m := range asSlice(r.Inputs["blockDeviceMappings"]) {
				rootGiB[r.URN] += number(get(m, "ebs", "volumeSize"))
			}
		}
	}
	for _, r := range p.Resources {
		switch r.Type {
		case "eks:index:Cluster":
			u.EKSClusters++
			u.ControlPlaneLogs = len(asSlice(r.Inputs["enabledClusterLogTypes"])) > 0
		case "eks:index:ManagedNodeGroup", "aws:eks/nodeGroup:NodeGroup":
			g := NodeGroup{Name: r.Name, Nodes: number(get(r.Inputs, "scalingConfig", "desiredSize")), RootGiB: number(r.Inputs["diskSize"])}
			if types := asSlice(r.Inputs["instanceTypes"]); len(types) > 0 {
				g.InstanceType, _ = types[0].(string)
			}
			for _, dep := range r.Dependencies {
				g.RootGiB += rootGiB[dep]
			}
			u.NodeGroups = append(u.NodeGroups, g)
		case "aws:amp/scraper:Scraper":
			u.Scrapers++
		case "aws:amp/workspace:Workspace":
			u.Workspaces++
		case "aws:eks/addon:Addon":
			u.PodLogs = u.PodLogs || get(r.Inputs, "addonName") == containerlogs.AddonName
		case "aws:ec2/natGateway:NatGateway":
			u.NATGateways++
		case "aws:ec2/eip:Eip":
			u.ElasticIPs++
		case "aws:s3/bucketV2:BucketV2":
			u.Buckets++
		case "aws:ec2/vpcEndpoint:VpcEndpoint":
			if get(r.Inputs, "vpcEndpointType") == "Gateway" {
				u.S3GatewayEndpoint++
			}
		case "kubernetes:core/v1:Service":
			if get(r.Inputs, "spec", "type") == "LoadBalancer" {
				scheme := get(r.Inputs, "metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-scheme")
				u.LoadBalancers = append(u.LoadBalancers, LoadBalancer{Name: r.Name, InternetFacing: scheme == "internet-facing", Zones: zones})
			}
		case "kubernetes:helm.sh/v3:Release":
			if archive, _ := charts.Of(fmt.Sprint(get(r.Inputs, "chart"))); archive.Chart == charts.Milvus {
				volumes, err := chartVolumes(r.Inputs["values"])
				if err != nil {
					return Usage{}, fmt.Errorf("%s %s: %w", r.Type, r.Name, err)
				}
				u.Volumes = append(u.Volumes, volumes...)
			}
		}
	}
	return u, nil
}

// Chart 5.0.19's defaults for the keys read below (its values.yaml, and
// its Pulsar 3.3 dependency's as Milvus' values.yaml overrides them).
const (
	defaultEtcdReplicas = 3
	defaultEtcdSize     = "10Gi"
)

// chartVolumes are the claims the milvus chart makes with these values:
// etcd's StatefulSet, one volume per member, and when pulsarv3 is enabled
// ZooKeeper's data and each bookie's journal and ledgers.
func chartVolumes(values any) ([]Volume, error) {
	var out []Volume
	if enabled := get(values, "etcd", "enabled"); enabled != false && get(values, "etcd", "persistence", "enabled") != false {
		v, err := volume("etcd data", get(values, "etcd", "replicaCount"), defaultEtcdReplicas, get(values, "etcd", "persistence", "size"), defaultEtcdSize)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if get(values, "pulsarv3", "enabled") != true {
		return out, nil
	}
	for _, c := range []struct {
		what, component, volume string
		replicas                int
		size                    string
	}{
		{"pulsar zookeeper data", "zookeeper", "data", 3, "20Gi"},
		{"pulsar bookie journal", "bookkeeper", "journal", 3, "100Gi"},
		{"pulsar bookie ledgers", "bookkeeper", "ledgers", 3, "200Gi"},
	} {
		v, err := volume(c.what, get(values, "pulsarv3", c.component, "replicaCount"), c.replicas,
			get(values, "pulsarv3", c.component, "volumes", c.volume, "size"), c.size)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func volume(what string, replicas any, defaultReplicas int, size any, defaultSize string) (Volume, error) {
	count := number(replicas)
	if replicas == nil {
		count = defaultReplicas
	}
	text, _ := size.(string)
	if text == "" {
		text = defaultSize
	}
	q, err := resource.ParseQuantity(text)
	if err != nil {
		return Volume{}, fmt.Errorf("%s: size %q: %w", what, text, err)
	}
	return Volume{What: what, Count: count, GiB: int((q.Value() + (1<<30 - 1)) >> 30)}, nil
}

func get(v any, path ...string) any {
	for _, key := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[key]
	}
	return v
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

// number is a JSON number (or numeric string) as an int; 0 when absent.
func number(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case string:
		i, _ := strconv.Atoi(strings.TrimSpace(n))
		return i
	}
	return 0
}

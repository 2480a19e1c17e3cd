package mockcloud

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// outputsFor returns the ID and the state the mock engine reports for a new
// resource: its inputs, plus placeholders for what AWS or Kubernetes would
// compute.
func (m *mocks) outputsFor(args pulumi.MockResourceArgs, notReady string) (string, resource.PropertyMap, error) {
	in := args.Inputs
	out := in.Copy()
	set := func(key string, v any) { out[resource.PropertyKey(key)] = resource.NewPropertyValue(v) }
	str := func(key string) string {
		if v, ok := in[resource.PropertyKey(key)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	id := args.Name + "-id"

	switch args.TypeToken {
	case "aws:s3/bucketV2:BucketV2":
		bucket := str("bucket")
		if bucket == "" {
			bucket = str("bucketPrefix") + BucketSuffix
		}
		id = bucket
		set("bucket", bucket)
		set("arn", "arn:aws:s3:::"+bucket)
	case "aws:iam/role:Role":
		id = args.Name
		set("name", args.Name)
		set("arn", m.arn("iam", "", "role/"+args.Name))
	case "aws:iam/policy:Policy":
		set("name", args.Name)
		set("arn", m.arn("iam", "", "policy/"+args.Name))
		id = m.arn("iam", "", "policy/"+args.Name)
	case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
		id = str("role") + "-" + args.Name
	case "aws:sns/topic:Topic":
		id = m.arn("sns", m.region, args.Name)
		set("arn", id)
	case "aws:sqs/queue:Queue":
		name := str("name")
		id = "https://sqs." + m.region + ".amazonaws.com/" + AccountID + "/" + name
		set("url", id)
		set("arn", m.arn("sqs", m.region, name))
	case "aws:cloudwatch/eventRule:EventRule":
		id = args.Name
		set("name", args.Name)
		set("arn", m.arn("events", m.region, "rule/"+args.Name))
	case "aws:amp/workspace:Workspace":
		id = "ws-" + args.Name
		set("arn", m.arn("aps", m.region, "workspace/"+id))
	case "aws:amp/scraper:Scraper":
		id = "s-" + args.Name
		set("arn", m.arn("aps", m.region, "scraper/"+id))
		set("roleArn", m.arn("iam", "", "role/aws-service-role/scraper.aps.amazonaws.com/AWSServiceRoleForAmazonPrometheusScraper_"+args.Name))
	case "aws:cloudwatch/logGroup:LogGroup":
		id = str("name")
		if id == "" {
			id = str("namePrefix") + args.Name
		}
		set("arn", m.arn("logs", m.region, "log-group:"+id))
	case "aws:eks/cluster:Cluster":
		name := str("name")
		id = name
		set("arn", m.arn("eks", m.region, "cluster/"+name))
		set("vpcConfig", map[string]any{"clusterSecurityGroupId": "sg-" + name + "-cluster"})
		set("endpoint", m.clusterEndpoint())
		set("certificateAuthority", map[string]any{"data": placeholderCA})
		set("identities", []any{map[string]any{"oidcs": []any{map[string]any{"issuer": "https://" + m.issuerHost()}}}})
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		id = m.oidcProviderArn()
		set("arn", m.oidcProviderArn())
		// IAM stores the provider's URL without its scheme.
		set("url", m.issuerHost())
		set("clientIdLists", []any{"sts.amazonaws.com"})
	case "eks:index:Cluster":
		m.mu.Lock()
		m.createsCluster = true
		m.mu.Unlock()
		return m.eksCluster(args)
	case "pulumi:pulumi:StackReference":
		return m.readStackReference(args)
	case "random:index/randomPassword:RandomPassword":
		set("result", GeneratedPassword)
	case "kubernetes:helm.sh/v3:Release":
		status := "deployed"
		if notReady != "" {
			status = "pending-install"
		}
		set("status", map[string]any{
			"name":      str("name"),
			"namespace": str("namespace"),
			"chart":     str("chart"),
			"version":   str("version"),
			"status":    status,
			"revision":  1,
		})
	case "kubernetes:core/v1:Service":
		// A LoadBalancer Service gets its NLB's host name, named as the
		// AWS Load Balancer Controller names NLBs: by the name annotation.
		spec, metadata := args.Inputs["spec"], args.Inputs["metadata"]
		if spec.IsObject() && stringOf(spec.ObjectValue()["type"]) == "LoadBalancer" && metadata.IsObject() && notReady == "" {
			annotations := metadata.ObjectValue()["annotations"]
			name := ""
			if annotations.IsObject() {
				name = stringOf(annotations.ObjectValue()["service.beta.kubernetes.io/aws-load-balancer-name"])
			}
			set("status", map[string]any{"loadBalancer": map[string]any{"ingress": []any{
				map[string]any{"hostname": m.loadBalancerHost(name)},
			}}})
		}
	}
	return id, out, nil
}

// stringOf is a property's string, or "" when it holds none.
func stringOf(v resource.PropertyValue) string {
	if !v.IsString() {
		return ""
	}
	return v.StringValue()
}

func (m *mocks) arn(service, region, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, AccountID, resource)
}

func (m *mocks) issuerHost() string {
	return fmt.Sprintf("oidc.eks.%s.amazonaws.com/id/%s", m.region, OidcID)
}

func (m *mocks) oidcProviderArn() string {
	return m.arn("iam", "", "oidc-provider/"+m.issuerHost())
}

func (m *mocks) clusterEndpoint() string {
	return fmt.Sprintf("https://%s.gr7.%s.eks.amazonaws.com", OidcID, m.region)
}

// loadBalancerHost is an NLB host name of the shape AWS gives to the load
// balancer of that name.
func (m *mocks) loadBalancerHost(name string) string { return LoadBalancerHost(m.region, name) }

// LoadBalancerHost is the host name the fake cloud of region gives the NLB
// of that name (the aws-load-balancer-name annotation).
func LoadBalancerHost(region, name string) string {
	return fmt.Sprintf("%s-0000000000000000.elb.%s.amazonaws.com", name, region)
}

// eksCluster plays pulumi-eks' Cluster, a component implemented in a plugin:
// under mocks its children do not exist, so the mock registers those its
// outputs refer to (the EKS cluster, the OIDC provider if it makes one, the
// access entries) and returns them as resource references, the way the
// plugin would.
func (m *mocks) eksCluster(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	name := ""
	if v, ok := args.Inputs["name"]; ok && v.IsString() {
		name = v.StringValue()
	}
	owner := ""
	if rpc := args.RegisterRPC; rpc != nil {
		owner = urn(m.ctx, rpc.GetParent(), args.TypeToken, args.Name)
	}
	cluster, err := m.standIn(owner, "aws:eks/cluster:Cluster", args.Name+"-eksCluster", pulumi.Map{"name": pulumi.String(name)})
	if err != nil {
		return "", nil, err
	}
	core := resource.PropertyMap{
		"cluster":  cluster,
		"endpoint": resource.NewStringProperty(m.clusterEndpoint()),
	}
	if v, ok := args.Inputs["createOidcProvider"]; ok && v.IsBool() && v.BoolValue() {
		oidc, err := m.standIn(owner, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", args.Name+"-oidcProvider", pulumi.Map{})
		if err != nil {
			return "", nil, err
		}
		core["oidcProvider"] = oidc
	}
	// The plugin's core also lists the access entries it made, as
	// references whose Go type pulumi-eks' SDK gets wrong (it expects
	// values): a program that reads any of core fails on `pulumi up` with
	// "expected a eks.AccessEntry, got a resource of type *eks.AccessEntry"
	// (pulumi/pulumi-eks#1435, #1481). The mock fails it the same way.
	var entries []resource.PropertyValue
	if v, ok := args.Inputs["accessEntries"]; ok && v.IsObject() {
		for _, key := range v.ObjectValue().StableKeys() {
			entry, err := m.standIn(owner, "aws:eks/accessEntry:AccessEntry", args.Name+"-"+string(key), pulumi.Map{})
			if err != nil {
				return "", nil, err
			}
			entries = append(entries, entry)
		}
	}
	kubeconfig := m.kubeconfig(name)
	kubeconfigJSON, err := json.Marshal(kubeconfig)
	if err != nil {
		return "", nil, err
	}
	out := args.Inputs.Copy()
	out["eksCluster"] = cluster
	core["accessEntries"] = resource.NewArrayProperty(entries)
	out["core"] = resource.NewObjectProperty(core)
	out["kubeconfig"] = resource.NewPropertyValue(kubeconfig)
	out["kubeconfigJson"] = resource.NewStringProperty(string(kubeconfigJSON))
	return "", out, nil
}

// kubeconfig has the shape of the one pulumi-eks builds: the cluster's
// endpoint, and credentials from `aws eks get-token`.
func (m *mocks) kubeconfig(clusterName string) map[string]any {
	return map[string]any{
		"apiVersion": "v1",
		"kind":       "Config",
		"clusters": []any{map[string]any{
			"name": "kubernetes",
			"cluster": map[string]any{
				"server":                     m.clusterEndpoint(),
				"certificate-authority-data": placeholderCA,
			},
		}},
		"contexts":        []any{map[string]any{"name": "aws", "context": map[string]any{"cluster": "kubernetes", "user": "aws"}}},
		"current-context": "aws",
		"users": []any{map[string]any{
			"name": "aws",
			"user": map[string]any{"exec": map[string]any{
				"apiVersion": "client.authentication.k8s.io/v1beta1",
				"command":    "aws",
				"args":       []any{"eks", "get-token", "--cluster-name", clusterName, "--output", "json"},
			}},
		}},
	}
}

// standIn registers a custom resource on behalf of the remote component
// owner (a URN) and returns a reference to it.
func (m *mocks) standIn(owner, typ, name string, props pulumi.Map) (resource.PropertyValue, error) {
	m.mu.Lock()
	if m.pendingStandIns == nil {
		m.pendingStandIns = map[string]string{}
	}
	m.pendingStandIns[typ+"::"+name] = owner
	m.mu.Unlock()

	var res pulumi.CustomResourceState
	if err := m.ctx.RegisterResource(typ, name, props, &res); err != nil {
		return resource.PropertyValue{}, err
	}
	urn, err := internals.UnsafeAwaitOutput(m.ctx.Context(), res.URN())
	if err != nil {
		return resource.PropertyValue{}, err
	}
	id, err := internals.UnsafeAwaitOutput(m.ctx.Context(), res.ID())
	if err != nil {
		return resource.PropertyValue{}, err
	}
	return resource.MakeCustomResourceReference(resource.URN(urn.Value.(pulumi.URN)), resource.ID(id.Value.(pulumi.ID)), ""), nil
}

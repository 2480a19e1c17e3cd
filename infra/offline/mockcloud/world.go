package mockcloud

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing/discovery"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/stack/outputs"
)

// PlatformClusterName is the cluster a platform stack reports when the mock
// has no stacks of its own (WithStacks): the offline plan's placeholder.
const PlatformClusterName = "platform-cluster"

// placeholderCA is "PLACEHOLDER" in base64, where EKS would report a PEM
// bundle.
const placeholderCA = "UExBQ0VIT0xERVI="

// Option gives the mock engine things that exist before the program runs.
type Option func(*mocks)

// WithClusters makes the EKS look-up find exactly these clusters, by name,
// and IAM's look-up exactly these OIDC providers, by issuer URL or ARN. They
// are the types the program's own discovery reads the look-ups into.
// Without it, every cluster name is found, with placeholders and an OIDC
// provider.
func WithClusters(clusters []discovery.EKSCluster, providers []discovery.OidcProvider) Option {
	return func(m *mocks) {
		m.clusters = map[string]discovery.EKSCluster{}
		for _, c := range clusters {
			m.clusters[c.Name] = c
		}
		m.providers = providers
	}
}

// WithCaller makes the caller of the program the principal of this ARN,
// as STS names it (a user, or a role's session); without it, the
// placeholder account's user "deployer".
func WithCaller(arn string) Option {
	return func(m *mocks) { m.caller = arn }
}

// WithStacks makes stack references find exactly these stacks (by the name
// the program gives) with these outputs; an output wrapped in Secret is a
// secret one. Without it, every stack is found, exporting PlatformClusterName
// with placeholders.
func WithStacks(stacks map[string]map[string]any) Option {
	return func(m *mocks) { m.stacks = stacks }
}

// InRoot runs the program as if the project's root, where Pulumi.yaml and
// the vendored charts are, were dir; without it, charts.Root().
func InRoot(dir string) Option {
	return func(m *mocks) { m.root = dir }
}

// WithAPIServer makes every cluster the EKS look-up finds by default (no
// WithClusters) reachable at a real API server: its URL, and its CA bundle
// base64-encoded, as EKS reports them. The deploying real-engine test
// points the program at a local kube-apiserver this way.
func WithAPIServer(endpoint, caData string) Option {
	return func(m *mocks) { m.apiServer, m.apiServerCA = endpoint, caData }
}

// existingCluster is the cluster named name, as the world has it.
func (m *mocks) existingCluster(name string) (discovery.EKSCluster, bool) {
	if m.clusters != nil {
		c, ok := m.clusters[name]
		return c, ok
	}
	endpoint, ca := m.clusterEndpoint(), placeholderCA
	if m.apiServer != "" {
		endpoint, ca = m.apiServer, m.apiServerCA
	}
	return discovery.EKSCluster{
		Name:                     name,
		Region:                   m.region,
		Endpoint:                 endpoint,
		CertificateAuthorityData: ca,
		Issuer:                   "https://" + m.issuerHost(),
		VpcID:                    "vpc-00000000000000000",
	}, true
}

// lookUpCluster answers aws:eks/getCluster.
func (m *mocks) lookUpCluster(args resource.PropertyMap) (resource.PropertyMap, error) {
	name := args["name"].StringValue()
	c, ok := m.existingCluster(name)
	if !ok {
		// The AWS provider's words for a cluster it cannot find.
		return nil, fmt.Errorf("reading EKS Cluster (%s): couldn't find resource", name)
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id":                     name,
		"name":                   name,
		"arn":                    m.arn("eks", m.region, "cluster/"+name),
		"endpoint":               c.Endpoint,
		"certificateAuthorities": []any{map[string]any{"data": c.CertificateAuthorityData}},
		"identities":             []any{map[string]any{"oidcs": []any{map[string]any{"issuer": c.Issuer}}}},
		"vpcConfig": map[string]any{"vpcId": c.VpcID, "clusterSecurityGroupId": "sg-" + name + "-cluster",
			"subnetIds": []any{"subnet-" + name + "-a", "subnet-" + name + "-b"}},
		"status": "ACTIVE",
	}), nil
}

// lookUpOidcProvider answers aws:iam/getOpenIdConnectProvider, by URL or ARN.
func (m *mocks) lookUpOidcProvider(args resource.PropertyMap) (resource.PropertyMap, error) {
	var asked, url, arn string
	if v, ok := args["url"]; ok && v.IsString() {
		asked = v.StringValue()
		url = strings.TrimPrefix(asked, "https://")
	}
	if v, ok := args["arn"]; ok && v.IsString() {
		arn = v.StringValue()
	}
	found := func(p discovery.OidcProvider) resource.PropertyMap {
		ids := make([]any, len(p.ClientIDs))
		for i, id := range p.ClientIDs {
			ids[i] = id
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": p.Arn, "arn": p.Arn, "url": p.URL, "clientIdLists": ids, "thumbprintLists": []any{},
		})
	}
	if m.clusters == nil {
		// Every issuer has its provider, with the placeholder account.
		if arn == "" {
			arn = m.arn("iam", "", "oidc-provider/"+url)
		}
		host := arn[strings.Index(arn, ":oidc-provider/")+len(":oidc-provider/"):]
		return found(discovery.OidcProvider{Arn: arn, URL: host, ClientIDs: []string{trust.STSAudience}}), nil
	}
	for _, p := range m.providers {
		if (url != "" && p.URL == url) || (arn != "" && p.Arn == arn) {
			return found(p), nil
		}
	}
	// The AWS provider's words when no provider matches.
	if arn != "" {
		return nil, fmt.Errorf("reading IAM OIDC Provider: couldn't find resource")
	}
	return nil, fmt.Errorf("reading IAM OIDC Provider (%s): couldn't find resource", asked)
}

// stackOutputs is the state of a stack reference to the stack named name.
func (m *mocks) stackOutputs(name string) (resource.PropertyMap, error) {
	outputs, ok := m.stacks[name]
	if m.stacks == nil {
		outputs, ok = m.platformStack(), true
	}
	if !ok {
		return nil, fmt.Errorf("unknown stack %q", name)
	}
	props := resource.PropertyMap{}
	var secretNames []any
	for key, value := range outputs {
		if s, ok := value.(Secret); ok {
			props[resource.PropertyKey(key)] = resource.MakeSecret(resource.NewPropertyValue(s.Value))
			secretNames = append(secretNames, key)
			continue
		}
		props[resource.PropertyKey(key)] = resource.NewPropertyValue(value)
	}
	sort.Slice(secretNames, func(i, j int) bool { return secretNames[i].(string) < secretNames[j].(string) })
	return resource.PropertyMap{
		"name":              resource.NewStringProperty(name),
		"outputs":           resource.NewObjectProperty(props),
		"secretOutputNames": resource.NewPropertyValue(secretNames),
	}, nil
}

// platformStack is the placeholder platform stack: it exports what a
// create-mode stack of this project exports of its cluster.
func (m *mocks) platformStack() map[string]any {
	return map[string]any{
		outputs.ClusterName:     PlatformClusterName,
		outputs.Kubeconfig:      Secret{Value: m.kubeconfig(PlatformClusterName)},
		outputs.OidcProviderArn: m.oidcProviderArn(),
		outputs.OidcIssuer:      "https://" + m.issuerHost(),
		outputs.VpcID:           "vpc-00000000000000000",
	}
}

// readStackReference answers the read of a pulumi:pulumi:StackReference.
func (m *mocks) readStackReference(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	state, err := m.stackOutputs(args.ID)
	return args.ID, state, err
}

// WithUnassociatedSubnets makes these subnets of an existing VPC use its
// main route table; every other subnet has a table of its own, "rtb-" and
// the subnet's ID without its prefix.
func WithUnassociatedSubnets(subnets ...string) Option {
	return func(m *mocks) {
		m.unassociated = map[string]bool{}
		for _, s := range subnets {
			m.unassociated[s] = true
		}
	}
}

// lookUpRouteTables answers aws:ec2/getRouteTables for the filter the
// program uses, association.subnet-id.
func (m *mocks) lookUpRouteTables(args resource.PropertyMap) (resource.PropertyMap, error) {
	ids := []any{}
	if filters, ok := args["filters"]; ok && filters.IsArray() {
		for _, f := range filters.ArrayValue() {
			filter := f.ObjectValue()
			if filter["name"].StringValue() != "association.subnet-id" {
				return nil, fmt.Errorf("mockcloud: no mock for the route table filter %s", filter["name"].StringValue())
			}
			for _, subnet := range filter["values"].ArrayValue() {
				if !m.unassociated[subnet.StringValue()] {
					ids = append(ids, "rtb-"+strings.TrimPrefix(subnet.StringValue(), "subnet-"))
				}
			}
		}
	}
	return resource.NewPropertyMapFromMap(map[string]any{"id": m.region, "ids": ids}), nil
}

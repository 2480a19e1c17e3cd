package mockcloud

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PlatformClusterName is the cluster a platform stack reports when the mock
// has no stacks of its own (WithStacks): the offline plan's placeholder.
const PlatformClusterName = "platform-cluster"

// placeholderCA is "PLACEHOLDER" in base64, where EKS would report a PEM
// bundle.
const placeholderCA = "UExBQ0VIT0xERVI="

// ExistingCluster is an EKS cluster that exists before the program runs, as
// the EKS and IAM look-ups report it.
type ExistingCluster struct {
	Endpoint                 string
	CertificateAuthorityData string
	// Issuer is the OIDC issuer URL, https:// included.
	Issuer string
	VpcID  string
	// OidcProvider is IAM's provider for Issuer; nil when there is none.
	OidcProvider *OidcProvider
}

// OidcProvider is an IAM OIDC provider of the account.
type OidcProvider struct {
	Arn       string
	ClientIDs []string
}

// Option gives the mock engine things that exist before the program runs.
type Option func(*mocks)

// WithClusters makes the EKS and IAM look-ups find exactly these clusters, by
// name, and their OIDC providers. Without it, every cluster name is found,
// with placeholders and an OIDC provider.
func WithClusters(clusters map[string]ExistingCluster) Option {
	return func(m *mocks) { m.clusters = clusters }
}

// WithStacks makes stack references find exactly these stacks (by the name
// the program gives) with these outputs; an output wrapped in Secret is a
// secret one. Without it, every stack is found, exporting PlatformClusterName
// with placeholders.
func WithStacks(stacks map[string]map[string]any) Option {
	return func(m *mocks) { m.stacks = stacks }
}

// existingCluster is the cluster named name, as the world has it.
func (m *mocks) existingCluster(name string) (ExistingCluster, bool) {
	if m.clusters != nil {
		c, ok := m.clusters[name]
		return c, ok
	}
	return ExistingCluster{
		Endpoint:                 m.clusterEndpoint(),
		CertificateAuthorityData: placeholderCA,
		Issuer:                   "https://" + m.issuerHost(),
		VpcID:                    "vpc-00000000000000000",
		OidcProvider:             &OidcProvider{Arn: m.oidcProviderArn(), ClientIDs: []string{"sts.amazonaws.com"}},
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
		"vpcConfig":              map[string]any{"vpcId": c.VpcID},
		"status":                 "ACTIVE",
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
	found := func(p OidcProvider, host string) resource.PropertyMap {
		ids := make([]any, len(p.ClientIDs))
		for i, id := range p.ClientIDs {
			ids[i] = id
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": p.Arn, "arn": p.Arn, "url": host, "clientIdLists": ids, "thumbprintLists": []any{},
		})
	}
	if m.clusters == nil {
		// Every issuer has its provider, with the placeholder account.
		if arn == "" {
			arn = m.arn("iam", "", "oidc-provider/"+url)
		}
		host := arn[strings.Index(arn, ":oidc-provider/")+len(":oidc-provider/"):]
		return found(OidcProvider{Arn: arn, ClientIDs: []string{"sts.amazonaws.com"}}, host), nil
	}
	names := make([]string, 0, len(m.clusters))
	for name := range m.clusters {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := m.clusters[name]
		host := strings.TrimPrefix(c.Issuer, "https://")
		if p := c.OidcProvider; p != nil && (host == url || p.Arn == arn) {
			return found(*p, host), nil
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
		"clusterName":     PlatformClusterName,
		"kubeconfig":      Secret{Value: m.kubeconfig(PlatformClusterName)},
		"oidcProviderArn": m.oidcProviderArn(),
		"oidcIssuer":      "https://" + m.issuerHost(),
		"vpcId":           "vpc-00000000000000000",
	}
}

// readStackReference answers the read of a pulumi:pulumi:StackReference.
func (m *mocks) readStackReference(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	state, err := m.stackOutputs(args.ID)
	return args.ID, state, err
}

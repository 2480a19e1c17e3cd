package tests

import (
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing/discovery"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
)

// The platform team's side of the existing-cluster tests: an account with
// two clusters, one without an OIDC provider, and two platform stacks. Its
// values differ from every create-mode placeholder, so a test that finds
// them proves they came from the look-ups.
const (
	platformCluster     = "platform-prod"
	platformIssuerHost  = "oidc.eks.us-east-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	platformProviderArn = "arn:aws:iam::" + mockcloud.AccountID + ":oidc-provider/" + platformIssuerHost
	platformEndpoint    = "https://EXAMPLE0123456789ABCDEF.gr7.us-east-2.eks.amazonaws.com"
	platformCA          = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==" // "-----BEGIN CERTIFICATE-----\n"
	platformVpc         = "vpc-0a1b2c3d4e5f60718"
	platformStack       = "acme/platform/prod"
	// platformKubeconfig is what the platform stack exports, as text.
	platformKubeconfig = `{"apiVersion":"v1","kind":"Config","clusters":[{"name":"platform-prod","cluster":{"server":"` + platformEndpoint + `"}}]}`
	typeExistingComp   = "milvus-eks:cluster:Existing"
	typeStackReference = "pulumi:pulumi:StackReference"
	exampleStackFile   = "Pulumi.shared.yaml.example"
)

var platformWorld = []mockcloud.Option{
	mockcloud.WithClusters([]discovery.EKSCluster{
		{
			Name: platformCluster, Endpoint: platformEndpoint, CertificateAuthorityData: platformCA,
			Issuer: "https://" + platformIssuerHost, VpcID: platformVpc,
		},
		// A cluster whose issuer has no IAM OIDC provider.
		{
			Name: "legacy", Endpoint: platformEndpoint, CertificateAuthorityData: platformCA,
			Issuer: "https://oidc.eks.us-east-2.amazonaws.com/id/0LDC1USTER0000000000000000000000", VpcID: platformVpc,
		},
	}, []discovery.OidcProvider{
		{Arn: platformProviderArn, URL: platformIssuerHost, ClientIDs: []string{"sts.amazonaws.com"}},
	}),
	mockcloud.WithStacks(map[string]map[string]any{
		platformStack: {
			"clusterName":     platformCluster,
			"kubeconfig":      mockcloud.Secret{Value: platformKubeconfig},
			"oidcProviderArn": platformProviderArn,
			"oidcIssuer":      "https://" + platformIssuerHost,
			"vpcId":           platformVpc,
		},
		"acme/platform/legacy": {
			"clusterName": "legacy",
			"kubeconfig":  mockcloud.Secret{Value: platformKubeconfig},
		},
		"acme/platform/no-vpc": {
			"clusterName":     platformCluster,
			"kubeconfig":      mockcloud.Secret{Value: platformKubeconfig},
			"oidcProviderArn": platformProviderArn,
		},
		// A provider in the platform's own account, which the Milvus role
		// in this account cannot trust.
		"acme/platform/other-account": {
			"clusterName":     platformCluster,
			"kubeconfig":      mockcloud.Secret{Value: platformKubeconfig},
			"oidcProviderArn": "arn:aws:iam::111122223333:oidc-provider/" + platformIssuerHost,
		},
		// A provider that was deleted since the platform stack's last update.
		"acme/platform/deleted": {
			"clusterName":     platformCluster,
			"kubeconfig":      mockcloud.Secret{Value: platformKubeconfig},
			"oidcProviderArn": "arn:aws:iam::" + mockcloud.AccountID + ":oidc-provider/oidc.eks.us-east-2.amazonaws.com/id/DE1ETED0000000000000000000000000",
		},
		// pulumi-eks' habits: the kubeconfig is an object, and this one is
		// not even secret; the provider ARN is.
		"acme/platform/eks": {
			"clusterName":     platformCluster,
			"kubeconfig":      map[string]any{"apiVersion": "v1", "kind": "Config"},
			"oidcProviderArn": mockcloud.Secret{Value: platformProviderArn},
		},
	}),
}

// exampleConfig is the shipped Pulumi.shared.yaml.example as its deployer
// would have it (root password set), with some keys changed; an empty value
// removes a key.
func exampleConfig(t *testing.T, changes map[string]string) config.Settings {
	t.Helper()
	settings, err := stackfile.FileConfig(projectDir, filepath.Join(projectDir, exampleStackFile))
	require.NoError(t, err)
	settings.Values[rootPasswordKey] = testRootPassword
	settings.Secret[rootPasswordKey] = true
	for k, v := range changes {
		if v == "" {
			delete(settings.Values, k)
			continue
		}
		settings.Values[k] = v
	}
	return settings
}

// Existing-cluster stacks: by name (the example as shipped), and by the
// platform stack.
var existingModes = []struct {
	name    string
	changes map[string]string
}{
	{name: "by name"},
	{name: "by stack", changes: map[string]string{
		"milvus:existingClusterName":  "",
		"milvus:existingClusterStack": platformStack,
	}},
}

func deployExisting(t *testing.T, changes map[string]string) *deployment {
	t.Helper()
	s, err := run("shared", exampleConfig(t, changes), platformWorld...)
	require.NoError(t, err)
	return &deployment{Stack: s, name: "shared"}
}

// The same stack, creating its cluster instead: what the Milvus side is
// compared with.
func deployCreating(t *testing.T) *deployment {
	t.Helper()
	return deployWith(t, "shared", exampleConfig(t, map[string]string{
		"milvus:clusterMode":         "create",
		"milvus:existingClusterName": "",
	}))
}

// milvusSide are the resources of the Milvus components (storage, the
// Milvus role, and Milvus itself) by URN, with their inputs. An add-on's
// role is its add-on's child, so the only top-level role is Milvus'.
func milvusSide(d *deployment) map[string]any {
	side := map[string]any{}
	for _, r := range d.Resources {
		// The URN's type is the chain of its parents' types, joined by "$".
		top := strings.SplitN(strings.Split(r.URN, "::")[2], "$", 2)[0]
		if top == typeStorageComp || top == typeIRSAComp || top == typeMilvusComp {
			side[r.URN] = mockcloud.Plain(r.Input())
		}
	}
	return side
}

// In existing mode the stack declares nothing of the cluster: no network,
// no cluster, no node group, no OIDC provider, no add-on; only the provider
// that reaches the cluster, in its own component.
func TestExistingClusterDeclaresNothingOfTheCluster(t *testing.T) {
	for _, mode := range existingModes {
		t.Run(mode.name, func(t *testing.T) {
			d := deployExisting(t, mode.changes)
			want := map[string]int{
				typeExistingComp: 1, typeK8sProvider: 1,
				typeStorageComp: 1, typeBucket: 1, typeOwnership: 1, typeACL: 1, typePublicAccessBlock: 1,
				typeEncryption: 1, typeBucketPolicy: 1, typeLifecycle: 1, typeVersioning: 1, typePolicy: 1,
				typeIRSAComp: 1, typeRole: 1, typeAttachment: 1,
				typeMilvusComp: 1, typeNamespace: 1, typeServiceAccount: 1, typeSecret: 1, typeRelease: 1, typeService: 1,
			}
			if mode.changes["milvus:existingClusterStack"] != "" {
				want[typeStackReference] = 1
			}
			assert.Equal(t, want, d.TypeCounts())
			assert.Empty(t, d.StandIns, "no remote component, so nothing plays its children")

			existing := d.only(t, typeExistingComp)
			provider := d.only(t, typeK8sProvider)
			assert.Equal(t, existing.URN, provider.Parent, "the provider is the component's child")
			for _, r := range d.Resources {
				if strings.HasPrefix(r.Type, "kubernetes:") {
					assert.True(t, strings.HasPrefix(r.Provider, provider.URN+"::"), "%s %s uses provider %q", r.Type, r.Name, r.Provider)
				}
				if r.Type == typeStackReference {
					assert.Equal(t, platformStack, r.ID)
					assert.True(t, r.Read, "a stack reference is read, not created")
				}
			}
		})
	}
}

// The Milvus role trusts the looked-up cluster's OIDC provider and issuer.
func TestExistingClusterTrustPolicyUsesTheLookedUpProvider(t *testing.T) {
	want := trust.WebIdentityTrust(platformProviderArn, "https://"+platformIssuerHost, "milvus", "milvus-s3-access-sa").JSON()
	for _, mode := range existingModes {
		t.Run(mode.name, func(t *testing.T) {
			d := deployExisting(t, mode.changes)
			role := d.one(t, typeRole, "milvus-s3")
			assert.JSONEq(t, want, role.Input("assumeRolePolicy").StringValue())
		})
	}
}

// The Kubernetes provider reaches the looked-up cluster: by name with a
// kubeconfig built from the EKS look-up that runs `aws eks get-token`, by
// stack with the platform stack's own discovery. Both stay secret.
func TestExistingClusterProviderUsesTheLookedUpCluster(t *testing.T) {
	byName, err := discovery.Kubeconfig(discovery.EKSCluster{
		Name: platformCluster, Region: "us-east-2", Endpoint: platformEndpoint, CertificateAuthorityData: platformCA,
	})
	require.NoError(t, err)
	wants := map[string]string{"by name": byName, "by stack": platformKubeconfig}
	for _, mode := range existingModes {
		t.Run(mode.name, func(t *testing.T) {
			d := deployExisting(t, mode.changes)
			provider := d.only(t, typeK8sProvider)
			require.True(t, provider.Input("kubeconfig").IsSecret(), "the kubeconfig is a secret")
			assert.Equal(t, wants[mode.name], mockcloud.Plain(provider.Input("kubeconfig")))
			assert.Equal(t, mockcloud.Secret{Value: wants[mode.name]}, d.Outputs["kubeconfig"])
		})
	}
	// Spelled out, not from the discovery package: what the provider runs.
	assert.Contains(t, byName, `"server":"`+platformEndpoint+`","certificate-authority-data":"`+platformCA+`"`)
	assert.Contains(t, byName, `"command":"aws","args":["eks","get-token","--cluster-name","platform-prod","--region","us-east-2","--output","json"]`)
}

// The bucket, its policy, the Milvus role, the namespace, the ServiceAccount
// and the release are those a create-mode stack with the same settings
// declares, input for input, but for the trust policy (tested above).
func TestExistingClusterMilvusSideIsCreateModes(t *testing.T) {
	created := milvusSide(deployCreating(t))
	require.Len(t, created, 19, "the Milvus side of the create-mode stack: three components and their children")
	for _, mode := range existingModes {
		t.Run(mode.name, func(t *testing.T) {
			existing := milvusSide(deployExisting(t, mode.changes))
			const roleURN = "urn:pulumi:shared::milvus::milvus-eks:irsa:Role$aws:iam/role:Role::milvus-s3"
			require.Contains(t, existing, roleURN)
			for _, side := range []map[string]any{existing, created} {
				delete(side[roleURN].(map[string]any), "assumeRolePolicy")
			}
			assert.Equal(t, sortedKeys(created), sortedKeys(existing), "the same resources")
			assert.Equal(t, created, existing, "with the same inputs")
		})
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// The outputs that describe the cluster are the looked-up cluster's; those
// of the network this stack no longer makes are absent.
func TestExistingClusterOutputs(t *testing.T) {
	for _, mode := range existingModes {
		t.Run(mode.name, func(t *testing.T) {
			d := deployExisting(t, mode.changes)
			var names []string
			for name := range d.Outputs {
				names = append(names, name)
			}
			sort.Strings(names)
			assert.Equal(t, []string{
				"bucketArn", "bucketName", "clusterName", "kubeconfig",
				"milvusChartVersion", "milvusEndpoint", "milvusMessageQueue", "milvusNamespace", "milvusRoleArn", "milvusRootPassword", "milvusRootPath", "milvusServiceAccount", "milvusUri",
				"oidcIssuer", "oidcProviderArn", "region", "s3PolicyArn",
			}, names)
			assert.Equal(t, platformCluster, d.Outputs["clusterName"])
			assert.Equal(t, platformProviderArn, d.Outputs["oidcProviderArn"])
			assert.Equal(t, "https://"+platformIssuerHost, d.Outputs["oidcIssuer"])
		})
	}
}

// An add-on switched on explicitly is installed on the existing cluster, in
// its VPC, and waits for no node group.
func TestExistingClusterAddonsOnRequest(t *testing.T) {
	for _, mode := range existingModes {
		t.Run(mode.name, func(t *testing.T) {
			changes := map[string]string{"milvus:ebsCsiDriver": "true", "milvus:loadBalancerController": "true"}
			for k, v := range mode.changes {
				changes[k] = v
			}
			d := deployExisting(t, changes)
			d.only(t, typeEbsCsiComp)
			d.only(t, typeLbcComp)
			controller := d.one(t, typeRelease, "load-balancer-controller")
			assert.Equal(t, platformVpc, mockcloud.Plain(controller.Input("values", "vpcId")))
			assert.Equal(t, platformCluster, mockcloud.Plain(controller.Input("values", "clusterName")))
			addon := d.only(t, typeAddon)
			assert.Equal(t, platformCluster, mockcloud.Plain(addon.Input("clusterName")))
			assert.Empty(t, d.Of(typeNodeGroup))
			assert.ElementsMatch(t, []string{
				typeServiceAccount + "::milvus",
				typeNamespace + "::milvus",
				typeSecret + "::milvus-root-password",
				typeAddon + "::ebs-csi-driver",
				typeStorageClass + "::ebs-csi-driver-gp3",
				typeStorageClassPatch + "::ebs-csi-driver-gp2",
				typeRelease + "::load-balancer-controller",
				typeBucket + "::storage",
			}, d.DependencyNames(d.one(t, typeRelease, "milvus")))
		})
	}
}

// A cluster that is named wrongly, twice, not at all, or that cannot take
// IRSA stops the program with a problem that says why and how to fix it,
// before anything is created.
func TestExistingClusterProblems(t *testing.T) {
	const noProvider = "has no IAM OIDC provider for its issuer https://oidc.eks.us-east-2.amazonaws.com/id/0LDC1USTER0000000000000000000000 in this account " +
		"(the look-up said: reading IAM OIDC Provider (https://oidc.eks.us-east-2.amazonaws.com/id/0LDC1USTER0000000000000000000000): couldn't find resource). IRSA needs one, and this stack never creates one on a cluster it does not own: " +
		"ask the cluster's owner to create it, e.g. `eksctl utils associate-iam-oidc-provider --cluster legacy --region us-east-2 --approve`"
	tests := []struct {
		name    string
		changes map[string]string
		want    config.Problem
		// read says the stack reference was read before the problem was found.
		read bool
	}{
		{name: "both sources", changes: map[string]string{"milvus:existingClusterStack": platformStack},
			want: config.Problem{Key: "milvus:existingClusterStack", Value: platformStack, Rule: "set only one of existingClusterName and existingClusterStack"}},
		{name: "neither source", changes: map[string]string{"milvus:existingClusterName": ""},
			want: config.Problem{Key: "milvus:clusterMode", Value: "existing", Rule: "needs the cluster: set existingClusterName (an EKS cluster in aws:region) or existingClusterStack (a platform stack that exports it)"}},
		{name: "unknown mode", changes: map[string]string{"milvus:clusterMode": "adopt"},
			want: config.Problem{Key: "milvus:clusterMode", Value: "adopt", Rule: `must be "create" (the stack creates its cluster) or "existing" (it deploys onto one that exists)`}},
		{name: "a source without the mode", changes: map[string]string{"milvus:clusterMode": "create", "milvus:loadBalancerScheme": "internal"},
			want: config.Problem{Key: "milvus:existingClusterName", Value: platformCluster, Rule: `applies only when clusterMode is "existing": set clusterMode to existing to deploy onto that cluster, or remove it`}},
		{name: "a create-mode key", changes: map[string]string{"milvus:nodeMaxSize": "10"},
			want: config.Problem{Key: "milvus:nodeMaxSize", Value: "10", Rule: `applies only when clusterMode is "create": an existing cluster's version, network and nodes are its owner's; remove it`}},
		{name: "bad cluster name", changes: map[string]string{"milvus:existingClusterName": "platform prod"},
			want: config.Problem{Key: "milvus:existingClusterName", Value: "platform prod", Rule: "EKS cluster names are 1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit"}},
		{name: "bad stack name", changes: map[string]string{"milvus:existingClusterName": "", "milvus:existingClusterStack": "acme/platform/prod/eu"},
			want: config.Problem{Key: "milvus:existingClusterStack", Value: "acme/platform/prod/eu", Rule: `must be a stack name such as "acme/platform/prod" (organization/project/stack)`}},
		{name: "this very stack", changes: map[string]string{"milvus:existingClusterName": "", "milvus:existingClusterStack": "shared"},
			want: config.Problem{Key: "milvus:existingClusterStack", Value: "shared", Rule: "names this stack itself; name the stack that owns the cluster"}},
		{name: "bad switch", changes: map[string]string{"milvus:ebsCsiDriver": "yes"},
			want: config.Problem{Key: "milvus:ebsCsiDriver", Value: "yes", Rule: "must be true, false or empty (on when the stack creates the cluster, off on an existing one)"}},
		{name: "no such cluster", changes: map[string]string{"milvus:existingClusterName": "platform-dev"},
			want: config.Problem{Key: "milvus:existingClusterName", Value: "platform-dev", Rule: "no EKS cluster of that name can be read in us-east-2 (aws:region) with these credentials (the look-up said: reading EKS Cluster (platform-dev): couldn't find resource)"}},
		{name: "cluster without OIDC provider", changes: map[string]string{"milvus:existingClusterName": "legacy"},
			want: config.Problem{Key: "milvus:existingClusterName", Value: "legacy", Rule: noProvider}},
		{name: "platform stack without OIDC provider", changes: map[string]string{"milvus:existingClusterName": "", "milvus:existingClusterStack": "acme/platform/legacy"}, read: true,
			want: config.Problem{Key: "milvus:existingClusterStack", Value: "acme/platform/legacy", Rule: "exports no oidcProviderArn. IRSA needs the cluster's IAM OIDC provider, and this stack never creates one on a cluster it does not own: " +
				"ask the platform team to create it (e.g. `eksctl utils associate-iam-oidc-provider --cluster <name> --approve`) and export its ARN as oidcProviderArn"}},
		{name: "platform provider in another account", read: true, changes: map[string]string{"milvus:existingClusterName": "", "milvus:existingClusterStack": "acme/platform/other-account"},
			want: config.Problem{Key: "milvus:existingClusterStack", Value: "acme/platform/other-account", Rule: "its oidcProviderArn arn:aws:iam::111122223333:oidc-provider/" + platformIssuerHost +
				" is in account 111122223333, but this stack deploys to account 000000000000: the Milvus role must be in its OIDC provider's account, so deploy with credentials for account 111122223333"}},
		{name: "platform provider deleted", read: true, changes: map[string]string{"milvus:existingClusterName": "", "milvus:existingClusterStack": "acme/platform/deleted"},
			want: config.Problem{Key: "milvus:existingClusterStack", Value: "acme/platform/deleted", Rule: "its oidcProviderArn arn:aws:iam::000000000000:oidc-provider/oidc.eks.us-east-2.amazonaws.com/id/DE1ETED0000000000000000000000000" +
				" does not exist (the look-up said: reading IAM OIDC Provider: couldn't find resource). IRSA needs the cluster's IAM OIDC provider, and this stack never creates one on a cluster it does not own: " +
				"ask the platform team to create it again (e.g. `eksctl utils associate-iam-oidc-provider --cluster platform-prod --approve`) and export its ARN"}},
		{name: "this very stack, by its full name", changes: map[string]string{"milvus:existingClusterName": "", "milvus:existingClusterStack": "acme/milvus/shared"},
			want: config.Problem{Key: "milvus:existingClusterStack", Value: "acme/milvus/shared", Rule: "names this stack itself; name the stack that owns the cluster"}},
		{name: "platform stack without VPC for the controller", read: true, changes: map[string]string{
			"milvus:existingClusterName": "", "milvus:existingClusterStack": "acme/platform/no-vpc", "milvus:loadBalancerController": "true",
		}, want: config.Problem{Key: "milvus:existingClusterStack", Value: "acme/platform/no-vpc", Rule: "exports no vpcId, which the AWS Load Balancer Controller (loadBalancerController: true) needs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := run("shared", exampleConfig(t, tt.changes), platformWorld...)
			var problems config.Problems
			require.True(t, errors.As(err, &problems), "error %v lists the problems", err)
			assert.Equal(t, config.Problems{tt.want}, problems)
			assert.Empty(t, s.StandIns)
			if !tt.read {
				assert.Empty(t, s.Resources, "nothing is registered")
				return
			}
			require.Len(t, s.Resources, 1, "only the stack reference is read; nothing is created")
			assert.Equal(t, typeStackReference, s.Resources[0].Type)
			assert.True(t, s.Resources[0].Read)
		})
	}
}

// A platform stack that does not exist fails its read, which the engine
// reports, and nothing is created.
func TestExistingClusterUnknownPlatformStack(t *testing.T) {
	s, err := run("shared", exampleConfig(t, map[string]string{
		"milvus:existingClusterName": "", "milvus:existingClusterStack": "acme/platform/staging",
	}), platformWorld...)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown stack "acme/platform/staging"`)
	assert.Empty(t, s.Resources)
}

// A platform stack in pulumi-eks' manner: its kubeconfig object reaches the
// provider as JSON, kept secret though the platform did not mark it, and
// its secret provider ARN stays secret in this stack's outputs.
func TestExistingClusterFromAPulumiEksPlatform(t *testing.T) {
	d := deployExisting(t, map[string]string{"milvus:existingClusterName": "", "milvus:existingClusterStack": "acme/platform/eks"})
	provider := d.only(t, typeK8sProvider)
	require.True(t, provider.Input("kubeconfig").IsSecret())
	assert.Equal(t, `{"apiVersion":"v1","kind":"Config"}`, mockcloud.Plain(provider.Input("kubeconfig")))
	assert.Equal(t, mockcloud.Secret{Value: platformProviderArn}, d.Outputs["oidcProviderArn"])
	assert.Equal(t, mockcloud.Secret{Value: "https://" + platformIssuerHost}, d.Outputs["oidcIssuer"], "read from the secret ARN")
	assert.Equal(t, platformCluster, d.Outputs["clusterName"])
}

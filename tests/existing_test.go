package tests

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster/existing"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster/kubeconfig"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
)

const (
	typeExistingComp   = existing.TypeToken
	typeStackReference = "pulumi:pulumi:StackReference"
	exampleStackFile   = "Pulumi.shared.yaml.example"
)

// platformWorld is the platform team's account, as the mock engine has it.
var platformWorld = mockcloud.WithPlatform()

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
		"milvus:existingClusterStack": mockcloud.PlatformStack,
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
				// the namespace's five NetworkPolicies; budgets for the
				// example's two replicated components (mixCoordinator, proxy)
				typeNetworkPolicy: 5, typeBudget: 2,
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
					assert.Equal(t, mockcloud.PlatformStack, r.ID)
					assert.True(t, r.Read, "a stack reference is read, not created")
				}
			}
		})
	}
}

// The Milvus role trusts the looked-up cluster's OIDC provider and issuer.
func TestExistingClusterTrustPolicyUsesTheLookedUpProvider(t *testing.T) {
	want := trust.WebIdentityTrust(mockcloud.PlatformProviderArn, "https://"+mockcloud.PlatformIssuerHost, "milvus", "milvus-s3-access-sa").JSON()
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
	byName, err := kubeconfig.Of(kubeconfig.Cluster{
		Name: mockcloud.PlatformCluster, Region: "us-east-2", Endpoint: mockcloud.PlatformEndpoint, CertificateAuthorityData: mockcloud.PlatformCA,
	})
	require.NoError(t, err)
	wants := map[string]string{"by name": byName, "by stack": mockcloud.PlatformKubeconfig}
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
	assert.Contains(t, byName, `"server":"`+mockcloud.PlatformEndpoint+`","certificate-authority-data":"`+mockcloud.PlatformCA+`"`)
	assert.Contains(t, byName, `"command":"aws","args":["eks","get-token","--cluster-name","platform-prod","--region","us-east-2","--output","json"]`)
}

// The bucket, its policy, the Milvus role, the namespace, the ServiceAccount
// and the release are those a create-mode stack with the same settings
// declares, input for input, but for the trust policy (tested above).
func TestExistingClusterMilvusSideIsCreateModes(t *testing.T) {
	created := milvusSide(deployCreating(t))
	require.Len(t, created, 26, "the Milvus side of the create-mode stack: three components and their children")
	for _, mode := range existingModes {
		t.Run(mode.name, func(t *testing.T) {
			existing := milvusSide(deployExisting(t, mode.changes))
			const roleURN = "urn:pulumi:shared::milvus::milvus-eks:milvus:Milvus$milvus-eks:irsa:Role$aws:iam/role:Role::milvus-s3"
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
			assert.Equal(t, mockcloud.PlatformCluster, d.Outputs["clusterName"])
			assert.Equal(t, mockcloud.PlatformProviderArn, d.Outputs["oidcProviderArn"])
			assert.Equal(t, "https://"+mockcloud.PlatformIssuerHost, d.Outputs["oidcIssuer"])
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
			assert.Equal(t, mockcloud.PlatformVpc, mockcloud.Plain(controller.Input("values", "vpcId")))
			assert.Equal(t, mockcloud.PlatformCluster, mockcloud.Plain(controller.Input("values", "clusterName")))
			addon := d.only(t, typeAddon)
			assert.Equal(t, mockcloud.PlatformCluster, mockcloud.Plain(addon.Input("clusterName")))
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
				typeNetworkPolicy + "::milvus-default-deny",
				typeNetworkPolicy + "::milvus-dns",
				typeNetworkPolicy + "::milvus-milvus",
				typeNetworkPolicy + "::milvus-milvus-api",
				typeNetworkPolicy + "::milvus-etcd",
			}, d.DependencyNames(d.one(t, typeRelease, "milvus")))
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
	assert.Equal(t, mockcloud.Secret{Value: mockcloud.PlatformProviderArn}, d.Outputs["oidcProviderArn"])
	assert.Equal(t, mockcloud.Secret{Value: "https://" + mockcloud.PlatformIssuerHost}, d.Outputs["oidcIssuer"], "read from the secret ARN")
	assert.Equal(t, mockcloud.PlatformCluster, d.Outputs["clusterName"])
}

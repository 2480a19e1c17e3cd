package tests

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy/controllerpolicy"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
	"github.com/milvus-eks/milvus-eks/infra/stack"
)

const (
	ebsCsiRoleArn = "arn:aws:iam::000000000000:role/ebs-csi-driver"
	lbcRoleArn    = "arn:aws:iam::000000000000:role/load-balancer-controller"
)

func TestEbsCsiDriverAddon(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		addon := d.one(t, typeAddon, "ebs-csi-driver")
		assert.Equal(t, map[string]any{
			"clusterName":           "milvus-" + name,
			"addonName":             "aws-ebs-csi-driver",
			"serviceAccountRoleArn": ebsCsiRoleArn,
		}, mockcloud.Plain(addon.Input()), name)

		attachment := d.one(t, typeAttachment, "ebs-csi-driver-AmazonEBSCSIDriverPolicy")
		assert.Equal(t, "ebs-csi-driver", attachment.Input("role").StringValue(), name)
		assert.Equal(t, "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", attachment.Input("policyArn").StringValue(), name)
		assert.Equal(t, ebsCsiRoleArn, d.Outputs["ebsCsiDriverRoleArn"], name)
	}
}

// Before the driver goes, a hook waits for the volumes it still has to
// delete; nothing else has delete hooks.
func TestEbsCsiDriverWaitsForReleasedVolumes(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		for _, r := range d.Resources {
			want := []string(nil)
			if r.Type == typeAddon && r.Name == "ebs-csi-driver" {
				want = []string{"ebs-csi-driver-volumes-released"}
			}
			assert.Equal(t, want, r.BeforeDelete, "%s: %s %s", name, r.Type, r.Name)
		}
	}
}

func TestEbsCsiDriverVersionFromConfig(t *testing.T) {
	d := deployWith(t, "dev", stackConfig(t, "dev", map[string]string{"milvus:ebsCsiDriverVersion": "v1.48.0-eksbuild.1"}))
	assert.Equal(t, "v1.48.0-eksbuild.1", d.one(t, typeAddon, "ebs-csi-driver").Input("addonVersion").StringValue())
}

func TestGp3IsTheOnlyDefaultStorageClass(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		inputs := mockcloud.Plain(d.only(t, typeStorageClass).Input())
		assert.Equal(t, map[string]any{
			"apiVersion": "storage.k8s.io/v1",
			"kind":       "StorageClass",
			"metadata": map[string]any{
				"name":        "gp3",
				"annotations": map[string]any{"storageclass.kubernetes.io/is-default-class": "true"},
			},
			"provisioner":          "ebs.csi.aws.com",
			"parameters":           map[string]any{"type": "gp3", "encrypted": "true"},
			"volumeBindingMode":    "WaitForFirstConsumer",
			"allowVolumeExpansion": true,
			// Production keeps etcd's volumes when their claims go.
			"reclaimPolicy": map[string]string{"dev": "Delete", "prod": "Retain"}[name],
		}, inputs, name)

		// EKS' own gp2 class is patched to stop being a default.
		patch := mockcloud.Plain(d.only(t, typeStorageClassPatch).Input())
		assert.Equal(t, map[string]any{
			"apiVersion": "storage.k8s.io/v1",
			"kind":       "StorageClass",
			"metadata": map[string]any{
				"name": "gp2",
				"annotations": map[string]any{
					"storageclass.kubernetes.io/is-default-class": "false",
					"pulumi.com/patchForce":                       "true",
				},
			},
		}, patch, name)
	}
}

func TestLoadBalancerControllerRelease(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		release := d.one(t, typeRelease, "load-balancer-controller")
		assert.Equal(t, map[string]any{
			"name":      "aws-load-balancer-controller",
			"namespace": "kube-system",
			"chart":     "infra/charts/aws-load-balancer-controller-3.5.0.tgz",
			"version":   "3.5.0",
			"atomic":    true,
			"timeout":   float64(600),
			"compat":    "true",
			"values": map[string]any{
				"clusterName": "milvus-" + name,
				"region":      "us-east-2",
				"vpcId":       "network-id",
				"serviceAccount": map[string]any{
					"create":      true,
					"name":        "aws-load-balancer-controller",
					"annotations": map[string]any{"eks.amazonaws.com/role-arn": lbcRoleArn},
				},
				// Sized, so that no pod of the stack runs best-effort.
				"replicaCount": float64(2),
				"resources": map[string]any{
					"requests": map[string]any{"cpu": "100m", "memory": "128Mi", "ephemeral-storage": "256Mi"},
					"limits":   map[string]any{"cpu": "200m", "memory": "256Mi", "ephemeral-storage": "1Gi"},
				},
				// controllervalues' tests spell out the rest.
				"podDisruptionBudget": map[string]any{"maxUnavailable": float64(1)},
				"securityContext":     mockcloud.Plain(release.Input("values", "securityContext")),
				"podSecurityContext":  mockcloud.Plain(release.Input("values", "podSecurityContext")),
			},
		}, mockcloud.Plain(release.Input()), name)
		assert.Equal(t, lbcRoleArn, d.Outputs["loadBalancerControllerRoleArn"], name)
	}
}

func TestLoadBalancerControllerPolicyIsThePublishedOne(t *testing.T) {
	published, err := controllerpolicy.ForChart("3.5.0")
	require.NoError(t, err)
	for _, name := range stacks {
		d := deploy(t, name)
		policy := d.one(t, typePolicy, "load-balancer-controller")
		assert.JSONEq(t, published, policy.Input("policy").StringValue(), name)

		attachment := d.one(t, typeAttachment, "load-balancer-controller-policy")
		assert.Equal(t, "load-balancer-controller", attachment.Input("role").StringValue(), name)
		assert.Equal(t, "arn:aws:iam::000000000000:policy/load-balancer-controller", attachment.Input("policyArn").StringValue(), name)
	}
}

// The Milvus release waits for every add-on; each add-on waits for the nodes;
// only Milvus' namespace waits for them too, so that `pulumi destroy` deletes
// the namespace (its leftover volume claims, its Service's NLB) while the
// driver and the controller that release them still run.
func TestAddonOrder(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		milvus := d.one(t, typeRelease, "milvus")
		namespace := d.one(t, typeNamespace, "milvus")
		nodes := d.only(t, typeNodeGroup)
		addons := []*mockcloud.Resource{
			d.one(t, typeAddon, "ebs-csi-driver"),
			d.only(t, typeStorageClass),
			d.only(t, typeStorageClassPatch),
			d.one(t, typeRelease, "load-balancer-controller"),
		}
		for _, addon := range addons {
			assert.True(t, milvus.DependsOn(addon), "%s: Milvus waits for %s %s", name, addon.Type, addon.Name)
			assert.True(t, addon.DependsOn(nodes), "%s: %s %s waits for the nodes", name, addon.Type, addon.Name)
			assert.True(t, namespace.DependsOn(addon), "%s: the namespace waits for %s %s", name, addon.Type, addon.Name)
			for _, r := range d.Resources {
				if r != milvus && r != namespace {
					assert.False(t, r.DependsOn(addon), "%s: %s %s waits for %s %s", name, r.Type, r.Name, addon.Type, addon.Name)
				}
			}
		}
	}
}

// The Milvus release waits for exactly what it uses and the add-ons that are
// switched on; a switched-off add-on leaves nothing behind.
func TestMilvusReleaseDependencies(t *testing.T) {
	always := []string{
		typeBucket + "::storage",
		typeNamespace + "::milvus",
		typeServiceAccount + "::milvus",
		typeSecret + "::milvus-root-password",
		typeNodeGroup + "::cluster-nodes",
		// No pod of the release runs before its namespace's policies.
		typeNetworkPolicy + "::milvus-default-deny",
		typeNetworkPolicy + "::milvus-dns",
		typeNetworkPolicy + "::milvus-milvus",
		typeNetworkPolicy + "::milvus-milvus-api",
		typeNetworkPolicy + "::milvus-etcd",
	}
	ebs := []string{typeAddon + "::ebs-csi-driver", typeStorageClass + "::ebs-csi-driver-gp3", typeStorageClassPatch + "::ebs-csi-driver-gp2"}
	lbc := []string{typeRelease + "::load-balancer-controller"}
	// dev's pools, which its pods select, and the autoscaler's metrics.
	pools := []string{"kubernetes:karpenter.sh/v1:NodePool::karpenter-query", "kubernetes:karpenter.sh/v1:NodePool::karpenter-core", typeAddon + "::metrics-server"}
	tests := []struct {
		name    string
		changes map[string]string
		want    [][]string
		absent  []string
		outputs []string
	}{
		{"both on", nil, [][]string{always, ebs, lbc, pools}, nil,
			[]string{"ebsCsiDriverRoleArn", "loadBalancerControllerRoleArn"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := deployWith(t, "dev", stackConfig(t, "dev", tt.changes))
			var want []string
			for _, w := range tt.want {
				want = append(want, w...)
			}
			assert.ElementsMatch(t, want, d.DependencyNames(d.one(t, typeRelease, "milvus")))
			counts := d.TypeCounts()
			for _, typ := range tt.absent {
				assert.Zero(t, counts[typ], typ)
			}
			for _, output := range []string{"ebsCsiDriverRoleArn", "loadBalancerControllerRoleArn"} {
				_, exported := d.Outputs[output]
				assert.Equal(t, slices.Contains(tt.outputs, output), exported, output)
			}
		})
	}
}

// An existing cluster's add-ons are its owner's: the stack installs none,
// and makes no role for them.
func TestExistingClusterInstallsNoAddOn(t *testing.T) {
	d := deployExisting(t, nil)
	assert.Equal(t, []string{"milvus-s3"}, names(d.Of(typeIRSAComp)))
	assert.Equal(t, []string{"milvus"}, names(d.Of(typeRelease)))
	assert.Empty(t, d.Of(typeAddon))
	assert.Equal(t, []string{"storage-access"}, names(d.Of(typePolicy)))
}

func names(rs []*mockcloud.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

// A stack that creates its cluster without an add-on could never become
// healthy, so the configuration refuses it (testdata/bad-configs.yaml). Forced
// past validation, the mock engine shows why: without the EBS CSI driver
// Milvus' release stays pending, and without the load balancer controller
// its Service gets no address.
func TestWithoutAnAddOnNothingBecomesReady(t *testing.T) {
	for _, tt := range []struct {
		name          string
		drop          func(*config.Addons)
		notReady      []string
		releaseStatus string
		endpoint      string
	}{
		{"without the EBS CSI driver", func(a *config.Addons) { a.EbsCsiDriver.Enabled = false }, []string{
			typeRelease + " milvus: its volume claims never bind: no aws-ebs-csi-driver add-on with a default StorageClass of ebs.csi.aws.com is installed before it",
		}, "pending-install", "milvus-dev-0000000000000000.elb.us-east-2.amazonaws.com:19530"},
		{"without the load balancer controller", func(a *config.Addons) { a.LoadBalancerController.Enabled = false }, []string{
			typeService + " milvus-endpoint: its load balancer address stays <pending>: no AWS Load Balancer Controller is installed before it",
		}, "deployed", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			settings := stackConfig(t, "dev", nil)
			cfg, err := config.Load(settings, "dev")
			require.NoError(t, err)
			tt.drop(&cfg.Addons)
			s, err := mockcloud.Run("milvus", "dev", settings, func(ctx *pulumi.Context) error { return stack.Declare(ctx, cfg) })
			require.NoError(t, err)
			assert.Equal(t, tt.notReady, s.NotReady())
			d := &deployment{Stack: s, name: "dev"}
			status := mockcloud.Plain(d.one(t, typeRelease, "milvus").Outputs["status"]).(map[string]any)["status"]
			assert.Equal(t, tt.releaseStatus, status)
			assert.Equal(t, tt.endpoint, s.Outputs["milvusEndpoint"])
		})
	}
}

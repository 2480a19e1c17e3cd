// Package ebscsi gives the cluster persistent volumes on EBS: the
// aws-ebs-csi-driver EKS add-on with its own IRSA role, and an encrypted gp3
// StorageClass that replaces gp2 as the cluster's default.
//
// Milvus in cluster mode runs etcd (and, with messageQueue pulsar, Pulsar's
// ZooKeeper and BookKeeper) as StatefulSets whose claims name no class: they
// get the default one, and since Kubernetes 1.23 EKS provisions no EBS volume
// without this driver. Before the driver is deleted, a hook waits for it to
// delete the volumes whose claims are gone.
package ebscsi

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/components/ebscsi/released"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
)

// TypeToken is the Driver component's type.
const TypeToken = "milvus-eks:ebscsi:Driver"

// The add-on and the identity its controller runs under (the EKS user guide,
// "Amazon EBS CSI driver"): the add-on's controller uses this ServiceAccount,
// and AWS keeps the managed policy it needs.
const (
	AddonName      = "aws-ebs-csi-driver"
	Namespace      = "kube-system"
	ServiceAccount = "ebs-csi-controller-sa"
	ManagedPolicy  = "service-role/AmazonEBSCSIDriverPolicy"
)

// The StorageClass this package makes the default.
const (
	StorageClassName = "gp3"
	Provisioner      = "ebs.csi.aws.com"
	// DefaultClassAnnotation marks the class that claims without one get.
	DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class"
	// PreinstalledClassName is the class EKS creates in every cluster, with
	// the in-tree provisioner. Clusters created before Kubernetes 1.30 carry
	// it as the default.
	PreinstalledClassName = "gp2"
)

// Args say which driver to install on which cluster.
type Args struct {
	// Version is an EKS add-on version; empty lets EKS choose its default.
	Version string
	Region  string
	// Cluster's nodes run the driver's pods: the add-on becomes active only
	// once they are scheduled.
	Cluster cluster.Access
	// RetainVolumes makes the class keep a volume, and its data, when its
	// claim is deleted (production): etcd's volumes hold Milvus' metadata.
	RetainVolumes bool
}

// Driver is the installed driver and its default StorageClass.
type Driver struct {
	pulumi.ResourceState

	RoleArn      pulumi.StringOutput `pulumi:"roleArn"`
	StorageClass pulumi.StringOutput `pulumi:"storageClass"`

	// Ready is what a workload that claims volumes must wait for: the
	// running driver, the new default class and the old one demoted.
	Ready []pulumi.Resource
}

// ReclaimPolicy is the class's: Retain keeps a released volume in EC2, to
// be deleted by hand; Delete deletes it with its claim.
func ReclaimPolicy(retain bool) string {
	if retain {
		return "Retain"
	}
	return "Delete"
}

// How long the driver's deletion waits for released volumes to go, and how
// often it looks.
const (
	ReleasedVolumesTimeout = 10 * time.Minute
	releasedVolumesPoll    = 10 * time.Second
)

// waitForReleasedVolumes is the hook that holds the driver's deletion until
// the volumes whose claims are gone are deleted (package released). Its
// errors are warnings: a destroy that cannot reach the cluster, or waits in
// vain, goes on and says which volumes to delete by hand.
//
// Delete hooks run only in `pulumi destroy --run-program`, which the engine
// then requires; the program, running again, knows the kubeconfig.
func waitForReleasedVolumes(ctx *pulumi.Context, name string, kubeconfig pulumi.StringOutput) (*pulumi.ResourceHook, error) {
	var known atomic.Value
	kubeconfig.ApplyT(func(k string) string {
		known.Store(k)
		return k
	})
	return ctx.RegisterResourceHook(name+"-volumes-released", func(*pulumi.ResourceHookArgs) error {
		k, _ := known.Load().(string)
		if k == "" {
			return errors.New("the cluster's kubeconfig is unknown to this run: check that no EBS volume of the cluster is left once the stack is gone")
		}
		cluster, err := released.NewCluster(k)
		if err != nil {
			return err
		}
		return released.Wait(context.Background(), cluster, Provisioner, releasedVolumesPoll, ReleasedVolumesTimeout)
	}, &pulumi.ResourceHookOptions{IgnoreErrors: true})
}

// New declares the driver.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Driver, error) {
	d := &Driver{}
	if err := ctx.RegisterComponentResource(TypeToken, name, d, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(d)
	afterNodes := pulumi.DependsOn(args.Cluster.WaitForNodes())

	role, err := irsa.New(ctx, name, irsa.Args{
		OidcProviderArn: args.Cluster.OidcProviderArn,
		OidcIssuerURL:   args.Cluster.OidcIssuerURL,
		Namespace:       Namespace,
		ServiceAccount:  ServiceAccount,
		Policies: []irsa.Policy{{
			Name: "AmazonEBSCSIDriverPolicy",
			Arn:  pulumi.String(iampolicy.ManagedPolicyArn(args.Region, ManagedPolicy)),
		}},
	}, parent)
	if err != nil {
		return nil, err
	}

	volumesReleased, err := waitForReleasedVolumes(ctx, name, args.Cluster.Kubeconfig)
	if err != nil {
		return nil, err
	}
	addon, err := awseks.NewAddon(ctx, name, &awseks.AddonArgs{
		ClusterName:           args.Cluster.Name,
		AddonName:             pulumi.String(AddonName),
		AddonVersion:          optional(args.Version),
		ServiceAccountRoleArn: role.Arn,
	}, parent, afterNodes, pulumi.ResourceHooks(&pulumi.ResourceHookBinding{BeforeDelete: []*pulumi.ResourceHook{volumesReleased}}))
	if err != nil {
		return nil, err
	}

	k8s := []pulumi.ResourceOption{parent, pulumi.Provider(args.Cluster.Provider), afterNodes}
	gp3, err := storagev1.NewStorageClass(ctx, name+"-"+StorageClassName, &storagev1.StorageClassArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(StorageClassName),
			Annotations: pulumi.StringMap{DefaultClassAnnotation: pulumi.String("true")},
		},
		Provisioner: pulumi.String(Provisioner),
		Parameters: pulumi.StringMap{
			"type":      pulumi.String("gp3"),
			"encrypted": pulumi.String("true"),
		},
		// A volume is made in the zone of the pod that first claims it, not
		// in a zone the pod then cannot be scheduled in.
		VolumeBindingMode:    pulumi.String("WaitForFirstConsumer"),
		AllowVolumeExpansion: pulumi.Bool(true),
		ReclaimPolicy:        pulumi.String(ReclaimPolicy(args.RetainVolumes)),
	}, k8s...)
	if err != nil {
		return nil, err
	}

	// Two default classes make the choice for a claim depend on creation
	// times. A server-side apply patch takes over only this annotation of the
	// class EKS owns; patchForce wins it from the field manager that set it.
	gp2, err := storagev1.NewStorageClassPatch(ctx, name+"-"+PreinstalledClassName, &storagev1.StorageClassPatchArgs{
		Metadata: &metav1.ObjectMetaPatchArgs{
			Name: pulumi.String(PreinstalledClassName),
			Annotations: pulumi.StringMap{
				DefaultClassAnnotation:  pulumi.String("false"),
				"pulumi.com/patchForce": pulumi.String("true"),
			},
		},
	}, k8s...)
	if err != nil {
		return nil, err
	}

	d.RoleArn = role.Arn
	d.StorageClass = gp3.Metadata.Name().Elem()
	d.Ready = []pulumi.Resource{addon, gp3, gp2}
	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{
		"roleArn":      d.RoleArn,
		"storageClass": d.StorageClass,
	})
}

// optional is a string input that is left out when empty.
func optional(s string) pulumi.StringPtrInput {
	if s == "" {
		return nil
	}
	return pulumi.String(s)
}

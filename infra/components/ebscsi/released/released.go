// Package released waits, before the EBS CSI driver is deleted, until the
// driver has deleted the EBS volumes whose claims are gone.
//
// Kubernetes deletes a released volume asynchronously: deleting Milvus'
// namespace deletes etcd's claims at once, but their volumes go only when
// the driver's controller gets to them. Were the driver deleted first, the
// volumes would stay in EC2, billed, after `pulumi destroy`.
package released

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
)

// Volume is what this package reads of a PersistentVolume.
type Volume struct {
	Name, Driver, ReclaimPolicy string
}

// Lister lists the cluster's PersistentVolumes.
type Lister interface {
	Volumes(ctx context.Context) ([]Volume, error)
}

// Pending are the volumes the driver still has to delete: its own, whose
// reclaim policy deletes them. Retained volumes stay by design.
func Pending(volumes []Volume, driver string) []string {
	var names []string
	for _, v := range volumes {
		if v.Driver == driver && v.ReclaimPolicy == "Delete" {
			names = append(names, v.Name)
		}
	}
	sort.Strings(names)
	return names
}

// Wait polls until no volume of the driver is pending, or timeout passes.
func Wait(ctx context.Context, l Lister, driver string, poll, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		volumes, err := l.Volumes(ctx)
		if err != nil {
			return fmt.Errorf("listing the cluster's volumes: %w", err)
		}
		pending := Pending(volumes, driver)
		if len(pending) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("after %s, %s still has to delete %s; delete them in EC2 once the stack is gone", timeout, driver, strings.Join(pending, ", "))
		case <-time.After(poll):
		}
	}
}

// Cluster lists volumes through the Kubernetes API, reached with a
// kubeconfig (pulumi-eks' runs `aws eks get-token`).
type Cluster struct{ client dynamic.Interface }

// NewCluster builds a Lister from a kubeconfig.
func NewCluster(kubeconfig string) (Cluster, error) {
	rest, err := clientcmd.RESTConfigFromKubeConfig([]byte(kubeconfig))
	if err != nil {
		return Cluster{}, fmt.Errorf("reading the kubeconfig: %w", err)
	}
	client, err := dynamic.NewForConfig(rest)
	return Cluster{client: client}, err
}

var persistentVolumes = schema.GroupVersionResource{Version: "v1", Resource: "persistentvolumes"}

// Volumes lists the PersistentVolumes.
func (c Cluster) Volumes(ctx context.Context) ([]Volume, error) {
	list, err := c.client.Resource(persistentVolumes).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	volumes := make([]Volume, 0, len(list.Items))
	for _, item := range list.Items {
		driver, _, _ := unstructured.NestedString(item.Object, "spec", "csi", "driver")
		policy, _, _ := unstructured.NestedString(item.Object, "spec", "persistentVolumeReclaimPolicy")
		volumes = append(volumes, Volume{Name: item.GetName(), Driver: driver, ReclaimPolicy: policy})
	}
	return volumes, nil
}

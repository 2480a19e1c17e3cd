package released

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
)

const driver = "ebs.csi.aws.com"

func TestPending(t *testing.T) {
	assert.Equal(t, []string{"pvc-a", "pvc-b"}, Pending([]Volume{
		{"pvc-b", driver, "Delete"},
		{"pvc-a", driver, "Delete"},
		{"pvc-kept", driver, "Retain"},
		{"pvc-gp2", "kubernetes.io/aws-ebs", "Delete"},
	}, driver))
	assert.Empty(t, Pending(nil, driver))
}

// scripted lists volumes that disappear one call after another.
type scripted struct {
	lists [][]Volume
	err   error
}

func (s *scripted) Volumes(context.Context) ([]Volume, error) {
	if s.err != nil {
		return nil, s.err
	}
	list := s.lists[0]
	if len(s.lists) > 1 {
		s.lists = s.lists[1:]
	}
	return list, nil
}

func TestWait(t *testing.T) {
	gone := &scripted{lists: [][]Volume{{{"pvc-a", driver, "Delete"}}, {{"pvc-a", driver, "Delete"}}, {}}}
	assert.NoError(t, Wait(context.Background(), gone, driver, time.Millisecond, time.Second))

	stuck := &scripted{lists: [][]Volume{{{"pvc-a", driver, "Delete"}}}}
	assert.EqualError(t, Wait(context.Background(), stuck, driver, time.Millisecond, 20*time.Millisecond),
		"after 20ms, ebs.csi.aws.com still has to delete pvc-a; delete them in EC2 once the stack is gone")

	broken := &scripted{err: errors.New("Unauthorized")}
	assert.EqualError(t, Wait(context.Background(), broken, driver, time.Millisecond, time.Second), "listing the cluster's volumes: Unauthorized")
}

func TestClusterReadsPersistentVolumes(t *testing.T) {
	pv := func(name, driver, policy string) runtime.Object {
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "PersistentVolume",
			"metadata": map[string]any{"name": name},
			"spec":     map[string]any{"csi": map[string]any{"driver": driver}, "persistentVolumeReclaimPolicy": policy},
		}}
		return u
	}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{persistentVolumes: "PersistentVolumeList"},
		pv("pvc-a", driver, "Delete"), pv("pvc-b", driver, "Retain"))
	got, err := Cluster{client: client}.Volumes(context.Background())
	assert.NoError(t, err)
	assert.ElementsMatch(t, []Volume{{"pvc-a", driver, "Delete"}, {"pvc-b", driver, "Retain"}}, got)
	_ = metav1.ListOptions{}
}

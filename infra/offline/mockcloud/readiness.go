package mockcloud

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/charts"
)

// What a workload needs of a cluster without naming it, as a real cluster
// would make it wait: a StatefulSet's claims bind only when a default
// StorageClass's provisioner runs, and a LoadBalancer Service handed to the
// AWS Load Balancer Controller gets an address only from that controller.
// On a cluster the program creates, the mock reports a release as deployed,
// and such a Service with an address, only when what they need waits
// upstream of them; an existing cluster is its owner's, add-ons included.

// volumeProvisioner and defaultClassAnnotation make a class the one
// claims without a class get, served by the EBS CSI driver.
const (
	volumeProvisioner      = "ebs.csi.aws.com"
	volumeDriverAddon      = "aws-ebs-csi-driver"
	defaultClassAnnotation = "storageclass.kubernetes.io/is-default-class"
	controllerAnnotation   = "service.beta.kubernetes.io/aws-load-balancer-type"
)

// chartsWithVolumes are the charts whose StatefulSets claim volumes of the
// default class: Milvus' in cluster mode runs etcd.
var chartsWithVolumes = map[string]bool{charts.Milvus: true}

// chartOf is the chart a release installs from its vendored archive.
func chartOf(release resource.PropertyMap) string {
	archive, _ := charts.Of(stringOf(release["chart"]))
	return archive.Chart
}

// missing says what a registration needs of the cluster and lacks upstream,
// or "".
func (m *mocks) missing(args pulumi.MockResourceArgs, dependencies []string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.createsCluster {
		return ""
	}
	upstream := m.upstream(dependencies)
	switch args.TypeToken {
	case "kubernetes:karpenter.sh/v1:NodePool", "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass":
		// Karpenter's kinds exist only once its chart's CRDs are installed.
		for _, r := range upstream {
			if r.Type == "kubernetes:helm.sh/v3:Release" && chartOf(r.Inputs) == charts.Karpenter {
				return ""
			}
		}
		return "the API server refuses it: no Karpenter release, whose chart brings the CRD, is installed before it"
	case "kubernetes:helm.sh/v3:Release":
		if !chartsWithVolumes[chartOf(args.Inputs)] {
			return ""
		}
		var driver, class bool
		for _, r := range upstream {
			driver = driver || r.Type == "aws:eks/addon:Addon" && stringOf(r.Inputs["addonName"]) == volumeDriverAddon
			class = class || r.Type == "kubernetes:storage.k8s.io/v1:StorageClass" && stringOf(r.Inputs["provisioner"]) == volumeProvisioner &&
				stringOf(r.Input("metadata", "annotations", defaultClassAnnotation)) == "true"
		}
		if !driver || !class {
			return fmt.Sprintf("its volume claims never bind: no %s add-on with a default StorageClass of %s is installed before it", volumeDriverAddon, volumeProvisioner)
		}
	case "kubernetes:core/v1:Service":
		if stringOf(objectField(args.Inputs["spec"], "type")) != "LoadBalancer" ||
			!strings.EqualFold(stringOf(objectField(args.Inputs["metadata"], "annotations", controllerAnnotation)), "external") {
			return ""
		}
		for _, r := range upstream {
			if r.Type == "kubernetes:helm.sh/v3:Release" && chartOf(r.Inputs) == charts.LoadBalancerController {
				return ""
			}
		}
		return "its load balancer address stays <pending>: no AWS Load Balancer Controller is installed before it"
	}
	return ""
}

// upstream are the registered resources that dependencies name, and theirs,
// transitively. The caller holds m.mu.
func (m *mocks) upstream(dependencies []string) []*Resource {
	byURN := map[string]*Resource{}
	for _, r := range m.resources {
		byURN[r.URN] = r
	}
	seen := map[string]bool{}
	var out []*Resource
	queue := append([]string(nil), dependencies...)
	for len(queue) > 0 {
		urn := queue[0]
		queue = queue[1:]
		if seen[urn] {
			continue
		}
		seen[urn] = true
		if r := byURN[urn]; r != nil {
			out = append(out, r)
			queue = append(queue, r.Dependencies...)
		}
	}
	return out
}

// objectField reads a nested field of an object property.
func objectField(v resource.PropertyValue, path ...string) resource.PropertyValue {
	for _, key := range path {
		if !v.IsObject() {
			return resource.PropertyValue{}
		}
		v = v.ObjectValue()[resource.PropertyKey(key)]
	}
	return v
}

// NotReady lists what the stack declares that would never become ready, and
// why: none for a stack that can be deployed.
func (s *Stack) NotReady() []string {
	var out []string
	for _, r := range s.Resources {
		if r.NotReady != "" {
			out = append(out, fmt.Sprintf("%s %s: %s", r.Type, r.Name, r.NotReady))
		}
	}
	return out
}

package sizing

// AddOns are the pods of the cluster's own software on a cluster the stack
// creates: what runs on every node, and the add-ons' controllers. Their
// requests are those of the manifests EKS and the charts ship (the VPC CNI
// 25m CPU; kube-proxy 100m; CoreDNS 100m and 70 MiB, two replicas; each
// EBS CSI container 10m and 40 MiB). The Load Balancer Controller is sized
// by this project (its chart's values), and passed in.
type AddOns struct {
	EbsCsiDriver           bool
	LoadBalancerController bool
	// Controller is the Load Balancer Controller's size.
	Controller Workload
}

// Pods lists the add-ons' pods on a node group of nodes.
func (a AddOns) Pods(nodes int) []Pod {
	pods := []Pod{
		{Name: "aws-node (VPC CNI)", Replicas: nodes, MilliCPU: 25},
		{Name: "kube-proxy", Replicas: nodes, MilliCPU: 100},
		{Name: "coredns", Replicas: 2, MilliCPU: 100, MemoryBytes: 70 * mib},
	}
	if a.EbsCsiDriver {
		// ebs-plugin, node-driver-registrar and liveness-probe on each
		// node; the controller adds the provisioner, attacher, resizer
		// and snapshotter.
		pods = append(pods,
			Pod{Name: "ebs-csi-node", Replicas: nodes, MilliCPU: 3 * 10, MemoryBytes: 3 * 40 * mib},
			Pod{Name: "ebs-csi-controller", Replicas: 2, MilliCPU: 6 * 10, MemoryBytes: 6 * 40 * mib})
	}
	if a.LoadBalancerController {
		pods = append(pods, PodOf("aws-load-balancer-controller", "", a.Controller))
	}
	return pods
}

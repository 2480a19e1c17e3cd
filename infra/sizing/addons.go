package sizing

// AddOns are the pods of the cluster's own software on a cluster the stack
// creates: what runs on every node, and the add-ons' controllers. Their
// requests are those of the manifests EKS and the charts ship (the VPC CNI
// 25m CPU; kube-proxy 100m; CoreDNS 100m and 70 MiB, two replicas; each
// EBS CSI container 10m and 40 MiB). The Load Balancer Controller is sized
// by this project: LoadBalancerController.
type AddOns struct {
	EbsCsiDriver           bool
	LoadBalancerController bool
	// ContainerLogs is the CloudWatch add-on (amazon-cloudwatch-observability),
	// at its chart's default requests (aws-observability/helm-charts,
	// charts/amazon-cloudwatch-observability: agent.resources 250m and
	// 128 MiB, containerLogs.fluentBit.resources 50m and 25 MiB, on every
	// node; manager.resources 100m and 64 MiB, once).
	ContainerLogs bool
	// Karpenter and MetricsServer come with node pools and the proxies'
	// autoscaler.
	Karpenter, MetricsServer bool
}

// LoadBalancerController is the AWS Load Balancer Controller's size: two
// replicas (the chart's default, one leader), each requesting a tenth of a
// CPU and 128 MiB, with room to a fifth of a CPU and 256 MiB, and a little
// disk for its logs (its root file system is read-only). A choice of this
// project, sized for one cluster's few load balancers; the chart's values
// set it and the capacity check counts it.
var LoadBalancerController = Workload{Replicas: 2, CPURequest: "100m", MemoryRequest: "128Mi", CPULimit: "200m", MemoryLimit: "256Mi",
	EphemeralStorageRequest: "256Mi", EphemeralStorageLimit: "1Gi"}

// Pods lists the add-ons' pods on a node group of nodes: the DaemonSets'
// on each node, and the controllers once.
func (a AddOns) Pods(nodes int) []Pod {
	var pods []Pod
	for _, p := range a.PerNode() {
		p.Replicas = nodes
		pods = append(pods, p)
	}
	return append(pods, a.Controllers()...)
}

// PerNode are the DaemonSets' pods, one on every node, Karpenter's
// included.
func (a AddOns) PerNode() []Pod {
	pods := []Pod{
		{Name: "aws-node (VPC CNI)", Replicas: 1, MilliCPU: 25},
		{Name: "kube-proxy", Replicas: 1, MilliCPU: 100},
	}
	if a.EbsCsiDriver {
		// ebs-plugin, node-driver-registrar and liveness-probe.
		pods = append(pods, Pod{Name: "ebs-csi-node", Replicas: 1, MilliCPU: 3 * 10, MemoryBytes: 3 * 40 * mib})
	}
	if a.ContainerLogs {
		pods = append(pods,
			Pod{Name: "cloudwatch-agent", Replicas: 1, MilliCPU: 250, MemoryBytes: 128 * mib},
			Pod{Name: "fluent-bit", Replicas: 1, MilliCPU: 50, MemoryBytes: 25 * mib})
	}
	return pods
}

// Controllers are the add-ons' pods that run a fixed number of times:
// CoreDNS, the EBS CSI controller (the node's three containers plus the
// provisioner, attacher, resizer and snapshotter), the Load Balancer
// Controller, the CloudWatch add-on's manager, Karpenter and
// metrics-server. With node pools they run on the node group, the system
// pool.
func (a AddOns) Controllers() []Pod {
	pods := []Pod{{Name: "coredns", Replicas: 2, MilliCPU: 100, MemoryBytes: 70 * mib}}
	if a.EbsCsiDriver {
		pods = append(pods, Pod{Name: "ebs-csi-controller", Replicas: 2, MilliCPU: 6 * 10, MemoryBytes: 6 * 40 * mib})
	}
	if a.LoadBalancerController {
		pods = append(pods, PodOf("aws-load-balancer-controller", "", LoadBalancerController))
	}
	if a.ContainerLogs {
		pods = append(pods, Pod{Name: "amazon-cloudwatch-observability-controller-manager", Replicas: 1, MilliCPU: 100, MemoryBytes: 64 * mib})
	}
	if a.Karpenter {
		pods = append(pods, PodOf("karpenter", "", Karpenter))
	}
	if a.MetricsServer {
		pods = append(pods, PodOf("metrics-server", "", MetricsServer))
	}
	return pods
}

// Karpenter is its controller's size: two replicas (the chart's default,
// one leader, each on a node of its own), each with the CPU and memory
// Karpenter's getting-started guide gives it as requests and limits
// (aws/karpenter-provider-aws v1.14, step08-apply-helm-chart.sh), and a
// little disk for its logs, as the Load Balancer Controller has.
var Karpenter = Workload{Replicas: 2, CPURequest: "1", MemoryRequest: "1Gi", CPULimit: "1", MemoryLimit: "1Gi",
	EphemeralStorageRequest: "256Mi", EphemeralStorageLimit: "1Gi"}

// MetricsServer is the metrics-server EKS add-on's pods at the upstream
// chart's requests (kubernetes-sigs/metrics-server, charts/metrics-server
// values.yaml: 100m, 200 MiB); EKS documents two replicas for its
// community add-on and no resources of its own.
var MetricsServer = Workload{Replicas: 2, CPURequest: "100m", MemoryRequest: "200Mi"}

// BackupJob is the size of a milvus-backup run, the one pod the backup
// CronJob starts at a time (concurrencyPolicy Forbid). The tool copies
// segments server-side (CopyObject), so its memory holds metadata and
// requests in flight, not data: a quarter of a CPU and 256 MiB, with room to
// a CPU and 1 GiB for a large collection's metadata. A choice of this
// project; the CronJob sets it and the capacity check counts it, since a
// run must find room when it starts.
var BackupJob = Workload{Replicas: 1, CPURequest: "250m", MemoryRequest: "256Mi", CPULimit: "1", MemoryLimit: "1Gi",
	EphemeralStorageRequest: "128Mi", EphemeralStorageLimit: "512Mi"}

// KubeStateMetrics is kube-state-metrics' size when it reads one
// namespace's few objects: a twentieth of a CPU and 64 MiB, with room to a
// fifth of a CPU and 256 MiB. A choice of this project; the Deployment sets
// it and the capacity check counts it.
var KubeStateMetrics = Workload{Replicas: 1, CPURequest: "50m", MemoryRequest: "64Mi", CPULimit: "200m", MemoryLimit: "256Mi",
	EphemeralStorageRequest: "64Mi", EphemeralStorageLimit: "256Mi"}

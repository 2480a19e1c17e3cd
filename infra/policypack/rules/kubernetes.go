package rules

// The policies over what the stack declares in Kubernetes: the provider,
// the Helm releases, the load balancer's Service and the backups.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/components/backup/backupjob"
	"github.com/milvus-eks/milvus-eks/infra/facts"
)

var kubernetesExplicitProvider = Policy{
	Name:        "kubernetes-explicit-provider",
	Description: "Every Kubernetes resource names the cluster's provider; none falls back to the ambient kubeconfig.",
	Resource: func(r Resource, _ Stack) []string {
		if !strings.HasPrefix(r.Type, "kubernetes:") || !r.DefaultProvider {
			return nil
		}
		return []string{fmt.Sprintf("%s uses the default Kubernetes provider, which reads whatever kubeconfig the machine has: pass pulumi.Provider(<the cluster's provider>)", where(r))}
	},
}

var helmReleasePinned = Policy{
	Name:        "helm-release-pinned",
	Description: "Every Helm release installs a vendored chart archive of infra/charts (its digest in SHA256SUMS), at the archive's version, from no chart repository, and is atomic.",
	Resource: func(r Resource, _ Stack) []string {
		if r.Type != typeRelease {
			return nil
		}
		var out []string
		chart, _ := r.Inputs["chart"].(string)
		archive, vendored := charts.Of(chart)
		switch {
		case unknown(r.Inputs["chart"]):
		case !vendored:
			out = append(out, fmt.Sprintf("%s installs chart %q, which is not an archive of %s: install the repository's vendored, digest-pinned archive (%s/README.md says how to add one)", where(r), chart, charts.Dir, charts.Dir))
		case r.Inputs["version"] != archive.Version && !unknown(r.Inputs["version"]):
			out = append(out, fmt.Sprintf("%s installs %s as version %v: give the archive's own version, %s", where(r), archive.Path(), r.Inputs["version"], archive.Version))
		}
		if repo, ok := r.Inputs["repositoryOpts"]; ok && repo != nil {
			out = append(out, fmt.Sprintf("%s names a chart repository: a remote chart has no digest; install the vendored archive alone", where(r)))
		}
		if r.Inputs["atomic"] != true {
			out = append(out, fmt.Sprintf("%s is not atomic: set atomic, so that a failed install is rolled back rather than left half done", where(r)))
		}
		return out
	},
}

var loadBalancerExposure = Policy{
	Name:        "load-balancer-exposure",
	Description: "Load balancers publish Milvus' API alone, to listed sources, and negotiate HTTP/2 when they terminate TLS; in production an internet-facing one has TLS and no 0.0.0.0/0.",
	Resource: func(r Resource, s Stack) []string {
		switch r.Type {
		case typeRelease:
			chart, _ := r.Inputs["chart"].(string)
			if archive, _ := charts.Of(chart); archive.Chart != charts.Milvus {
				return nil
			}
			if t, _ := get(r.Inputs, "values", "service", "type"); t == "LoadBalancer" || t == "NodePort" {
				return []string{fmt.Sprintf("%s gives the chart's Service type %s, which publishes port %d (metrics, pprof, the WebUI) beside %d: keep it ClusterIP and publish %d through a Service of your own",
					where(r), t, facts.MilvusMetricsPort, facts.MilvusPort, facts.MilvusPort)}
			}
		case typeK8sService:
			if t, _ := get(r.Inputs, "spec", "type"); t != "LoadBalancer" {
				return nil
			}
			return serviceExposure(r, s)
		}
		return nil
	},
}

func serviceExposure(r Resource, s Stack) []string {
	var out []string
	ports, _ := get(r.Inputs, "spec", "ports")
	for _, p := range asSlice(ports) {
		if port := mapValue(p, "port"); port != float64(facts.MilvusPort) && !unknown(port) {
			out = append(out, fmt.Sprintf("%s publishes port %v on its load balancer: publish Milvus' %d alone (%d serves metrics, pprof and the WebUI with no login)", where(r), port, facts.MilvusPort, facts.MilvusMetricsPort))
		}
	}
	sources, _ := get(r.Inputs, "spec", "loadBalancerSourceRanges")
	ranges := strs(sources)
	if len(ranges) == 0 && !unknown(sources) {
		out = append(out, fmt.Sprintf("%s sets no loadBalancerSourceRanges, so its load balancer admits every address: list the clients' CIDR blocks", where(r)))
	}
	annotations, _ := get(r.Inputs, "metadata", "annotations")
	// gRPC clients refuse a TLS connection that negotiates no protocol
	// (grpc-go from 1.67), and the NLB's TLS listener negotiates none by
	// default.
	if cert, _ := mapValue(annotations, "service.beta.kubernetes.io/aws-load-balancer-ssl-cert").(string); cert != "" {
		if alpn := mapValue(annotations, "service.beta.kubernetes.io/aws-load-balancer-alpn-policy"); alpn != "HTTP2Preferred" && alpn != "HTTP2Only" && !unknown(alpn) {
			out = append(out, fmt.Sprintf("%s terminates TLS with ALPN policy %v: gRPC clients refuse TLS that negotiates no HTTP/2; set the aws-load-balancer-alpn-policy annotation to HTTP2Preferred (or HTTP2Only)", where(r), orUnset(alpn)))
		}
	}
	scheme := mapValue(annotations, "service.beta.kubernetes.io/aws-load-balancer-scheme")
	if !s.Production || scheme != "internet-facing" {
		return out
	}
	if cert, _ := mapValue(annotations, "service.beta.kubernetes.io/aws-load-balancer-ssl-cert").(string); cert == "" {
		out = append(out, fmt.Sprintf("%s is internet-facing without TLS in production: set loadBalancerCertificateArn (the aws-load-balancer-ssl-cert annotation)", where(r)))
	}
	if slices.Contains(ranges, "0.0.0.0/0") {
		out = append(out, fmt.Sprintf("%s is internet-facing and admits 0.0.0.0/0 in production: narrow loadBalancerSourceRanges to the clients", where(r)))
	}
	return out
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

var productionBackups = Policy{
	Name:        "production-backups",
	Description: "In production, milvus-backup runs on a schedule: a CronJob labelled as the backup component labels it.",
	Stack: func(rs []Resource, s Stack) []Violation {
		if !s.Production {
			return nil
		}
		for _, r := range rs {
			name, _ := get(r.Inputs, "metadata", "labels", backupjob.NameLabel)
			if r.Type == typeCronJob && (name == backupjob.AppName || unknown(name)) {
				return nil
			}
		}
		return []Violation{{Message: fmt.Sprintf("a production stack runs no backups (no %s labelled %s=%s): set backup.enabled, so that a dropped collection or a lost etcd can be restored", typeCronJob, backupjob.NameLabel, backupjob.AppName)}}
	},
}

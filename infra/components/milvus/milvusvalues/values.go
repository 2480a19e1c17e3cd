// Package values builds the values of the Milvus Helm chart
// (zilliztech/milvus-helm, chart `milvus` 5.x) as a typed Go value.
//
// The values carry the intent of the Milvus guide "Configure S3 Access by IAM
// Role": cluster mode, MinIO off, S3 reached through the pod's IAM role, and a
// Network Load Balancer made by the AWS Load Balancer Controller. The guide was
// written for chart 4.2.x; see Build for how its coordinator layout maps onto
// chart 5.x.
package milvusvalues

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/milvus-eks/milvus-eks/infra/facts"
	"github.com/milvus-eks/milvus-eks/infra/helmvalues"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Values is the subset of the chart's values this project sets; every other
// key keeps the chart's default.
type Values struct {
	Cluster Toggle `json:"cluster"`
	// ExtraConfigFiles are merged into milvus.yaml, over the chart's own
	// settings; this project writes only user.yaml.
	ExtraConfigFiles map[string]string `json:"extraConfigFiles"`
	Service          Service           `json:"service"`
	ServiceAccount   ServiceAccount    `json:"serviceAccount"`
	Minio            Toggle            `json:"minio"`
	ExternalS3       ExternalS3        `json:"externalS3"`
	MixCoordinator   MixCoordinator    `json:"mixCoordinator"`
	Proxy            Workload          `json:"proxy"`
	QueryNode        Workload          `json:"queryNode"`
	DataNode         Workload          `json:"dataNode"`
	StreamingNode    Workload          `json:"streamingNode"`
	Etcd             Etcd              `json:"etcd"`
	// Woodpecker and Streaming choose Woodpecker as the log, embedded in
	// the streaming nodes and writing to the bucket; Pulsar runs Pulsar v3
	// instead. The chart's config.tpl picks the log from woodpecker.enabled
	// before pulsarv3.enabled, so both are always written.
	Woodpecker Toggle     `json:"woodpecker"`
	Streaming  *Streaming `json:"streaming,omitempty"`
	Pulsar     Pulsar     `json:"pulsarv3"`
	// SecurityContext and ContainerSecurityContext are every Milvus
	// component's (security.go).
	SecurityContext          PodSecurityContext       `json:"securityContext"`
	ContainerSecurityContext ContainerSecurityContext `json:"containerSecurityContext"`
}

// Toggle is a chart section that is only switched on or off.
type Toggle struct {
	Enabled bool `json:"enabled"`
}

// Service is the chart's Service in front of Milvus' proxies. It stays
// inside the cluster (ClusterIP): with metrics on, the chart's default, it
// also carries port 9091 (metrics, pprof, the WebUI), which no load balancer
// may publish. The load balancer has a Service of its own (endpoint).
type Service struct {
	Type string `json:"type"`
	Port int    `json:"port"`
}

// ServiceAccount makes the chart run every pod under an existing ServiceAccount.
type ServiceAccount struct {
	Create bool   `json:"create"`
	Name   string `json:"name"`
}

// ExternalS3 points Milvus at the S3 bucket. There is deliberately no access
// key field: credentials come from the pod's web identity token.
type ExternalS3 struct {
	Enabled    bool   `json:"enabled"`
	Host       string `json:"host"`
	Port       string `json:"port"`
	UseSSL     bool   `json:"useSSL"`
	BucketName string `json:"bucketName"`
	// RootPath prefixes every object Milvus writes; the chart's default is
	// none.
	RootPath      string `json:"rootPath,omitempty"`
	UseIAM        bool   `json:"useIAM"`
	CloudProvider string `json:"cloudProvider"`
	IAMEndpoint   string `json:"iamEndpoint"`
	Region        string `json:"region"`
}

// Workload is a replicated Milvus component, as the chart sizes it.
type Workload struct {
	// Replicas is -1 under an autoscaler: the chart then leaves the field
	// out, so that an upgrade does not reset what the autoscaler chose.
	Replicas  int       `json:"replicas"`
	Resources Resources `json:"resources"`
	// TopologySpreadConstraints spread the replicas across zones.
	TopologySpreadConstraints []TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
	// NodeSelector keeps the pods on their pool's nodes.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// HPA is the chart's HorizontalPodAutoscaler (proxy.hpa): on CPU only.
	HPA *HPA `json:"hpa,omitempty"`
}

// HPA is the chart's proxy autoscaler (templates/proxy-hpa.yaml): between
// MinReplicas and MaxReplicas, at CPUUtilization percent of the request.
type HPA struct {
	Enabled        bool `json:"enabled"`
	MinReplicas    int  `json:"minReplicas"`
	MaxReplicas    int  `json:"maxReplicas"`
	CPUUtilization int  `json:"cpuUtilization"`
}

// MixCoordinator is chart 5.x's single deployment of the root, query, data and
// index coordinators. Its Workload fields sit at its own level in the values.
type MixCoordinator struct {
	Workload
	ActiveStandby Toggle `json:"activeStandby"`
	// ExtraEnv carries the root password from its Secret: the coordinator
	// creates the root user, once, when the cluster first starts.
	ExtraEnv []EnvVar `json:"extraEnv,omitempty"`
}

// EnvVar is a container environment variable whose value is a key of a
// Kubernetes Secret, so that the value never appears in the chart's values.
type EnvVar struct {
	Name      string    `json:"name"`
	ValueFrom EnvSource `json:"valueFrom"`
}

// EnvSource names the Secret key an EnvVar reads.
type EnvSource struct {
	SecretKeyRef SecretKeyRef `json:"secretKeyRef"`
}

// SecretKeyRef is one key of one Secret.
type SecretKeyRef struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

// The root password reaches Milvus as an environment variable, which Milvus
// maps onto common.security.defaultRootPassword of milvus.yaml (its
// configuration reads COMMON_SECURITY_DEFAULTROOTPASSWORD for that key).
const (
	RootPasswordEnv       = "COMMON_SECURITY_DEFAULTROOTPASSWORD"
	RootPasswordSecretKey = "password"
)

// RootPasswordSecretName is the Secret that holds a release's root password.
func RootPasswordSecretName(releaseName string) string { return releaseName + "-root-password" }

// userConfig is the part of milvus.yaml this project overrides, as user.yaml.
type userConfig struct {
	Common struct {
		Security struct {
			AuthorizationEnabled bool `yaml:"authorizationEnabled"`
		} `yaml:"security"`
	} `yaml:"common"`
}

// Resources are a container's requests and limits.
type Resources struct {
	Requests map[string]string `json:"requests,omitempty"`
	Limits   map[string]string `json:"limits,omitempty"`
}

// Inputs are what the values are built from: the stack's choices, and the
// names of what the stack creates for the release.
type Inputs struct {
	Region     string
	BucketName string
	// RootPath is the prefix of Milvus' objects in the bucket; "" for none.
	RootPath string
	// ServiceAccount is bound to Milvus' IAM role; the chart only uses it.
	ServiceAccount string
	// Authentication turns Milvus' user authentication on; the root
	// password then comes from the Secret named RootPasswordSecret.
	Authentication     bool
	RootPasswordSecret string
	// ReleaseName is the Helm release's: the chart labels every pod with
	// it, and the spread constraints select the pods by it.
	ReleaseName string
	// Pulsar runs Pulsar v3 as Milvus' log instead of Woodpecker.
	Pulsar bool
	// SpreadAcrossZones spreads every workload with more than one replica
	// across zones, and makes etcd's and Pulsar's anti-affinity hard.
	SpreadAcrossZones bool
	Workloads         sizing.Workloads
	// QuerySelector keeps the query nodes, CoreSelector every other pod of
	// the release, on their nodes: Karpenter's pools, or an existing
	// cluster's nodes named in config. Empty: anywhere.
	QuerySelector, CoreSelector map[string]string
	// ProxyAutoscaling, when set, scales the proxies from their replicas
	// up to its MaxReplicas.
	ProxyAutoscaling *ProxyAutoscaling
}

// ProxyAutoscaling bounds the proxies' autoscaler.
type ProxyAutoscaling struct {
	MaxReplicas, TargetCPUPercent int
}

// Build returns the chart values for one stack. Its mapping of the guide:
//
//   - The guide's rootCoordinator, queryCoordinator, dataCoordinator and
//     indexCoordinator (2 replicas each, active-standby, their own limits) are
//     keys chart 5.x ignores: since Milvus 2.6 the four run in one
//     mixCoordinator. Their replicas and active-standby become mixCoordinator's,
//     and its resources are the stack's mixCoordinator.resources.
//   - The guide's proxy (2 replicas, limits) maps onto proxy unchanged.
//   - externalS3.region is set although the guide leaves it out: on IRSA the
//     S3 client signs with the region and cannot guess it from a custom host.
//   - Authentication, which the guide leaves off, is on unless the stack
//     turns it off: common.security.authorizationEnabled in user.yaml, and
//     the root password from the Secret named rootPasswordSecret (empty when
//     authentication is off).
//   - The guide keeps the chart's Pulsar; Woodpecker, in the bucket, is the
//     default here, and every workload has requests (workloads.go).
func Build(s Inputs) Values {
	var user userConfig
	user.Common.Security.AuthorizationEnabled = s.Authentication
	var coordinatorEnv []EnvVar
	if s.Authentication {
		coordinatorEnv = []EnvVar{{
			Name:      RootPasswordEnv,
			ValueFrom: EnvSource{SecretKeyRef: SecretKeyRef{Name: s.RootPasswordSecret, Key: RootPasswordSecretKey}},
		}}
	}
	return Values{
		Cluster:          Toggle{Enabled: true},
		ExtraConfigFiles: map[string]string{"user.yaml": yamlText(user)},
		Service:          Service{Type: "ClusterIP", Port: facts.MilvusPort},
		ServiceAccount:   ServiceAccount{Create: false, Name: s.ServiceAccount},
		Minio:            Toggle{Enabled: false},
		ExternalS3: ExternalS3{
			Enabled:       true,
			Host:          S3Host(s.Region),
			Port:          "443",
			UseSSL:        true,
			BucketName:    s.BucketName,
			RootPath:      s.RootPath,
			UseIAM:        true,
			CloudProvider: "aws",
			IAMEndpoint:   "",
			Region:        s.Region,
		},
		MixCoordinator: MixCoordinator{
			Workload:      s.component(ComponentMixCoordinator),
			ActiveStandby: Toggle{Enabled: s.Workloads.MixCoordinator.ActiveStandby},
			ExtraEnv:      coordinatorEnv,
		},
		Proxy:                    s.component(ComponentProxy),
		QueryNode:                s.component(ComponentQueryNode),
		DataNode:                 s.component(ComponentDataNode),
		StreamingNode:            s.component(ComponentStreamingNode),
		Etcd:                     s.etcd(),
		Woodpecker:               Toggle{Enabled: !s.Pulsar},
		Streaming:                s.streaming(),
		Pulsar:                   s.pulsar(),
		SecurityContext:          milvusPod,
		ContainerSecurityContext: milvusContainer,
	}
}

// yamlText renders a typed configuration fragment as YAML.
func yamlText(v any) string {
	var out strings.Builder
	encoder := yaml.NewEncoder(&out)
	encoder.SetIndent(2)
	if err := encoder.Encode(v); err != nil {
		panic(fmt.Sprintf("values: rendering %T as YAML: %v", v, err))
	}
	return out.String()
}

// ChartServiceName is the chart's own Service, which selects the proxies
// and serves Milvus' API (19530) and its management port (9091) inside the
// cluster: milvus.fullname, the release's name when it contains the
// chart's, else <release>-milvus (templates/_helpers.tpl; the values set
// no name override). The workload tests hold it to the render.
func ChartServiceName(release string) string {
	if strings.Contains(release, "milvus") {
		return release
	}
	return release + "-milvus"
}

// S3Host is the regional S3 endpoint.
func S3Host(region string) string {
	return "s3." + region + "." + facts.DNSSuffix(region)
}

// Map renders the values as the generic map a Helm release takes.
func (v Values) Map() map[string]any { return helmvalues.Map(v) }

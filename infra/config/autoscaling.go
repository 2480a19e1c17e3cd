package config

import "fmt"

// ProxyAutoscaling is the proxyAutoscaling key: a HorizontalPodAutoscaler
// (the chart's proxy.hpa) that runs between proxy.replicas and MaxReplicas
// proxies, on their CPU, with metrics-server to read it. The query nodes
// have none: a query node that leaves drops the segments it holds, and
// Milvus' maintainers size them for the data instead
// (docs/research/karpenter-issue-26.md, section 7).
type ProxyAutoscaling struct {
	Enabled     bool `json:"enabled"`
	MaxReplicas int  `json:"maxReplicas"`
	// TargetCPUPercent is the proxies' average CPU use, as a share of their
	// request, that the autoscaler keeps them at.
	TargetCPUPercent int `json:"targetCPUPercent"`
}

// DefaultProxyAutoscaling is off; when on, up to six proxies at 60% of
// their CPU request.
var DefaultProxyAutoscaling = ProxyAutoscaling{MaxReplicas: 6, TargetCPUPercent: 60}

// proxyAutoscalingRules are the rules of the key's own value.
func proxyAutoscalingRules(a ProxyAutoscaling) []violation {
	if a.TargetCPUPercent < 1 || a.TargetCPUPercent > 100 {
		return []violation{{field: "targetCPUPercent", value: fmt.Sprint(a.TargetCPUPercent), finding: broke("hpa-target",
			"must be a percentage of the proxies' CPU request from 1 to 100")}}
	}
	return nil
}

// proxyAutoscaling checks the autoscaler's bounds against the proxies'
// replicas, its floor.
func (v *validator) proxyAutoscaling(c Config) {
	a := c.ProxyAutoscaling
	if floor := c.Milvus.Workloads.Proxy.Replicas; a.Enabled && a.MaxReplicas < floor {
		v.add(FullName("proxyAutoscaling")+".maxReplicas", fmt.Sprint(a.MaxReplicas), broke("hpa-bounds",
			"must be at least proxy.replicas (%d), the autoscaler's floor", floor))
	}
}

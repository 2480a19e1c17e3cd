package podpolicy

import (
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// Budget is a PodDisruptionBudget: at most MaxUnavailable of the selected
// pods may be evicted at once (a node drain, a cluster upgrade).
type Budget struct {
	Name           string
	Selector       Selector
	MaxUnavailable int
}

// Budgets are the budgets of Milvus' own components of more than one
// replica, and of the proxies when their autoscaler may run more: one
// replica down at a time. A component of one replica gets none: a budget
// could then only block every drain, or allow it anyway. etcd's and
// Pulsar's come from their charts (milvusvalues).
func Budgets(release string, w sizing.Workloads, autoscaledProxies bool) []Budget {
	var out []Budget
	for _, c := range milvusvalues.Components {
		if c.Size(w).Replicas > 1 || c == milvusvalues.ComponentProxy && autoscaledProxies {
			out = append(out, Budget{
				Name:           release + "-" + c.Label,
				Selector:       Selector{MatchLabels: c.PodLabels(release)},
				MaxUnavailable: 1,
			})
		}
	}
	return out
}

package milvus

import (
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/milvus/podpolicy"
)

// declarePolicies declares the namespace's NetworkPolicies and the Milvus
// components' PodDisruptionBudgets (podpolicy says which and why). It
// returns the policies, which the release waits for: its pods must never
// run before the namespace denies what it does not allow.
func declarePolicies(ctx *pulumi.Context, args Args, namespace pulumi.StringOutput, k8s []pulumi.ResourceOption) ([]pulumi.Resource, error) {
	var policies []pulumi.Resource
	for _, p := range podpolicy.NetworkPolicies(args.ReleaseName, args.Values.Pulsar) {
		policy, err := NewNetworkPolicy(ctx, p, namespace, k8s...)
		if err != nil {
			return nil, err
		}
		policies = append(policies, policy)
	}
	for _, b := range podpolicy.Budgets(args.ReleaseName, args.Values.Workloads, args.Values.ProxyAutoscaling != nil) {
		if _, err := policyv1.NewPodDisruptionBudget(ctx, b.Name, &policyv1.PodDisruptionBudgetArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(b.Name), Namespace: namespace},
			Spec: &policyv1.PodDisruptionBudgetSpecArgs{
				Selector:       selector(b.Selector),
				MaxUnavailable: pulumi.Int(b.MaxUnavailable),
			},
		}, k8s...); err != nil {
			return nil, err
		}
	}
	return policies, nil
}

// NewNetworkPolicy declares one of podpolicy's NetworkPolicies in Milvus'
// namespace, under the policy's own name; the backup component declares its
// pods' policies with it too.
func NewNetworkPolicy(ctx *pulumi.Context, p podpolicy.NetworkPolicy, namespace pulumi.StringInput, opts ...pulumi.ResourceOption) (*networkingv1.NetworkPolicy, error) {
	return networkingv1.NewNetworkPolicy(ctx, p.Name, &networkingv1.NetworkPolicyArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(p.Name), Namespace: namespace},
		Spec: &networkingv1.NetworkPolicySpecArgs{
			PodSelector: selector(p.PodSelector),
			PolicyTypes: pulumi.ToStringArray(p.Types),
			Ingress:     ingress(p.Ingress),
			Egress:      egress(p.Egress),
		},
	}, opts...)
}

func selector(s podpolicy.Selector) *metav1.LabelSelectorArgs {
	out := &metav1.LabelSelectorArgs{}
	if len(s.MatchLabels) > 0 {
		out.MatchLabels = pulumi.ToStringMap(s.MatchLabels)
	}
	var expressions metav1.LabelSelectorRequirementArray
	for _, r := range s.MatchExpressions {
		expressions = append(expressions, &metav1.LabelSelectorRequirementArgs{
			Key: pulumi.String(r.Key), Operator: pulumi.String(r.Operator), Values: pulumi.ToStringArray(r.Values),
		})
	}
	if expressions != nil {
		out.MatchExpressions = expressions
	}
	return out
}

func peers(ps []podpolicy.Peer) networkingv1.NetworkPolicyPeerArray {
	var out networkingv1.NetworkPolicyPeerArray
	for _, p := range ps {
		peer := &networkingv1.NetworkPolicyPeerArgs{}
		if p.PodSelector != nil {
			peer.PodSelector = selector(*p.PodSelector)
		}
		if p.NamespaceSelector != nil {
			peer.NamespaceSelector = selector(*p.NamespaceSelector)
		}
		if p.CIDR != "" {
			peer.IpBlock = &networkingv1.IPBlockArgs{Cidr: pulumi.String(p.CIDR)}
		}
		out = append(out, peer)
	}
	return out
}

func ports(ps []podpolicy.Port) networkingv1.NetworkPolicyPortArray {
	var out networkingv1.NetworkPolicyPortArray
	for _, p := range ps {
		out = append(out, &networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String(p.Protocol), Port: pulumi.Int(p.Port)})
	}
	return out
}

func ingress(rules []podpolicy.Rule) networkingv1.NetworkPolicyIngressRuleArray {
	var out networkingv1.NetworkPolicyIngressRuleArray
	for _, r := range rules {
		out = append(out, &networkingv1.NetworkPolicyIngressRuleArgs{From: peers(r.Peers), Ports: ports(r.Ports)})
	}
	return out
}

func egress(rules []podpolicy.Rule) networkingv1.NetworkPolicyEgressRuleArray {
	var out networkingv1.NetworkPolicyEgressRuleArray
	for _, r := range rules {
		out = append(out, &networkingv1.NetworkPolicyEgressRuleArgs{To: peers(r.Peers), Ports: ports(r.Ports)})
	}
	return out
}

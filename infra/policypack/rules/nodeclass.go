package rules

import (
	"fmt"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/facts"
)

// typeNodeClass is Karpenter's EC2NodeClass, as the Kubernetes provider
// types a custom resource.
const typeNodeClass = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"

var nodeClassGuarantees = Policy{
	Name: "node-class-guarantees",
	Description: "Every node Karpenter starts keeps what a node-group node keeps: IMDSv2 only with a hop limit of 1, an encrypted gp3 root volume on " +
		facts.NodeRootDevice + " deleted with the instance, and subnets and security groups chosen by ID.",
	Resource: func(r Resource, _ Stack) []string {
		if spec, _ := get(r.Inputs, "spec"); r.Type != typeNodeClass || unknown(spec) {
			return nil
		}
		var broken []string
		want := func(what string, got, expected any) {
			if !unknown(got) && got != expected {
				broken = append(broken, fmt.Sprintf("%s %v (must be %v)", what, orUnset(got), expected))
			}
		}
		tokens, _ := get(r.Inputs, "spec", "metadataOptions", "httpTokens")
		hops, _ := get(r.Inputs, "spec", "metadataOptions", "httpPutResponseHopLimit")
		want("httpTokens", tokens, facts.NodeMetadataHTTPTokens)
		want("httpPutResponseHopLimit", hops, float64(facts.NodeMetadataHopLimit))
		mappings, _ := get(r.Inputs, "spec", "blockDeviceMappings")
		if list := asSlice(mappings); unknown(mappings) {
			// Known only once deployed: nothing to say.
		} else if len(list) != 1 {
			broken = append(broken, fmt.Sprintf("%d block device mappings (must be one, the root volume)", len(list)))
		} else {
			root := list[0]
			for _, field := range []struct {
				path     []string
				expected any
			}{
				{[]string{"rootVolume"}, true},
				{[]string{"deviceName"}, facts.NodeRootDevice},
				{[]string{"ebs", "volumeType"}, facts.NodeRootVolumeType},
				{[]string{"ebs", "encrypted"}, true},
				{[]string{"ebs", "deleteOnTermination"}, true},
			} {
				got, _ := get(root, field.path...)
				want(strings.Join(field.path, "."), got, field.expected)
			}
		}
		for _, selector := range []string{"subnetSelectorTerms", "securityGroupSelectorTerms"} {
			terms, _ := get(r.Inputs, "spec", selector)
			if unknown(terms) {
				continue
			}
			for _, term := range asSlice(terms) {
				if id, _ := get(term, "id"); id == nil {
					broken = append(broken, selector+" selects by something other than ID")
					break
				}
			}
		}
		if len(broken) == 0 {
			return nil
		}
		return []string{fmt.Sprintf("%s starts nodes weaker than the node group's: %s; build it from nodeguarantees, as the stack's is", where(r), strings.Join(broken, ", "))}
	},
}

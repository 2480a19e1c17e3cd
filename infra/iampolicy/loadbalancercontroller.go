package iampolicy

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sort"
)

// The AWS Load Balancer Controller publishes, with each release, the IAM
// policy that release needs: docs/install/iam_policy.json in
// github.com/kubernetes-sigs/aws-load-balancer-controller at the release's tag.
// The files under loadbalancercontroller/ are those documents, unedited and
// named for the tag they came from, so that a reviewer can diff one against
// upstream and an upgrade is a new file.
//
//go:embed loadbalancercontroller/*.json
var loadBalancerControllerPolicies embed.FS

// loadBalancerControllerReleases maps a version of the eks-charts
// aws-load-balancer-controller chart to the controller release it installs
// (the chart's appVersion), whose policy file is embedded.
var loadBalancerControllerReleases = map[string]string{
	"3.5.0": "v3.5.0",
}

// LoadBalancerControllerChartVersions lists the chart versions whose IAM
// policy is embedded, in order.
func LoadBalancerControllerChartVersions() []string {
	versions := make([]string, 0, len(loadBalancerControllerReleases))
	for v := range loadBalancerControllerReleases {
		versions = append(versions, v)
	}
	sort.Strings(versions)
	return versions
}

// HasLoadBalancerControllerPolicy reports whether the IAM policy of the
// controller that a chart version installs is embedded.
func HasLoadBalancerControllerPolicy(chartVersion string) bool {
	_, ok := loadBalancerControllerReleases[chartVersion]
	return ok
}

// LoadBalancerController returns, as compact JSON, the IAM policy published
// with the controller release that chartVersion installs.
func LoadBalancerController(chartVersion string) (string, error) {
	release, ok := loadBalancerControllerReleases[chartVersion]
	if !ok {
		return "", fmt.Errorf("iampolicy: no AWS Load Balancer Controller policy for chart version %q", chartVersion)
	}
	raw, err := loadBalancerControllerPolicies.ReadFile("loadbalancercontroller/" + release + ".json")
	if err != nil {
		return "", err
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return "", fmt.Errorf("iampolicy: %s.json: %w", release, err)
	}
	return compact.String(), nil
}

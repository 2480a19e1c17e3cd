// Package controllerpolicy embeds the IAM policies that the AWS Load Balancer
// Controller publishes with each release, unedited (see published/README.md),
// and maps each version of its chart to one.
package controllerpolicy

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
// The files under published/ are those documents, unedited and
// named for the tag they came from, so that a reviewer can diff one against
// upstream and an upgrade is a new file.
//
//go:embed published/*.json
var published embed.FS

// releases maps a version of the eks-charts
// aws-load-balancer-controller chart to the controller release it installs
// (the chart's appVersion), whose policy file is embedded.
var releases = map[string]string{
	"3.5.0": "v3.5.0",
}

// ChartVersions lists the chart versions whose IAM
// policy is embedded, in order.
func ChartVersions() []string {
	versions := make([]string, 0, len(releases))
	for v := range releases {
		versions = append(versions, v)
	}
	sort.Strings(versions)
	return versions
}

// ForChart returns, as compact JSON, the IAM policy published
// with the controller release that chartVersion installs.
func ForChart(chartVersion string) (string, error) {
	release, ok := releases[chartVersion]
	if !ok {
		return "", fmt.Errorf("controllerpolicy: no AWS Load Balancer Controller policy for chart version %q", chartVersion)
	}
	raw, err := published.ReadFile("published/" + release + ".json")
	if err != nil {
		return "", err
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return "", fmt.Errorf("controllerpolicy: %s.json: %w", release, err)
	}
	return compact.String(), nil
}

package preflight

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/milvus-eks/milvus-eks/verify/checks"
)

// The versions of the tools a deploy runs, at least. pulumi-eks 2.8.1
// refuses to create a cluster without kubectl 1.24 and the AWS CLI (v2 from
// 2.7.0) on the PATH, even in a preview (nodejs/eks/dependencies.ts,
// assertCompatibleKubectlVersionExists and assertCompatibleAWSCLIExists);
// the kubeconfig runs `aws eks get-token`. The Pulumi CLI is the program's
// own SDK's version, or later: the program uses resource hooks (the engine
// has them from 3.182.0) and a Go policy pack, and is tested with it.
const (
	MinKubectl = "1.24.0"
	MinAWSCLI  = "2.7.0"
)

// tool is one command a deploy runs, how to read its version, and how to
// get it.
type tool struct {
	name, minimum, install string
	args                   []string
	version                func(output string) (string, error)
}

// ToolChecks checks each tool's version.
func ToolChecks(ctx context.Context, run func(context.Context, string, ...string) (string, error), minPulumi string) []checks.Result {
	tools := []tool{
		{name: "pulumi", minimum: minPulumi, args: []string{"version"}, install: "https://www.pulumi.com/docs/install/",
			version: func(out string) (string, error) { return strings.TrimPrefix(strings.TrimSpace(out), "v"), nil }},
		{name: "kubectl", minimum: MinKubectl, args: []string{"version", "--client=true", "--output=json"}, install: "https://kubernetes.io/docs/tasks/tools/",
			version: kubectlVersion},
		{name: "aws", minimum: MinAWSCLI, args: []string{"--version"}, install: "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html",
			version: awsVersion},
	}
	var out []checks.Result
	for _, t := range tools {
		check, expected := "the "+t.name+" command", "version "+t.minimum+" or later"
		output, err := run(ctx, t.name, t.args...)
		if err != nil {
			out = append(out, fail(check, expected, fmt.Sprintf("not found (%v): install it, %s", err, t.install)))
			continue
		}
		version, err := t.version(output)
		if err != nil {
			out = append(out, fail(check, expected, err.Error()))
			continue
		}
		if !AtLeast(version, t.minimum) {
			out = append(out, fail(check, expected, fmt.Sprintf("version %s: upgrade it, %s", version, t.install)))
			continue
		}
		out = append(out, pass(check, expected, "version "+version))
	}
	return out
}

func kubectlVersion(out string) (string, error) {
	var v struct {
		ClientVersion struct {
			GitVersion string `json:"gitVersion"`
		} `json:"clientVersion"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.ClientVersion.GitVersion == "" {
		return "", fmt.Errorf("its version cannot be read from %q", strings.TrimSpace(out))
	}
	return strings.TrimPrefix(v.ClientVersion.GitVersion, "v"), nil
}

// awsVersion reads "aws-cli/2.17.0 Python/3.11.9 Linux/6.1 ...". Version 1
// of the CLI is refused: its get-token and SSO are not what the README
// documents.
func awsVersion(out string) (string, error) {
	first, _, _ := strings.Cut(strings.TrimSpace(out), " ")
	version, ok := strings.CutPrefix(first, "aws-cli/")
	if !ok {
		return "", fmt.Errorf("its version cannot be read from %q", strings.TrimSpace(out))
	}
	return version, nil
}

var versionPattern = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)`)

// AtLeast reports whether a version (major.minor.patch, anything after
// ignored) is at least minimum.
func AtLeast(version, minimum string) bool {
	v, m := versionPattern.FindStringSubmatch(version), versionPattern.FindStringSubmatch(minimum)
	if v == nil || m == nil {
		return false
	}
	for i := 1; i <= 3; i++ {
		a, _ := strconv.Atoi(v[i])
		b, _ := strconv.Atoi(m[i])
		if a != b {
			return a > b
		}
	}
	return true
}

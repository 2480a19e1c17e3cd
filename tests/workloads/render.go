package workloads

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/releaseutil"
	"sigs.k8s.io/yaml"

	"github.com/milvus-eks/milvus-eks/infra/charts"
)

// KubeVersion is the Kubernetes version charts are rendered for: the
// stacks' kubernetesVersion. Helm's SDK used as a library assumes v1.20
// otherwise.
const KubeVersion = "v1.34.0"

// Render renders a release of the plan as `helm template` does, from the
// vendored archive its chart names, with its values: every object of its
// manifest and its hooks but tests, in Helm's install order.
func Render(release Resource) ([]Object, error) {
	chartPath, _ := release.Inputs["chart"].(string)
	archive, ok := charts.Of(chartPath)
	if !ok {
		return nil, fmt.Errorf("release %s installs %q, not a vendored archive", release.Name, chartPath)
	}
	name, _ := release.Inputs["name"].(string)
	namespace, _ := release.Inputs["namespace"].(string)
	values, _ := release.Inputs["values"].(map[string]any)
	return RenderArchive(archive, name, namespace, values)
}

// RenderArchive renders a vendored chart archive with values, as the named
// release in namespace.
func RenderArchive(archive charts.Archive, name, namespace string, values map[string]any) ([]Object, error) {
	chart, err := loader.Load(filepath.Join(Root, filepath.FromSlash(archive.Path())))
	if err != nil {
		return nil, err
	}
	install := action.NewInstall(&action.Configuration{Log: func(string, ...any) {}})
	install.DryRun, install.ClientOnly, install.Replace, install.IncludeCRDs = true, true, true, true
	install.ReleaseName, install.Namespace = name, namespace
	if install.KubeVersion, err = chartutil.ParseKubeVersion(KubeVersion); err != nil {
		return nil, err
	}
	// Helm merges the chart's defaults into the map it is given: give it a
	// copy, so that the caller's values stay as they were.
	if values == nil {
		values = map[string]any{}
	}
	rel, err := install.Run(chart, deepCopy(values).(map[string]any))
	if err != nil {
		return nil, fmt.Errorf("rendering %s: %w", archive.File(), err)
	}
	documents := releaseutil.SplitManifests(rel.Manifest)
	keys := make([]string, 0, len(documents))
	for k := range documents {
		keys = append(keys, k)
	}
	sort.Sort(releaseutil.BySplitManifestsOrder(keys))
	manifests := make([]string, 0, len(keys)+len(rel.Hooks))
	for _, k := range keys {
		manifests = append(manifests, documents[k])
	}
	for _, hook := range rel.Hooks {
		if !isTestHook(hook.Manifest) {
			manifests = append(manifests, hook.Manifest)
		}
	}
	var out []Object
	for _, m := range manifests {
		var body map[string]any
		if err := yaml.Unmarshal([]byte(m), &body); err != nil {
			return nil, fmt.Errorf("%s: %w", sourceOf(m), err)
		}
		if body == nil {
			continue
		}
		out = append(out, objectOf(body, sourceOf(m)))
	}
	return out, nil
}

func sourceOf(manifest string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(manifest), "\n")
	return strings.TrimPrefix(first, "# Source: ")
}

func isTestHook(manifest string) bool {
	return strings.Contains(manifest, `"helm.sh/hook": test`) || strings.Contains(manifest, "helm.sh/hook: test")
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopy(e)
		}
		return out
	default:
		return v
	}
}

package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// pinned is a `uses:` line of a third-party action pinned by a full commit
// SHA, with the release it is in a comment: `owner/repo@<sha> # v1.2.3`.
// A tag can be moved to other code; a commit cannot.
var pinned = regexp.MustCompile(`^\s*-?\s*uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+){0,2}\s*$`)

// workflow is what this test reads of a workflow file.
type workflow struct {
	Permissions any `yaml:"permissions"`
	Jobs        map[string]struct {
		Permissions map[string]string `yaml:"permissions"`
		Environment any               `yaml:"environment"`
		RunsOn      any               `yaml:"runs-on"`
		Needs       any               `yaml:"needs"`
		Steps       []struct {
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func workflows(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(projectDir, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string][]byte{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		out[filepath.Base(f)] = raw
	}
	return out
}

// Every action is pinned by commit SHA, with its version in a comment.
func TestActionsArePinnedBySHA(t *testing.T) {
	for name, raw := range workflows(t) {
		for i, line := range strings.Split(string(raw), "\n") {
			if !strings.Contains(line, "uses:") || strings.Contains(line, "uses: ./") || strings.Contains(line, "docker://") {
				continue
			}
			assert.Regexp(t, pinned, line, "%s:%d: pin the action by its full commit SHA, with the version in a comment", name, i+1)
		}
	}
}

// No workflow grants anything by default; each job asks for what it needs.
// Only jobs in an environment, or the pull request's dev preview, get an
// OIDC token, and every preview and update runs the policy pack.
func TestWorkflowPermissionsAndPolicyPack(t *testing.T) {
	for name, raw := range workflows(t) {
		var w workflow
		require.NoError(t, yaml.Unmarshal(raw, &w), name)
		assert.Equal(t, map[string]any{}, w.Permissions, "%s: top-level permissions are {}", name)
		var oidcJobs []string
		for jobName, job := range w.Jobs {
			assert.NotNil(t, job.Permissions, "%s %s: permissions of its own", name, jobName)
			if job.Permissions["id-token"] == "write" {
				oidcJobs = append(oidcJobs, jobName)
			}
			for _, step := range job.Steps {
				if strings.HasPrefix(step.Uses, "pulumi/actions@") && (step.With["command"] == "preview" || step.With["command"] == "up") {
					assert.Equal(t, "infra/policypack", step.With["policyPacks"], "%s %s: the policy pack runs", name, jobName)
				}
			}
		}
		sort.Strings(oidcJobs)
		want := map[string][]string{"pull-request.yml": {"preview-dev"}, "deploy.yml": {"dev", "prod", "prod-preview"}}[name]
		assert.Equal(t, want, oidcJobs, name)
	}
}

// A pull request previews dev only. Prod is previewed in its own
// environment, and the changes that preview shows are saved; after
// approval, the prod job applies only if a fresh preview shows exactly
// those (not `up --plan`, which pulumi/pulumi#13765 breaks). Prod's jobs run
// on the runners PROD_RUNNER names, after a job that fails when it is unset.
func TestDeliveryStages(t *testing.T) {
	all := workflows(t)
	var pr, deploy workflow
	require.NoError(t, yaml.Unmarshal(all["pull-request.yml"], &pr))
	require.NoError(t, yaml.Unmarshal(all["deploy.yml"], &deploy))
	for jobName, job := range pr.Jobs {
		assert.Nil(t, job.Environment, "pull-request %s: no environment, no environment's credentials", jobName)
		for _, step := range job.Steps {
			assert.NotEqual(t, "prod", step.With["stack-name"], "pull-request %s touches prod", jobName)
		}
	}
	// What each job does, in order: a pulumi/actions step as its command
	// (or "cli" when it only installs the CLI), an approval step as its mode.
	stages := func(job string) []string {
		var out []string
		for _, step := range deploy.Jobs[job].Steps {
			switch {
			case strings.HasPrefix(step.Uses, "pulumi/actions@") && step.With["command"] == "":
				out = append(out, "cli")
			case strings.HasPrefix(step.Uses, "pulumi/actions@"):
				out = append(out, step.With["command"]+" "+step.With["stack-name"])
				assert.Empty(t, step.With["plan"], "%s: no saved plan (pulumi/pulumi#13765)", job)
			case strings.Contains(step.Run, "./cmd/approval"):
				out = append(out, strings.Fields(step.Run[strings.Index(step.Run, "./cmd/approval"):])[3])
			case strings.HasPrefix(step.Run, "go -C verify run . "):
				out = append(out, "verify")
			}
		}
		return out
	}
	for job, want := range map[string]struct {
		environment string
		stages      []string
	}{
		"dev":          {"dev", []string{"up dev", "verify"}},
		"prod-preview": {"prod-preview", []string{"cli", "-save"}},
		"prod":         {"prod", []string{"cli", "-check", "up prod", "verify"}},
	} {
		env, _ := deploy.Jobs[job].Environment.(string)
		assert.Equal(t, want.environment, env, job)
		assert.Equal(t, want.stages, stages(job), job)
	}

	const prodRunner = "${{ fromJSON(vars.PROD_RUNNER) }}"
	for _, job := range []string{"prod-preview", "prod"} {
		assert.Equal(t, prodRunner, deploy.Jobs[job].RunsOn, "%s runs where prod's API answers", job)
	}
	assert.Equal(t, []any{"dev", "prod-runner"}, deploy.Jobs["prod-preview"].Needs)
	guard := deploy.Jobs["prod-runner"]
	require.Len(t, guard.Steps, 1)
	assert.Contains(t, guard.Steps[0].Run, "exit 1", "the guard fails when PROD_RUNNER is unset")
	for job, j := range deploy.Jobs {
		if job != "prod-preview" && job != "prod" {
			assert.Equal(t, "ubuntu-latest", j.RunsOn, job)
		}
	}
}

// One state backend, Pulumi Cloud, for people and workflows alike: two
// would hold two states of one stack, which then create its cluster and
// load balancer twice under the same names, and a secret encrypted with a
// passphrase that CI cannot decrypt. Every step that runs Pulumi logs in
// with a Pulumi Cloud token and names no other backend; the stack files
// carry no other secrets provider; the README deploys the same way.
func TestOneStateBackend(t *testing.T) {
	for name, raw := range workflows(t) {
		var w workflow
		require.NoError(t, yaml.Unmarshal(raw, &w), name)
		for jobName, job := range w.Jobs {
			for _, step := range job.Steps {
				runsPulumi := (strings.HasPrefix(step.Uses, "pulumi/actions@") && step.With["command"] != "") ||
					strings.Contains(step.Run, "go -C verify run")
				if !runsPulumi {
					continue
				}
				token := step.Env["PULUMI_ACCESS_TOKEN"]
				assert.Regexp(t, `^\$\{\{ secrets\.PULUMI_(DEV_PREVIEW_TOKEN|ACCESS_TOKEN) \}\}$`, token, "%s %s: Pulumi Cloud, with a token", name, jobName)
				for key := range step.Env {
					assert.NotContains(t, []string{"PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"}, key, "%s %s", name, jobName)
				}
				assert.Empty(t, step.With["cloud-url"], "%s %s: no other backend", name, jobName)
			}
		}
	}
	for _, file := range []string{"Pulumi.dev.yaml", "Pulumi.prod.yaml"} {
		raw, err := os.ReadFile(filepath.Join(projectDir, file))
		require.NoError(t, err)
		var stack map[string]any
		require.NoError(t, yaml.Unmarshal(raw, &stack), file)
		for _, key := range []string{"secretsprovider", "encryptionsalt", "encryptedkey"} {
			assert.NotContains(t, stack, key, "%s: secrets under the stack's Pulumi Cloud provider, which CI can use", file)
		}
	}
	readme, err := os.ReadFile(filepath.Join(projectDir, "README.md"))
	require.NoError(t, err)
	for _, other := range []string{"pulumi login --local", "pulumi login s3://", "pulumi login file://", "PULUMI_CONFIG_PASSPHRASE"} {
		assert.NotContains(t, string(readme), other, "the README deploys with the workflows' backend")
	}
	assert.Contains(t, string(readme), "\npulumi login ")
}

func TestPinnedPattern(t *testing.T) {
	for line, want := range map[string]bool{
		"      - uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262 # v4.4.0": true,
		"        uses: pulumi/actions@8582a9e8cc630786854029b4e09281acd6794b58 # v6.6.1":   true,
		"      - uses: actions/checkout@v4":                                                false,
		"      - uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262":          false,
		"      - uses: actions/checkout@11d5960 # v4.4.0":                                  false,
		"      - uses: actions/checkout@main # v4.4.0":                                     false,
	} {
		assert.Equal(t, want, pinned.MatchString(line), line)
	}
}

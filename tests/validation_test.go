package tests

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/badconfig"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
)

// Each bad configuration of testdata/bad-configs.yaml fails the whole
// program with exactly its problem (key, value and code; the words are in
// testdata/problems.golden), before any resource is registered, or with only
// the platform stack's reference read.
func TestBadConfigurationRegistersNothing(t *testing.T) {
	cases, err := badconfig.Cases(projectDir)
	require.NoError(t, err)
	require.NotEmpty(t, cases)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			s, err := c.Run(projectDir)
			var problems config.Problems
			require.True(t, errors.As(err, &problems), "error %v lists the problems", err)
			require.Len(t, problems, 1, "%v", problems)
			got := problems[0]
			assert.Equal(t, c.Want, badconfig.Want{Key: got.Key, Value: got.Value, Code: got.Code})
			assert.Contains(t, err.Error(), "  - "+got.String())
			assert.Empty(t, s.StandIns, "nothing is registered")
			if !c.Read {
				assert.Empty(t, s.Resources, "nothing is registered")
				return
			}
			require.Len(t, s.Resources, 1, "only the stack reference is read; nothing is created")
			assert.Equal(t, typeStackReference, s.Resources[0].Type)
			assert.True(t, s.Resources[0].Read)
		})
	}
}

// Every rule the configuration's code can break has a case, so that the
// golden file holds the words of every problem: the codes written in the
// config and discovery packages and in the stack are those of the cases,
// but for the few that only a failing AWS or Pulumi API can cause, which
// discovery's own tests assert.
func TestEveryCodeHasABadConfiguration(t *testing.T) {
	cases, err := badconfig.Cases(projectDir)
	require.NoError(t, err)
	covered := map[config.Code]bool{
		"kubeconfig":                      true, // EKS returned a certificate authority that does not decode
		"oidc-provider-of-another-issuer": true, // IAM returned, for an issuer, another issuer's provider
		"oidc-provider-unreadable":        true, // IAM refused the look-up
		"platform-stack-unreadable":       true, // the Pulumi service refused the stack reference
	}
	for _, c := range cases {
		covered[c.Want.Code] = true
	}
	written := codesWritten(t, "infra/config", "infra/components/cluster/existing/discovery", "infra/stack")
	var missing []string
	for code := range written {
		if !covered[code] {
			missing = append(missing, string(code))
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "codes no case of testdata/bad-configs.yaml breaks")
}

// codesWritten are the codes the non-test sources of the packages name: the
// first argument of broke, a Code: field, a Code(...) conversion, or the
// first argument of a discovery helper.
func codesWritten(t *testing.T, dirs ...string) map[config.Code]bool {
	t.Helper()
	pattern := regexp.MustCompile(`(?:broke\(|Code: |Code\(|code = |add\(|problem\()"([a-z][a-z0-9-]*)"`)
	codes := map[config.Code]bool{}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(projectDir, dir, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			for _, m := range pattern.FindAllStringSubmatch(string(raw), -1) {
				codes[config.Code(m[1])] = true
			}
		}
	}
	// The capacity check's codes are built from the resource that falls short.
	delete(codes, "capacity-")
	for _, resource := range []string{"cpu", "memory", "pods"} {
		codes[config.Code("capacity-"+resource)] = true
	}
	require.NotEmpty(t, codes)
	return codes
}

// One run reports every problem, in the order of the keys (those this
// project does not have last), and no secret in clear.
func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	settings := stackConfig(t, "prod", map[string]string{
		"milvus:bucketName":      "My_Bucket",
		"milvus:mixCoordinator":  `{"replicas": 2, "activeStandby": false}`,
		"milvus:nodeDesiredSize": "1",
		"milvus:nodeDiskSize":    "200",
		rootPasswordKey:          "short",
	})
	s, err := run("prod", settings)

	var problems config.Problems
	require.True(t, errors.As(err, &problems), "error %v lists the problems", err)
	var got []badconfig.Want
	for _, p := range problems {
		got = append(got, badconfig.Want{Key: p.Key, Value: p.Value, Code: p.Code})
	}
	assert.Equal(t, []badconfig.Want{
		{Key: "milvus:nodeDesiredSize", Value: "1", Code: "node-desired-outside"},
		{Key: "milvus:bucketName", Value: "My_Bucket", Code: "bucket-name-characters"},
		{Key: "milvus:milvusRootPassword", Value: config.SecretMask, Code: "root-password-length"},
		{Key: "milvus:mixCoordinator.activeStandby", Value: "false", Code: "standby-required"},
		{Key: "milvus:nodeDiskSize", Value: "200", Code: "unknown-key"},
	}, got)
	assert.Equal(t, fmt.Sprintf("invalid configuration (5 problem(s)):\n  - %s\n  - %s\n  - %s\n  - %s\n  - %s",
		problems[0], problems[1], problems[2], problems[3], problems[4]), problems.Error())
	assert.NotContains(t, err.Error(), `"short"`)
	assert.Empty(t, s.Resources, "nothing is registered")
}

// The prod stack file ships without its root password: until the deployer
// sets it, the program says so and stops.
func TestProdNeedsItsRootPassword(t *testing.T) {
	settings, err := stackfile.StackConfig(projectDir, "prod")
	require.NoError(t, err)
	s, err := run("prod", settings)
	var problems config.Problems
	require.True(t, errors.As(err, &problems), "error %v lists the problems", err)
	require.Len(t, problems, 1)
	assert.Equal(t, badconfig.Want{Key: "milvus:milvusRootPassword", Code: "root-password-missing"}, badconfig.Want{Key: problems[0].Key, Value: problems[0].Value, Code: problems[0].Code})
	assert.Empty(t, s.Resources)
}

// The stack files as shipped (prod with its deployer's password) pass.
func TestShippedStackFilesAreValid(t *testing.T) {
	for _, name := range stacks {
		_, err := config.Load(stackConfig(t, name, nil), name)
		assert.NoError(t, err, name)
	}
}

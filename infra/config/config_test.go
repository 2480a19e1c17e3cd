package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// valid is the smallest configuration that passes (a region, and a root
// password to generate) with some keys changed.
func valid(changes map[string]string) Settings {
	values := map[string]string{"aws:region": "us-east-2", "milvus:milvusGenerateRootPassword": "true"}
	for k, v := range changes {
		values[k] = v
	}
	return Settings{Values: values}
}

func TestLoadAppliesDefaults(t *testing.T) {
	cfg, err := Load(valid(nil), "dev")
	require.NoError(t, err)

	want := Defaults("dev")
	want.Region = "us-east-2"
	want.Milvus.Authentication.GenerateRootPassword = true
	assert.Equal(t, want, cfg)
	assert.Equal(t, "milvus-dev", cfg.ClusterName)
}

func TestLoadOverridesDefaults(t *testing.T) {
	cfg, err := Load(valid(map[string]string{
		"aws:region":               "us-east-2",
		"milvus:nodeInstanceTypes": `["m6i.4xlarge"]`,
		"milvus:nodeMinSize":       "3",
		"milvus:nodeDesiredSize":   "3",
		"milvus:mixCoordinator":    `{"replicas": 2, "activeStandby": true, "cpuLimit": "1.5"}`,
		"milvus:clusterName":       "milvus-prod",
	}), "prod")
	require.NoError(t, err)

	assert.Equal(t, NodeGroup{InstanceTypes: []string{"m6i.4xlarge"}, MinSize: 3, DesiredSize: 3, DiskSizeGiB: 100}, cfg.NodeGroup)
	// An object's fields left out keep the key's defaults.
	assert.Equal(t, sizing.Coordinator{
		Workload: sizing.Workload{Replicas: 2, CPURequest: "500m", MemoryRequest: "1Gi", CPULimit: "1.5", MemoryLimit: "2Gi",
			EphemeralStorageRequest: "1Gi", EphemeralStorageLimit: "8Gi"},
		ActiveStandby: true,
	}, cfg.Milvus.Workloads.MixCoordinator)
	// Keys left out keep their defaults.
	assert.Equal(t, "milvus-s3-access-sa", cfg.Milvus.ServiceAccount)
	assert.Equal(t, "milvus-prod", cfg.ClusterName)
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(valid(map[string]string{
		"aws:region":               "us-east-2",
		"milvus:bucketName":        "My_Bucket",
		"milvus:nodeInstanceTypes": `[]`,
		"milvus:nodeMinSize":       "3",
		"milvus:nodeDesiredSize":   "2",
	}), "dev")

	assertFound(t, []found{
		{"milvus:nodeInstanceTypes", "", "empty-list"},
		{"milvus:nodeDesiredSize", "2", "node-desired-outside"},
		{"milvus:bucketName", "My_Bucket", "bucket-name-characters"},
	}, err)
}

// Problems print as one list, a problem a line, with the value quoted
// when there is one.
func TestProblemsPrintAsAList(t *testing.T) {
	assert.Equal(t, `invalid configuration (2 problem(s)):
  - milvus:a: rule one
  - milvus:b "value": rule two`, Problems{
		{Key: "milvus:a", Code: "one", Rule: "rule one"},
		{Key: "milvus:b", Value: "value", Code: "two", Rule: "rule two"},
	}.Error())
}

// A key that fails to parse, or a missing region, does not hide the problems
// of the other keys; but a key that failed to parse is not also checked with
// its default value, nor are the rules that compare other keys with it.
func TestLoadReportsParseAndRuleProblemsTogether(t *testing.T) {
	_, err := Load(Settings{Values: map[string]string{
		"milvus:milvusGenerateRootPassword": "true",
		"milvus:nodeMinSize":                "three",
		"milvus:nodeDesiredSize":            "0",
		"milvus:milvusNamespace":            "Milvus",
		"milvus:proxy":                      `{"memoryLimit": "lots"}`,
	}}, "dev")
	assertFound(t, []found{
		{"aws:region", "", "required"},
		{"milvus:nodeMinSize", "three", "not-a-number"},
		// nodeDesiredSize "0" would be compared with nodeMinSize's default:
		// that rule waits until nodeMinSize parses.
		{"milvus:milvusNamespace", "Milvus", "dns-label"},
		{"milvus:proxy.memoryLimit", "lots", "quantity"},
	}, err)
}

func TestLoadDerivesNamesFromTheStack(t *testing.T) {
	cfg, err := Load(valid(map[string]string{
		"aws:region":              "us-east-2",
		"milvus:clusterName":      "",
		"milvus:loadBalancerName": "",
	}), "staging")
	require.NoError(t, err)
	assert.Equal(t, "milvus-staging", cfg.ClusterName)
	assert.Equal(t, "milvus-staging", cfg.Milvus.LoadBalancer.Name)
}

// The table of bad configurations, one per rule, is in tests/validation_test.go:
// it runs the whole program, to show that nothing is registered.

func TestFromEngine(t *testing.T) {
	settings, err := FromEngine(`{"aws:region":"us-east-2","milvus:milvusRootPassword":"a-long-enough-password"}`, `["milvus:milvusRootPassword"]`)
	require.NoError(t, err)
	assert.Equal(t, Settings{
		Values: map[string]string{"aws:region": "us-east-2", "milvus:milvusRootPassword": "a-long-enough-password"},
		Secret: map[string]bool{"milvus:milvusRootPassword": true},
	}, settings)

	_, err = FromEngine("{", "")
	assert.EqualError(t, err, "reading the stack configuration the engine passed: unexpected end of JSON input")
	_, err = FromEngine("{}", `"milvus:milvusRootPassword"`)
	assert.ErrorContains(t, err, "reading the secret configuration keys the engine passed")
}

// A secret value never shows, not in a problem, not when a Config is printed.
func TestSecretsNeverShow(t *testing.T) {
	settings := valid(map[string]string{
		"milvus:milvusRootPassword": "hunter2",
		"milvus:milvusRootPasswrod": "hunter3",
	})
	settings.Secret = map[string]bool{"milvus:milvusRootPassword": true, "milvus:milvusRootPasswrod": true}
	_, err := Load(settings, "dev")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter")
	assertFound(t, []found{
		{"milvus:milvusRootPassword", SecretMask, "root-password-length"},
		{"milvus:milvusRootPasswrod", SecretMask, "unknown-key"},
	}, err)

	settings = valid(map[string]string{"milvus:milvusRootPassword": "a-long-enough-password"})
	settings.Secret = map[string]bool{"milvus:milvusRootPassword": true}
	cfg, err := Load(settings, "dev")
	require.NoError(t, err)
	assert.Equal(t, "a-long-enough-password", cfg.Milvus.Authentication.RootPassword.Reveal())
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(format, cfg), "a-long-enough-password", format)
	}
}

// The flat workload keys of earlier versions name the field that replaced
// them.
func TestRetiredKeysNameTheirField(t *testing.T) {
	_, err := Load(valid(map[string]string{"milvus:coordinatorCpuLimit": "2", "milvus:proxyReplicas": "2", "milvus:proxyColour": "red"}), "dev")
	assertFound(t, []found{
		{"milvus:coordinatorCpuLimit", "2", "retired-key"},
		{"milvus:proxyColour", "red", "unknown-key"},
		{"milvus:proxyReplicas", "2", "retired-key"},
	}, err)
	for field, key := range map[string]string{"mixCoordinator.cpuLimit": "milvus:coordinatorCpuLimit", "proxy.replicas": "milvus:proxyReplicas"} {
		assert.Equal(t, field, retiredKeyField(key[len("milvus:"):]))
	}
}

func TestNearestKey(t *testing.T) {
	for name, want := range map[string]string{
		"BucketName":    "bucketName",
		"nodeDiskSize":  "nodeDiskSizeGiB",
		"bucketNmae":    "bucketName",
		"queryNodes":    "queryNode",
		"somethingElse": "",
		"vpc":           "",
	} {
		assert.Equal(t, want, nearestKey(name), name)
	}
}

// A switched-off controller's chart version is still checked (it must be
// vendored), but the aws partition is not required.
func TestLoadControllerSwitchedOff(t *testing.T) {
	cfg, err := Load(valid(map[string]string{
		"milvus:clusterMode":                        "existing",
		"milvus:existingClusterName":                "platform",
		"aws:region":                                "cn-north-1",
		"milvus:loadBalancerController":             "false",
		"milvus:loadBalancerControllerChartVersion": "3.5.0",
		"milvus:ebsCsiDriver":                       "false",
		"milvus:ebsCsiDriverVersion":                "v1.48.0-eksbuild.1",
	}), "dev")
	require.NoError(t, err)
	assert.Equal(t, Addons{
		EbsCsiDriver:           EbsCsiDriver{switched: off, Enabled: false, Version: "v1.48.0-eksbuild.1"},
		LoadBalancerController: LoadBalancerController{switched: off, Enabled: false, ChartVersion: "3.5.0"},
	}, cfg.Addons)
}

// An add-on switch left empty follows the cluster mode: the add-ons of an
// existing cluster are its owner's.
func TestAddonSwitchesFollowTheClusterMode(t *testing.T) {
	existing := map[string]string{"milvus:clusterMode": "existing", "milvus:existingClusterName": "platform"}
	tests := []struct {
		name     string
		changes  map[string]string
		ebs, lbc bool
	}{
		{name: "create, unset", ebs: true, lbc: true},
		{name: "create, empty", changes: map[string]string{"milvus:ebsCsiDriver": "", "milvus:loadBalancerController": ""}, ebs: true, lbc: true},
		{name: "create, on", changes: map[string]string{"milvus:ebsCsiDriver": "true", "milvus:loadBalancerController": "true"}, ebs: true, lbc: true},
		{name: "existing, unset", changes: existing, ebs: false, lbc: false},
		{name: "existing, one on", changes: merge(existing, map[string]string{"milvus:loadBalancerController": "true"}), ebs: false, lbc: true},
		{name: "existing, both on", changes: merge(existing, map[string]string{"milvus:ebsCsiDriver": "True", "milvus:loadBalancerController": "1"}), ebs: true, lbc: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(valid(tt.changes), "dev")
			require.NoError(t, err)
			assert.Equal(t, tt.ebs, cfg.Addons.EbsCsiDriver.Enabled, "ebsCsiDriver")
			assert.Equal(t, tt.lbc, cfg.Addons.LoadBalancerController.Enabled, "loadBalancerController")
		})
	}
}

func TestLoadExistingCluster(t *testing.T) {
	cfg, err := Load(valid(map[string]string{
		"milvus:clusterMode":          "existing",
		"milvus:existingClusterStack": "acme/platform/prod",
		// Create-mode keys at their defaults are not reported.
		"milvus:nodeMinSize": "2",
		"milvus:vpcCidr":     "10.0.0.0/16",
	}), "shared")
	require.NoError(t, err)
	assert.False(t, cfg.CreatesCluster())
	assert.Equal(t, ExistingCluster{Stack: "acme/platform/prod"}, cfg.ExistingCluster)
}

// Keys that describe a cluster the stack would create are errors on an
// existing-cluster stack when they differ from their defaults: they would be
// ignored.
func TestExistingClusterRefusesCreateModeKeys(t *testing.T) {
	_, err := Load(valid(map[string]string{
		"milvus:clusterMode":         "existing",
		"milvus:existingClusterName": "platform",
		"milvus:nodeMinSize":         "3",
		"milvus:nodeInstanceTypes":   `["m6i.large"]`,
		"milvus:kubernetesVersion":   "1.33",
		"milvus:nodeDiskSizeGiB":     "many", // does not parse: reported once, as such
	}), "shared")
	assertFound(t, []found{
		{"milvus:kubernetesVersion", "1.33", "create-mode-only"},
		{"milvus:nodeInstanceTypes", `["m6i.large"]`, "create-mode-only"},
		{"milvus:nodeMinSize", "3", "create-mode-only"},
		{"milvus:nodeDiskSizeGiB", "many", "not-a-number"},
	}, err)
}

func merge(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func TestQuantitiesThatParse(t *testing.T) {
	for _, q := range []struct{ cpu, memory string }{{"0.5", "512Mi"}, {"500m", "0.5Gi"}, {"1", "2Gi"}, {"2", "2147483648"}} {
		cfg, err := Load(valid(map[string]string{"milvus:proxy": fmt.Sprintf(`{"cpuRequest": %q, "memoryRequest": %q, "cpuLimit": %q, "memoryLimit": %q}`, q.cpu, q.memory, q.cpu, q.memory)}), "dev")
		require.NoError(t, err, q)
		assert.Equal(t, sizing.Workload{Replicas: 1, CPURequest: q.cpu, MemoryRequest: q.memory, CPULimit: q.cpu, MemoryLimit: q.memory,
			EphemeralStorageRequest: "1Gi", EphemeralStorageLimit: "8Gi"}, cfg.Milvus.Workloads.Proxy, q)
	}
}

func TestBucketNameRule(t *testing.T) {
	tests := []struct {
		name string
		want Code
	}{
		{"milvus-bucket-1a2b", ""},
		{"my.bucket.name", ""},
		{"ab", "bucket-name-length"},
		{"a123456789012345678901234567890123456789012345678901234567890123", "bucket-name-length"},
		{"my_bucket", "bucket-name-characters"},
		{"-bucket", "bucket-name-ends"},
		{"bucket.", "bucket-name-ends"},
		{"my..bucket", "bucket-name-dots"},
		{"10.0.0.1", "bucket-name-address"},
		{"xn--bucket", "bucket-name-reserved"},
		{"sthree-bucket", "bucket-name-reserved"},
		{"amzn-s3-demo-bucket", "bucket-name-reserved"},
		{"bucket-s3alias", "bucket-name-reserved"},
		{"bucket--ol-s3", "bucket-name-reserved"},
		{"bucket.mrap", "bucket-name-reserved"},
		{"bucket--x-s3", "bucket-name-reserved"},
		{"bucket--table-s3", "bucket-name-reserved"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, bucketName(tt.name).code, tt.name)
	}
}

// The registry is well formed: each key once, documented, with a default of
// its own kind, and each group's keys together (the generated files list
// them by group).
func TestKeysAreWellFormed(t *testing.T) {
	names := map[string]bool{}
	groupsDone := map[Group]bool{}
	var group Group
	for _, k := range Keys {
		assert.False(t, names[k.Name], "%s is listed twice", k.Name)
		names[k.Name] = true
		assert.True(t, strings.HasSuffix(k.Doc, "."), "%s: its doc is a sentence", k.Name)
		if k.Group != group {
			assert.False(t, groupsDone[k.Group], "%s: the keys of group %s are not together", k.Name, k.Group)
			groupsDone[group] = true
			group = k.Group
		}
		kinds := map[string]string{"string": "string", "int": "integer", "bool": "boolean", "[]string": "array"}
		kind := kinds[fmt.Sprintf("%T", k.Default)]
		if reflect.TypeOf(k.Default).Kind() == reflect.Struct {
			kind = "object"
		}
		assert.Equal(t, k.Kind(), kind, "%s: a default of its kind", k.Name)
		var c Config
		assert.True(t, k.decode(k.DefaultText(), &c).ok(), "%s: its default decodes", k.Name)
	}
}

// found is what a test expects of a problem: the key, the value shown and
// the rule's code. The words of every rule are in
// tests/testdata/problems.golden.
type found struct {
	key, value string
	code       Code
}

// assertFound checks that Load found exactly want, or nothing when want is
// empty.
func assertFound(t *testing.T, want []found, err error) {
	t.Helper()
	if len(want) == 0 {
		require.NoError(t, err)
		return
	}
	var problems Problems
	require.True(t, errors.As(err, &problems), "error %v is not Problems", err)
	got := make([]found, len(problems))
	for i, p := range problems {
		got[i] = found{p.Key, p.Value, p.Code}
		assert.NotEmpty(t, p.Rule, "%s: every problem says its rule", p.Key)
	}
	assert.Equal(t, want, got)
}

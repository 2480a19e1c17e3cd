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
		"milvus:nodeMaxSize":       "6",
		"milvus:mixCoordinator":    `{"replicas": 2, "activeStandby": true, "cpuLimit": "1.5"}`,
		"milvus:clusterName":       "milvus-prod",
	}), "prod")
	require.NoError(t, err)

	assert.Equal(t, NodeGroup{InstanceTypes: []string{"m6i.4xlarge"}, MinSize: 3, DesiredSize: 3, MaxSize: 6, DiskSizeGiB: 100}, cfg.NodeGroup)
	// An object's fields left out keep the key's defaults.
	assert.Equal(t, sizing.Coordinator{
		Workload:      sizing.Workload{Replicas: 2, CPURequest: "500m", MemoryRequest: "1Gi", CPULimit: "1.5", MemoryLimit: "2Gi"},
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
		"milvus:nodeMaxSize":       "4",
	}), "dev")

	var problems Problems
	require.True(t, errors.As(err, &problems), "error %v is not Problems", err)
	assert.Equal(t, Problems{
		{Key: "milvus:nodeInstanceTypes", Rule: "at least one instance type is required"},
		{Key: "milvus:nodeDesiredSize", Value: "2", Rule: "must lie between nodeMinSize (3) and nodeMaxSize (4)"},
		{Key: "milvus:bucketName", Value: "My_Bucket", Rule: "bucket names may contain only lowercase letters, digits, dots and hyphens"},
	}, problems)
	assert.Equal(t, `invalid configuration (3 problem(s)):
  - milvus:nodeInstanceTypes: at least one instance type is required
  - milvus:nodeDesiredSize "2": must lie between nodeMinSize (3) and nodeMaxSize (4)
  - milvus:bucketName "My_Bucket": bucket names may contain only lowercase letters, digits, dots and hyphens`, err.Error())
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
	var problems Problems
	require.True(t, errors.As(err, &problems), "error %v is not Problems", err)
	assert.Equal(t, Problems{
		{Key: "aws:region", Rule: "is required: set it with `pulumi config set aws:region us-east-2`"},
		{Key: "milvus:nodeMinSize", Value: "three", Rule: "must be a whole number"},
		// nodeDesiredSize "0" would be compared with nodeMinSize's default:
		// that rule waits until nodeMinSize parses.
		{Key: "milvus:milvusNamespace", Value: "Milvus", Rule: "must be an RFC 1123 label: at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"},
		{Key: "milvus:proxy.memoryLimit", Value: "lots", Rule: `must be a Kubernetes quantity such as "500m", "2" or "4Gi"`},
	}, problems)
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

func TestFromEnvironment(t *testing.T) {
	env := map[string]string{
		"PULUMI_CONFIG":             `{"aws:region":"us-east-2","milvus:milvusRootPassword":"a-long-enough-password"}`,
		"PULUMI_CONFIG_SECRET_KEYS": `["milvus:milvusRootPassword"]`,
	}
	settings, err := FromEnvironment(func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.Equal(t, Settings{
		Values: map[string]string{"aws:region": "us-east-2", "milvus:milvusRootPassword": "a-long-enough-password"},
		Secret: map[string]bool{"milvus:milvusRootPassword": true},
	}, settings)

	env["PULUMI_CONFIG"] = "{"
	_, err = FromEnvironment(func(k string) string { return env[k] })
	assert.EqualError(t, err, "reading the stack configuration from PULUMI_CONFIG: unexpected end of JSON input")
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
	assert.Equal(t, `invalid configuration (2 problem(s)):
  - milvus:milvusRootPassword "[secret]": must be 12 to 256 characters long
  - milvus:milvusRootPasswrod "[secret]": is not a key of this project; did you mean "milvusRootPassword"?`, err.Error())

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
	var problems Problems
	require.True(t, errors.As(err, &problems), "error %v is not Problems", err)
	assert.Equal(t, Problems{
		{Key: "milvus:coordinatorCpuLimit", Value: "2", Rule: "is not a key of this project any more: set the field instead, with `pulumi config set --path mixCoordinator.cpuLimit <value>`"},
		{Key: "milvus:proxyColour", Value: "red", Rule: "is not a key of this project"},
		{Key: "milvus:proxyReplicas", Value: "2", Rule: "is not a key of this project any more: set the field instead, with `pulumi config set --path proxy.replicas <value>`"},
	}, problems)
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

// A switched-off controller's chart version is still checked for its form,
// but needs no policy, nor the aws partition.
func TestLoadControllerSwitchedOff(t *testing.T) {
	cfg, err := Load(valid(map[string]string{
		"aws:region":                                "cn-north-1",
		"milvus:loadBalancerController":             "false",
		"milvus:loadBalancerControllerChartVersion": "3.4.0",
		"milvus:ebsCsiDriver":                       "false",
		"milvus:ebsCsiDriverVersion":                "v1.48.0-eksbuild.1",
	}), "dev")
	require.NoError(t, err)
	assert.Equal(t, Addons{
		EbsCsiDriver:           EbsCsiDriver{switched: off, Enabled: false, Version: "v1.48.0-eksbuild.1"},
		LoadBalancerController: LoadBalancerController{switched: off, Enabled: false, ChartVersion: "3.4.0"},
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
		{name: "create, one off", changes: map[string]string{"milvus:ebsCsiDriver": "false"}, ebs: false, lbc: true},
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
		"milvus:nodeMaxSize":         "many", // does not parse: reported once, as such
	}), "shared")
	rule := `applies only when clusterMode is "create": an existing cluster's version, network and nodes are its owner's; remove it`
	assert.Equal(t, Problems{
		{Key: "milvus:kubernetesVersion", Value: "1.33", Rule: rule},
		{Key: "milvus:nodeInstanceTypes", Value: `["m6i.large"]`, Rule: rule},
		{Key: "milvus:nodeMinSize", Value: "3", Rule: rule},
		{Key: "milvus:nodeMaxSize", Value: "many", Rule: "must be a whole number"},
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
		assert.Equal(t, sizing.Workload{Replicas: 1, CPURequest: q.cpu, MemoryRequest: q.memory, CPULimit: q.cpu, MemoryLimit: q.memory}, cfg.Milvus.Workloads.Proxy, q)
	}
}

func TestBucketNameRule(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"milvus-bucket-1a2b", ""},
		{"my.bucket.name", ""},
		{"ab", "bucket names must be 3 to 63 characters long"},
		{"a123456789012345678901234567890123456789012345678901234567890123", "bucket names must be 3 to 63 characters long"},
		{"my_bucket", "bucket names may contain only lowercase letters, digits, dots and hyphens"},
		{"-bucket", "bucket names must begin and end with a letter or digit"},
		{"bucket.", "bucket names must begin and end with a letter or digit"},
		{"my..bucket", "bucket names must not contain two adjacent dots"},
		{"10.0.0.1", "bucket names must not be formatted as an IP address"},
		{"xn--bucket", `bucket names must not start with the reserved prefix "xn--"`},
		{"sthree-bucket", `bucket names must not start with the reserved prefix "sthree-"`},
		{"amzn-s3-demo-bucket", `bucket names must not start with the reserved prefix "amzn-s3-demo-"`},
		{"bucket-s3alias", `bucket names must not end with the reserved suffix "-s3alias"`},
		{"bucket--ol-s3", `bucket names must not end with the reserved suffix "--ol-s3"`},
		{"bucket.mrap", `bucket names must not end with the reserved suffix ".mrap"`},
		{"bucket--x-s3", `bucket names must not end with the reserved suffix "--x-s3"`},
		{"bucket--table-s3", `bucket names must not end with the reserved suffix "--table-s3"`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, BucketNameRule(tt.name), tt.name)
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
		assert.Empty(t, k.decode(k.DefaultText(), &c), "%s: its default decodes", k.Name)
	}
}

// assertProblems checks that Load found exactly want, or nothing when want
// is nil.
func assertProblems(t *testing.T, want Problems, err error) {
	t.Helper()
	if want == nil {
		require.NoError(t, err)
		return
	}
	var problems Problems
	require.True(t, errors.As(err, &problems), "error %v is not Problems", err)
	assert.Equal(t, want, problems)
}

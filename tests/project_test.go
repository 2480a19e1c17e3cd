package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
	"github.com/milvus-eks/milvus-eks/infra/offline/stackfile"
	"github.com/milvus-eks/milvus-eks/infra/stack/outputs"
)

// Pulumi.yaml's config block is generated from the key registry and checked
// against it (TestGeneratedFilesAreFresh). Here: the engine's reading of that file (as
// stackfile imitates it, YAML types and all) gives the program's defaults.
func TestPulumiYamlDefaultsAreTheProgramDefaults(t *testing.T) {
	project, err := stackfile.ReadProject(projectDir)
	require.NoError(t, err)
	// A stack that sets only its region and its root password gets
	// Pulumi.yaml's defaults.
	settings := config.Settings{
		Values: map[string]string{"aws:region": "us-east-2"},
		Secret: map[string]bool{rootPasswordKey: true},
	}
	for key, decl := range project.Config {
		text, err := stackfile.ConfigText(decl.Default)
		require.NoError(t, err)
		settings.Values[config.FullName(key)] = text
	}
	settings.Values[rootPasswordKey] = testRootPassword
	got, err := config.Load(settings, "test")
	require.NoError(t, err)

	want := config.Defaults("test")
	want.Region = "us-east-2"
	want.Milvus.Authentication.RootPassword = testRootPassword
	assert.Equal(t, want, got)
}

// A stack exports exactly the outputs of the contract whose condition holds
// for its configuration, secret where the contract says so.
func TestStackExportsTheContract(t *testing.T) {
	tests := []struct {
		name    string
		stack   string
		changes map[string]string
		holds   map[outputs.Condition]bool
	}{
		{name: "dev", stack: "dev", holds: map[outputs.Condition]bool{
			outputs.CreatedCluster: true, outputs.Authentication: true, outputs.EbsCsiDriver: true, outputs.LoadBalancerController: true, outputs.NodePools: true}},
		{name: "dev without pools", stack: "dev", changes: map[string]string{"milvus:nodePools": `{"enabled": false}`, "milvus:nodeInstanceTypes": `["m6i.2xlarge"]`},
			holds: map[outputs.Condition]bool{outputs.CreatedCluster: true, outputs.Authentication: true, outputs.EbsCsiDriver: true, outputs.LoadBalancerController: true}},
		{name: "prod", stack: "prod", holds: map[outputs.Condition]bool{
			outputs.CreatedCluster: true, outputs.Authentication: true, outputs.EbsCsiDriver: true, outputs.LoadBalancerController: true, outputs.DNSName: true,
			outputs.Backups: true, outputs.Monitoring: true, outputs.PodLogs: true, outputs.NodePools: true}},
		{name: "prod with a copy of its backups", stack: "prod", changes: map[string]string{
			"milvus:backup": `{"enabled": true, "replicaRegion": "us-west-2"}`},
			holds: map[outputs.Condition]bool{
				outputs.CreatedCluster: true, outputs.Authentication: true, outputs.EbsCsiDriver: true, outputs.LoadBalancerController: true, outputs.DNSName: true,
				outputs.Backups: true, outputs.BackupReplica: true, outputs.Monitoring: true, outputs.PodLogs: true, outputs.NodePools: true}},
		{name: "internal and open", stack: "dev", changes: map[string]string{
			"milvus:loadBalancerScheme": "internal", "milvus:milvusAuthentication": "false"},
			holds: map[outputs.Condition]bool{outputs.CreatedCluster: true, outputs.EbsCsiDriver: true, outputs.LoadBalancerController: true, outputs.NodePools: true}},
		{name: "existing cluster", stack: "shared", holds: map[outputs.Condition]bool{outputs.Authentication: true}},
		{name: "existing cluster, its add-ons installed by the stack", stack: "shared",
			changes: map[string]string{"milvus:ebsCsiDriver": "true", "milvus:loadBalancerController": "true"},
			holds:   map[outputs.Condition]bool{outputs.Authentication: true, outputs.EbsCsiDriver: true, outputs.LoadBalancerController: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var exported map[string]any
			if tt.stack == "shared" {
				exported = deployExisting(t, tt.changes).Outputs
			} else {
				exported = deployWith(t, tt.stack, stackConfig(t, tt.stack, tt.changes)).Outputs
			}
			want := map[string]bool{}
			for _, o := range outputs.Contract {
				if o.When == outputs.Always || tt.holds[o.When] {
					want[o.Name] = o.Secret
				}
			}
			got := map[string]bool{}
			for name, value := range exported {
				_, secret := value.(mockcloud.Secret)
				got[name] = secret
			}
			assert.Equal(t, want, got, "output name: secret")
		})
	}
}

// .ci/run refuses, in the deployed binary, exactly the checker's clients
// that the README says it does not link.
func TestCIForbidsTheClientsTheReadmeRulesOut(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(projectDir, ".ci", "run"))
	require.NoError(t, err)
	line := regexp.MustCompile(`(?m)^checker_only_modules="([^"]*)"$`).FindStringSubmatch(string(script))
	require.NotNil(t, line, ".ci/run names checker_only_modules")
	readme, err := os.ReadFile(filepath.Join(projectDir, "README.md"))
	require.NoError(t, err)
	paragraph := regexp.MustCompile(`(?s)It links\s+neither (.*?)\. client-go`).FindSubmatch(readme)
	require.NotNil(t, paragraph, "the README says which clients the program does not link")
	var named []string
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllSubmatch(paragraph[1], -1) {
		named = append(named, string(m[1]))
	}
	assert.ElementsMatch(t, strings.Fields(line[1]), named)
}

// Package containerlogs is how the pods' logs reach CloudWatch Logs: the
// EKS add-on AWS maintains for it (amazon-cloudwatch-observability: Fluent
// Bit on every node, and the CloudWatch agent), its ServiceAccount's role,
// and the log groups it writes, which the stack creates first so that they
// keep the configured retention: Fluent Bit creates a group it does not
// find and sets none, and nothing it writes would ever expire.
package containerlogs

import "encoding/json"

// AddonName is the EKS add-on's name.
const AddonName = "amazon-cloudwatch-observability"

// Namespace and ServiceAccount are where the add-on runs its agent and
// Fluent Bit (the EKS user guide's IRSA example).
const (
	Namespace      = "amazon-cloudwatch"
	ServiceAccount = "cloudwatch-agent"
)

// Policy is the AWS managed policy the agent and Fluent Bit need to write
// logs and metrics.
const Policy = "CloudWatchAgentServerPolicy"

// LogGroups are the groups the add-on writes for a cluster: Fluent Bit's
// application, dataplane and host logs, and the agent's performance
// events (the chart's fluent-bit configuration and agent defaults).
func LogGroups(cluster string) []string {
	prefix := "/aws/containerinsights/" + cluster + "/"
	return []string{prefix + "application", prefix + "dataplane", prefix + "host", prefix + "performance"}
}

// Configuration is the add-on's configurationValues: container logs on.
// Only keys seen set through the add-on are used (docs/research).
type Configuration struct {
	ContainerLogs ContainerLogs `json:"containerLogs"`
}

// ContainerLogs turns Fluent Bit on.
type ContainerLogs struct {
	Enabled bool `json:"enabled"`
}

// ConfigurationValues is the add-on's configuration, as JSON.
func ConfigurationValues() string {
	raw, _ := json.Marshal(Configuration{ContainerLogs: ContainerLogs{Enabled: true}}) // plain structs always marshal
	return string(raw)
}

// Package alertrouting is the alert manager definition of the stack's
// Amazon Managed Service for Prometheus workspace, typed: every alert goes
// to one SNS topic, the severity as a message attribute for subscription
// filters. The format is AMP's (the user guide's "Create an alert manager
// configuration" and "Configure alert manager to send messages to your
// Amazon SNS topic"): alertmanager_config holds, as text, an Alertmanager
// configuration whose receivers are SNS alone, each with a SigV4 region;
// api_url and http_config are refused there, so neither is written.
package alertrouting

import (
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
)

// Definition is AMP's alert manager definition.
type Definition struct {
	AlertmanagerConfig string `json:"alertmanager_config"`
}

// Config is the Alertmanager configuration it holds.
type Config struct {
	Route     Route      `json:"route"`
	Receivers []Receiver `json:"receivers"`
}

// Route sends every alert to one receiver, grouped by alert and namespace,
// and repeats an alert still firing every RepeatInterval (AMP caps it at
// five days).
type Route struct {
	Receiver       string   `json:"receiver"`
	GroupBy        []string `json:"group_by"`
	GroupWait      string   `json:"group_wait"`
	GroupInterval  string   `json:"group_interval"`
	RepeatInterval string   `json:"repeat_interval"`
}

// Receiver is a named set of SNS topics.
type Receiver struct {
	Name       string      `json:"name"`
	SNSConfigs []SNSConfig `json:"sns_configs"`
}

// SNSConfig is one topic.
type SNSConfig struct {
	TopicArn string `json:"topic_arn"`
	SigV4    SigV4  `json:"sigv4"`
	// Subject is the e-mail subject; Alertmanager's default template lists
	// every label, which can pass SNS' 100-character limit.
	Subject    string            `json:"subject"`
	Attributes map[string]string `json:"attributes"`
}

// SigV4 names the topic's region, which AMP requires.
type SigV4 struct {
	Region string `json:"region"`
}

const receiver = "sns"

// Of is the definition that sends every alert to the topic.
func Of(topicArn, region string) Definition {
	config := Config{
		Route: Route{Receiver: receiver, GroupBy: []string{"alertname", "namespace"},
			GroupWait: "30s", GroupInterval: "5m", RepeatInterval: "4h"},
		Receivers: []Receiver{{Name: receiver, SNSConfigs: []SNSConfig{{
			TopicArn: topicArn, SigV4: SigV4{Region: region},
			Subject:    `[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}`,
			Attributes: map[string]string{"severity": "{{ .CommonLabels.severity }}"},
		}}}},
	}
	return Definition{AlertmanagerConfig: marshal(config)}
}

// YAML is the definition as AMP takes it.
func (d Definition) YAML() string { return marshal(d) }

func marshal(v any) string {
	raw, err := yaml.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("alertrouting: %v", err)) // plain structs always marshal
	}
	return string(raw)
}

// TopicPolicy lets the workspace, and no other, publish to the topic (AMP's
// user guide, "Giving Amazon Managed Service for Prometheus permission to
// send messages to your Amazon SNS topic"): the service principal, held to
// the workspace's ARN and account.
func TopicPolicy(topicArn, workspaceArn string) iampolicy.Document {
	account := ""
	if parts := strings.Split(workspaceArn, ":"); len(parts) > 4 {
		account = parts[4]
	}
	return iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{{
			Sid: "AllowWorkspaceToPublish", Effect: "Allow",
			Principal: &iampolicy.Principal{Service: "aps.amazonaws.com"},
			Action:    []string{"sns:GetTopicAttributes", "sns:Publish"},
			Resource:  []string{topicArn},
			Condition: map[string]map[string]string{
				"ArnEquals":    {"aws:SourceArn": workspaceArn},
				"StringEquals": {"AWS:SourceAccount": account},
			},
		}},
	}
}

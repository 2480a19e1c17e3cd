package config

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
)

// Monitoring is the monitoring key: whether the stack collects Milvus'
// metrics into Amazon Managed Service for Prometheus, alerts on them, and
// keeps its pods' logs in CloudWatch Logs.
type Monitoring struct {
	Enabled bool `json:"enabled"`
	// AlertEmails subscribe to the stack's alert topic; AlertTopicArn,
	// instead, sends the alerts to an existing SNS topic.
	AlertEmails   []string `json:"alertEmails"`
	AlertTopicArn string   `json:"alertTopicArn"`
	// LogRetentionDays is how long CloudWatch Logs keeps the pods' logs.
	LogRetentionDays int `json:"logRetentionDays"`
	// WorkspaceArn, when set, is an existing AMP workspace to write to.
	WorkspaceArn string `json:"workspaceArn"`
}

// DefaultMonitoring is off, with a month of logs.
var DefaultMonitoring = Monitoring{AlertEmails: []string{}, LogRetentionDays: 30}

// logRetentionDays are the retention periods CloudWatch Logs accepts
// (PutRetentionPolicy's retentionInDays, CloudWatch Logs API reference).
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

var (
	snsTopicArnPattern  = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$`)
	ampWorkspacePattern = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:aps:[a-z]{2}(-[a-z]+)+-\d:\d{12}:workspace/ws-[0-9a-f-]+$`)
)

// monitoringRules are the rules of the monitoring key's own value.
func monitoringRules(m Monitoring) []violation {
	var out []violation
	for _, email := range m.AlertEmails {
		if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
			out = append(out, violation{field: "alertEmails", value: email, finding: broke("alert-email", "must be an e-mail address alone, such as oncall@example.com")})
		}
	}
	if m.AlertTopicArn != "" && !snsTopicArnPattern.MatchString(m.AlertTopicArn) {
		out = append(out, violation{field: "alertTopicArn", value: m.AlertTopicArn, finding: broke("alert-topic-arn", "must be an SNS topic's ARN, arn:aws:sns:<region>:<account>:<topic>")})
	}
	if !slices.Contains(logRetentionDays, m.LogRetentionDays) {
		out = append(out, violation{field: "logRetentionDays", value: fmt.Sprint(m.LogRetentionDays), finding: broke("log-retention", "must be a period CloudWatch Logs accepts: %v", logRetentionDays)})
	}
	if m.WorkspaceArn != "" && !ampWorkspacePattern.MatchString(m.WorkspaceArn) {
		out = append(out, violation{field: "workspaceArn", value: m.WorkspaceArn, finding: broke("amp-workspace-arn", "must be an Amazon Managed Service for Prometheus workspace's ARN, arn:aws:aps:<region>:<account>:workspace/ws-...")})
	}
	return out
}

// monitoring checks the rules that relate the monitoring key to others.
func (v *validator) monitoring(c Config) {
	m := c.Monitoring
	if !m.Enabled {
		return
	}
	if len(m.AlertEmails) > 0 && m.AlertTopicArn != "" {
		v.add(FullName("monitoring")+".alertEmails", fmt.Sprint(m.AlertEmails), broke("alert-destination-both",
			"is set beside alertTopicArn: the alerts go to one topic, either the stack's own with these addresses or the existing one; subscribe the addresses to that topic instead"))
	}
	if len(m.AlertEmails) == 0 && m.AlertTopicArn == "" {
		v.add(FullName("monitoring")+".alertEmails", "[]", broke("alert-destination",
			"needs an address, or alertTopicArn: alerts nobody receives are not monitoring"))
	}
}

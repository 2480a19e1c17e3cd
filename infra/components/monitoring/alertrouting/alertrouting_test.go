package alertrouting

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDefinition(t *testing.T) {
	assert.Equal(t, `alertmanager_config: |
  receivers:
  - name: sns
    sns_configs:
    - attributes:
        severity: '{{ .CommonLabels.severity }}'
      sigv4:
        region: us-east-2
      subject: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}'
      topic_arn: arn:aws:sns:us-east-2:111122223333:milvus-alerts
  route:
    group_by:
    - alertname
    - namespace
    group_interval: 5m
    group_wait: 30s
    receiver: sns
    repeat_interval: 4h
`, Of("arn:aws:sns:us-east-2:111122223333:milvus-alerts", "us-east-2").YAML())
}

func TestTopicPolicy(t *testing.T) {
	assert.JSONEq(t, `{"Version": "2012-10-17", "Statement": [{
	  "Sid": "AllowWorkspaceToPublish", "Effect": "Allow", "Principal": {"Service": "aps.amazonaws.com"},
	  "Action": ["sns:GetTopicAttributes", "sns:Publish"],
	  "Resource": ["arn:aws:sns:us-east-2:111122223333:milvus-alerts"],
	  "Condition": {
	    "ArnEquals": {"aws:SourceArn": "arn:aws:aps:us-east-2:111122223333:workspace/ws-1234"},
	    "StringEquals": {"AWS:SourceAccount": "111122223333"}}}]}`,
		TopicPolicy("arn:aws:sns:us-east-2:111122223333:milvus-alerts", "arn:aws:aps:us-east-2:111122223333:workspace/ws-1234").JSON())
}

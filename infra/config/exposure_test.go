package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// production is a production stack that obeys every exposure rule; each
// case below breaks one.
var production = map[string]string{
	"milvus:production":                 "true",
	"milvus:loadBalancerCertificateArn": "arn:aws:acm:us-east-2:111122223333:certificate/12345678-1234-1234-1234-123456789012",
	"milvus:milvusDnsName":              "milvus.example.com",
	"milvus:loadBalancerSourceRanges":   `["203.0.113.0/24"]`,
	"milvus:clusterEndpointPublicCidrs": `["198.51.100.0/24"]`,
	"milvus:controlPlaneLogs":           "true",
}

func TestExposureRules(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]string
		want    []found
	}{
		{name: "production, closed", changes: nil},
		{name: "production, internal and open inside", changes: map[string]string{
			"milvus:loadBalancerScheme": "internal", "milvus:loadBalancerCertificateArn": "", "milvus:loadBalancerSourceRanges": `["0.0.0.0/0"]`}},
		{name: "a certificate without the name it is for", changes: map[string]string{"milvus:milvusDnsName": ""},
			want: []found{{"milvus:milvusDnsName", "", "dns-name-required"}}},
		{name: "a record in a zone, and its name", changes: map[string]string{"milvus:milvusDnsZoneId": "Z0123456789ABCDEFGHIJ"}},
		{name: "production, public endpoint off", changes: map[string]string{"milvus:clusterEndpointPublicCidrs": `[]`}},
		{name: "no certificate", changes: map[string]string{"milvus:loadBalancerCertificateArn": ""},
			want: []found{{"milvus:loadBalancerCertificateArn", "", "production-certificate"}}},
		{name: "open to every address", changes: map[string]string{"milvus:loadBalancerSourceRanges": `["203.0.113.0/24", "0.0.0.0/0"]`},
			want: []found{{"milvus:loadBalancerSourceRanges", "0.0.0.0/0", "production-open-endpoint"}}},
		{name: "API open to every address", changes: map[string]string{"milvus:clusterEndpointPublicCidrs": `["0.0.0.0/0"]`},
			want: []found{{"milvus:clusterEndpointPublicCidrs", "0.0.0.0/0", "production-open-api"}}},
		{name: "no control-plane logs", changes: map[string]string{"milvus:controlPlaneLogs": "false"},
			want: []found{{"milvus:controlPlaneLogs", "false", "production-logs"}}},
		{name: "authentication off on the internet", changes: map[string]string{"milvus:milvusAuthentication": "false"},
			want: []found{{"milvus:milvusAuthentication", "false", "authentication-exposed"}}},
		{name: "certificate in another region", changes: map[string]string{"milvus:loadBalancerCertificateArn": "arn:aws:acm:eu-west-1:111122223333:certificate/12345678-1234-1234-1234-123456789012"},
			want: []found{{"milvus:loadBalancerCertificateArn", "arn:aws:acm:eu-west-1:111122223333:certificate/12345678-1234-1234-1234-123456789012", "certificate-region"}}},
		{name: "not a certificate", changes: map[string]string{"milvus:loadBalancerCertificateArn": "arn:aws:iam::111122223333:server-certificate/milvus"},
			want: []found{{"milvus:loadBalancerCertificateArn", "arn:aws:iam::111122223333:server-certificate/milvus", "certificate-arn"}}},
		{name: "a session is no principal", changes: map[string]string{"milvus:clusterAdminArns": `["arn:aws:sts::111122223333:assumed-role/admin/alice"]`},
			want: []found{{"milvus:clusterAdminArns", "arn:aws:sts::111122223333:assumed-role/admin/alice", "principal-arn"}}},
		// An existing cluster's API is its owner's; its Milvus endpoint is this stack's.
		{name: "existing cluster, production", changes: map[string]string{
			"milvus:clusterMode": "existing", "milvus:existingClusterName": "platform",
			"milvus:clusterEndpointPublicCidrs": `["0.0.0.0/0"]`, "milvus:controlPlaneLogs": "false", "milvus:loadBalancerCertificateArn": ""},
			want: []found{{"milvus:loadBalancerCertificateArn", "", "production-certificate"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(valid(merge(production, tt.changes)), "prod")
			assertFound(t, tt.want, err)
		})
	}
}

// A stack that is not production may stay open, and is warned.
func TestWarnings(t *testing.T) {
	cfg, err := Load(valid(nil), "dev")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"Milvus' internet-facing load balancer has no TLS (loadBalancerCertificateArn): the root password crosses the internet in clear text",
		"Milvus' internet-facing load balancer admits every address (loadBalancerSourceRanges 0.0.0.0/0)",
	}, cfg.Warnings())

	cfg, err = Load(valid(map[string]string{"milvus:loadBalancerScheme": "internal"}), "dev")
	require.NoError(t, err)
	assert.Empty(t, cfg.Warnings())

	cfg, err = Load(valid(production), "prod")
	require.NoError(t, err)
	assert.Empty(t, cfg.Warnings())

	// Production allows the query pool on spot, and says what it costs.
	cfg, err = Load(valid(merge(production, map[string]string{"milvus:nodePools": `{"enabled": true, "query": {"spot": true}}`})), "prod")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"the query pool may use spot capacity in production (nodePools.query.spot): a reclaimed query node drops the segments it holds until another loads them, and searches miss them meanwhile",
	}, cfg.Warnings())
}

func TestAvailabilityZones(t *testing.T) {
	for _, tt := range []struct {
		zones string
		want  []found
	}{
		{`["us-east-2a", "us-east-2b", "us-east-2c"]`, nil},
		{`["us-east-2a", "us-east-2b"]`, []found{{"milvus:availabilityZones", "us-east-2a,us-east-2b", "zone-count"}}},
		{`["us-east-2a", "us-east-2a", "us-west-2c"]`, []found{
			{"milvus:availabilityZones", "us-east-2a", "zone-twice"},
			{"milvus:availabilityZones", "us-west-2c", "zone-region"}}},
		{`["us-east-2a", "us-east-2b", "use2-az3"]`, []found{{"milvus:availabilityZones", "use2-az3", "zone-name"}}},
	} {
		_, err := Load(valid(map[string]string{"milvus:availabilityZones": tt.zones}), "dev")
		assertFound(t, tt.want, err)
	}
}

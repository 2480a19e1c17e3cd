package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// production is a production stack that obeys every exposure rule; each
// case below breaks one.
var production = map[string]string{
	"milvus:production":                 "true",
	"milvus:loadBalancerCertificateArn": "arn:aws:acm:us-east-2:111122223333:certificate/12345678-1234-1234-1234-123456789012",
	"milvus:loadBalancerSourceRanges":   `["203.0.113.0/24"]`,
	"milvus:clusterEndpointPublicCidrs": `["198.51.100.0/24"]`,
	"milvus:controlPlaneLogs":           "true",
}

func TestExposureRules(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]string
		want    Problems
	}{
		{name: "production, closed", changes: nil},
		{name: "production, internal and open inside", changes: map[string]string{
			"milvus:loadBalancerScheme": "internal", "milvus:loadBalancerCertificateArn": "", "milvus:loadBalancerSourceRanges": `["0.0.0.0/0"]`}},
		{name: "production, public endpoint off", changes: map[string]string{"milvus:clusterEndpointPublicCidrs": `[]`}},
		{name: "no certificate", changes: map[string]string{"milvus:loadBalancerCertificateArn": ""},
			want: Problems{{Key: "milvus:loadBalancerCertificateArn", Rule: "is required in production (production: true) with an internet-facing load balancer: the root password would cross the internet in clear text; name an ACM certificate, or set loadBalancerScheme to internal"}}},
		{name: "open to every address", changes: map[string]string{"milvus:loadBalancerSourceRanges": `["203.0.113.0/24", "0.0.0.0/0"]`},
			want: Problems{{Key: "milvus:loadBalancerSourceRanges", Value: "0.0.0.0/0", Rule: "must not admit every address in production (production: true) with an internet-facing load balancer: list the clients' CIDR blocks, or set loadBalancerScheme to internal"}}},
		{name: "API open to every address", changes: map[string]string{"milvus:clusterEndpointPublicCidrs": `["0.0.0.0/0"]`},
			want: Problems{{Key: "milvus:clusterEndpointPublicCidrs", Value: "0.0.0.0/0", Rule: "must not admit every address in production (production: true): list the CIDR blocks of the deployers and CI, or set it to [] to turn the public endpoint off"}}},
		{name: "no control-plane logs", changes: map[string]string{"milvus:controlPlaneLogs": "false"},
			want: Problems{{Key: "milvus:controlPlaneLogs", Value: "false", Rule: "must be true in production (production: true): the audit log is the record of who did what to the cluster"}}},
		{name: "authentication off on the internet", changes: map[string]string{"milvus:milvusAuthentication": "false"},
			want: Problems{{Key: "milvus:milvusAuthentication", Value: "false", Rule: "may be off only behind an internal load balancer (loadBalancerScheme: internal)"}}},
		{name: "certificate in another region", changes: map[string]string{"milvus:loadBalancerCertificateArn": "arn:aws:acm:eu-west-1:111122223333:certificate/12345678-1234-1234-1234-123456789012"},
			want: Problems{{Key: "milvus:loadBalancerCertificateArn", Value: "arn:aws:acm:eu-west-1:111122223333:certificate/12345678-1234-1234-1234-123456789012", Rule: "the certificate must be in the load balancer's region, us-east-2"}}},
		{name: "not a certificate", changes: map[string]string{"milvus:loadBalancerCertificateArn": "arn:aws:iam::111122223333:server-certificate/milvus"},
			want: Problems{{Key: "milvus:loadBalancerCertificateArn", Value: "arn:aws:iam::111122223333:server-certificate/milvus", Rule: "must be the ARN of an ACM certificate, such as arn:aws:acm:us-east-2:111122223333:certificate/12345678-1234-1234-1234-123456789012"}}},
		{name: "a session is no principal", changes: map[string]string{"milvus:clusterAdminArns": `["arn:aws:sts::111122223333:assumed-role/admin/alice"]`},
			want: Problems{{Key: "milvus:clusterAdminArns", Value: "arn:aws:sts::111122223333:assumed-role/admin/alice", Rule: "must be the ARN of an IAM role or user, such as arn:aws:iam::111122223333:role/platform-admin (not an assumed-role session)"}}},
		// An existing cluster's API is its owner's; its Milvus endpoint is this stack's.
		{name: "existing cluster, production", changes: map[string]string{
			"milvus:clusterMode": "existing", "milvus:existingClusterName": "platform",
			"milvus:clusterEndpointPublicCidrs": `["0.0.0.0/0"]`, "milvus:controlPlaneLogs": "false", "milvus:loadBalancerCertificateArn": ""},
			want: Problems{{Key: "milvus:loadBalancerCertificateArn", Rule: "is required in production (production: true) with an internet-facing load balancer: the root password would cross the internet in clear text; name an ACM certificate, or set loadBalancerScheme to internal"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(valid(merge(production, tt.changes)), "prod")
			assertProblems(t, tt.want, err)
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
}

func TestAvailabilityZones(t *testing.T) {
	for _, tt := range []struct {
		zones string
		want  Problems
	}{
		{`["us-east-2a", "us-east-2b", "us-east-2c"]`, nil},
		{`["us-east-2a", "us-east-2b"]`, Problems{{Key: "milvus:availabilityZones", Value: "us-east-2a,us-east-2b", Rule: "must name exactly 3 zones, one per subnet pair of the VPC, or none for the region's default ones"}}},
		{`["us-east-2a", "us-east-2a", "us-west-2c"]`, Problems{
			{Key: "milvus:availabilityZones", Value: "us-east-2a", Rule: "is named twice"},
			{Key: "milvus:availabilityZones", Value: "us-west-2c", Rule: "is not a zone of us-east-2"}}},
		{`["us-east-2a", "us-east-2b", "use2-az3"]`, Problems{{Key: "milvus:availabilityZones", Value: "use2-az3", Rule: "must be an availability zone name such as us-east-2a"}}},
	} {
		_, err := Load(valid(map[string]string{"milvus:availabilityZones": tt.zones}), "dev")
		if tt.want == nil {
			assert.NoError(t, err, tt.zones)
			continue
		}
		var problems Problems
		require.True(t, errors.As(err, &problems), "%s: error %v is not Problems", tt.zones, err)
		assert.Equal(t, tt.want, problems, tt.zones)
	}
}

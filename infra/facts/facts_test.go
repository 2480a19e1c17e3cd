package facts

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPartitionNames(t *testing.T) {
	for _, tt := range []struct{ region, partition, dnsSuffix, servicePrefix string }{
		{"us-east-2", "aws", "amazonaws.com", "com.amazonaws"},
		{"eu-central-1", "aws", "amazonaws.com", "com.amazonaws"},
		{"cn-north-1", "aws-cn", "amazonaws.com.cn", "cn.com.amazonaws"},
		{"us-gov-west-1", "aws-us-gov", "amazonaws.com", "com.amazonaws"},
	} {
		assert.Equal(t, tt.partition, Partition(tt.region), tt.region)
		assert.Equal(t, tt.dnsSuffix, DNSSuffix(tt.region), tt.region)
		assert.Equal(t, tt.servicePrefix, ServicePrefix(tt.region), tt.region)
	}
	for region, partition := range map[string]string{
		"us-iso-east-1":   "aws-iso",
		"us-isob-east-1":  "aws-iso-b",
		"eu-isoe-west-1":  "aws-iso-e",
		"us-isof-south-1": "aws-iso-f",
	} {
		assert.Equal(t, partition, Partition(region), region)
	}
}

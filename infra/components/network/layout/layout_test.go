package layout

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlan(t *testing.T) {
	tests := []struct {
		cidr  string
		zones int
		want  Layout
	}{
		{"10.0.0.0/16", 3, Layout{
			Private: []string{"10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"},
			Public:  []string{"10.0.96.0/22", "10.0.100.0/22", "10.0.104.0/22"},
		}},
		{"172.20.0.0/20", 2, Layout{
			Private: []string{"172.20.0.0/23", "172.20.2.0/23"},
			Public:  []string{"172.20.4.0/26", "172.20.4.64/26"},
		}},
		{"10.1.0.0/16", 1, Layout{Private: []string{"10.1.0.0/19"}, Public: []string{"10.1.32.0/22"}}},
	}
	for _, tt := range tests {
		got, err := Plan(tt.cidr, tt.zones)
		require.NoError(t, err, tt.cidr)
		assert.Equal(t, tt.want, got, tt.cidr)
	}
}

func TestPlanRejects(t *testing.T) {
	tests := []struct {
		cidr  string
		zones int
		want  string
	}{
		{"10.0.0.0", 3, `vpc CIDR "10.0.0.0" is not an IPv4 CIDR block`},
		{"fd00::/56", 3, `vpc CIDR "fd00::/56" is not an IPv4 CIDR block`},
		{"10.0.0.1/16", 3, `vpc CIDR "10.0.0.1/16" has host bits set`},
		{"10.0.0.0/16", 0, "0 availability zones: the layout supports 1 to 7"},
		{"10.0.0.0/16", 8, "8 availability zones: the layout supports 1 to 7"},
		{"10.0.0.0/24", 3, `vpc CIDR "10.0.0.0/24" is too small: public subnets would be smaller than /28`},
	}
	for _, tt := range tests {
		_, err := Plan(tt.cidr, tt.zones)
		assert.EqualError(t, err, tt.want, tt.cidr)
	}
}

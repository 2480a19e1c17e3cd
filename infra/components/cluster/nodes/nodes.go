// Package nodes holds what the cluster's nodes are made of, as plain
// values: the launch template's instance metadata options and root volume.
// cmd/verify checks a live stack against the same values.
package nodes

// The nodes' instance metadata service answers only IMDSv2 requests, whose
// token response travels one network hop: a pod, one hop further behind
// its own network namespace, gets no token and so no node credentials, and
// reaches AWS only through IRSA. (pulumi-eks' enableIMDSv2 sets a hop limit
// of 2, which pods reach; hence a launch template of the project's own.)
const (
	MetadataHTTPTokens = "required"
	MetadataHopLimit   = 1
)

// The root volume: encrypted gp3 on Amazon Linux 2023's root device.
const (
	RootDevice     = "/dev/xvda"
	RootVolumeType = "gp3"
)

package s3policy

import "github.com/milvus-eks/milvus-eks/infra/iampolicy"

// What S3 replication needs of the role it assumes, from the S3 User
// Guide ("Setting up permissions for live replication"): read the source's
// replication configuration and list it; read each object version with its
// ACL and tags; and replicate objects, deletions and tags into the
// destination. Nothing else: the role cannot read the destination, nor
// write the source.
var (
	ReplicationSourceBucketActions = []string{"s3:GetReplicationConfiguration", "s3:ListBucket"}
	ReplicationSourceObjectActions = []string{"s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"}
	ReplicationTargetObjectActions = []string{"s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"}
)

// ReplicationTrust lets S3 assume the replication role.
func ReplicationTrust() iampolicy.Document { return iampolicy.ServiceTrust("s3.amazonaws.com") }

// ReplicationAccess is the replication role's policy: the objects under
// prefix in source, copied to destination.
func ReplicationAccess(sourceArn, destinationArn, prefix string) iampolicy.Document {
	return iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{
			{Sid: "ReadReplicationConfiguration", Effect: "Allow", Action: ReplicationSourceBucketActions, Resource: []string{sourceArn}},
			{Sid: "ReadSourceVersions", Effect: "Allow", Action: ReplicationSourceObjectActions, Resource: []string{objectsUnder(sourceArn, prefix)}},
			{Sid: "ReplicateIntoDestination", Effect: "Allow", Action: ReplicationTargetObjectActions, Resource: []string{objectsUnder(destinationArn, prefix)}},
		},
	}
}

package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

func TestDependencies(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		release := d.one(t, typeRelease, "milvus")
		for _, dep := range []*mockcloud.Resource{d.one(t, typeServiceAccount, "milvus"), d.one(t, typeNamespace, "milvus"), d.only(t, typeNodeGroup), d.one(t, typeBucket, "storage")} {
			assert.True(t, release.DependsOn(dep), "%s: the release waits for %s %s", name, dep.Type, dep.Name)
		}
		// The ServiceAccount's annotation waits for the role and its policy.
		sa := d.one(t, typeServiceAccount, "milvus")
		assert.True(t, sa.DependsOn(d.one(t, typeRole, "milvus-s3")), name)
		assert.True(t, sa.DependsOn(d.one(t, typeAttachment, "milvus-s3-s3")), name)

		// The roles trust the cluster's IAM OIDC provider, which the
		// stack declares itself and which waits for EKS' issuer.
		oidc := d.only(t, typeOIDCProvider)
		assert.True(t, oidc.DependsOn(d.standIn(t, "aws:eks/cluster:Cluster")), "%s: the OIDC provider waits for the cluster's issuer", name)
		for _, r := range d.Of(typeRole) {
			// The node roles are the instances' (EC2's trust), not IRSA's.
			if r.Name != "cluster-node" && r.Name != "karpenter-node" {
				assert.True(t, r.DependsOn(oidc), "%s: the role %s waits for the OIDC provider", name, r.Name)
			}
		}

		acl := d.one(t, typeACL, "storage")
		assert.True(t, acl.DependsOn(d.one(t, typeOwnership, "storage")), "%s: the ACL waits for the ownership controls", name)

		// Storage and network do not wait on the cluster: they are built in
		// parallel with it.
		cluster := d.only(t, typeEKSCluster)
		for _, typ := range []string{typeBucket, typeOwnership, typeACL, typePolicy, typeVpc, typeSubnet, typeNatGateway, typeRouteTable} {
			for _, r := range d.Of(typ) {
				assert.False(t, r.DependsOn(cluster), "%s: %s %s waits for the cluster", name, r.Type, r.Name)
				for _, dep := range r.Dependencies {
					assert.NotContains(t, dep, "eks:index", "%s: %s %s depends on %s", name, r.Type, r.Name, dep)
				}
			}
		}
	}

}

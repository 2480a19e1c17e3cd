package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

const bucketArn = "arn:aws:s3:::" + generatedBucketName

// bucketsOf are a stack's buckets, by the name of the storage component
// that declares each (and its settings): Milvus', and in prod the
// backups'.
var bucketsOf = map[string]map[string]string{
	"dev":  {"storage": generatedBucketName},
	"prod": {"storage": generatedBucketName, "backup-bucket": "milvus-backups-" + mockcloud.BucketSuffix},
}

func TestBucketIsClosedToThePublic(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		require.Len(t, d.Of(typePublicAccessBlock), len(bucketsOf[name]), name)
		for component, bucket := range bucketsOf[name] {
			assert.Equal(t, map[string]any{
				"bucket":                bucket,
				"blockPublicAcls":       true,
				"ignorePublicAcls":      true,
				"blockPublicPolicy":     true,
				"restrictPublicBuckets": true,
			}, mockcloud.Plain(d.one(t, typePublicAccessBlock, component).Input()), name)
		}
	}
}

func TestBucketRefusesRequestsWithoutTLS(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		require.Len(t, d.Of(typeBucketPolicy), len(bucketsOf[name]), name)
		for component, bucket := range bucketsOf[name] {
			policy := d.one(t, typeBucketPolicy, component)
			arn := "arn:aws:s3:::" + bucket
			assert.Equal(t, bucket, policy.Input("bucket").StringValue(), name)
			assert.JSONEq(t, `{"Version": "2012-10-17", "Statement": [{
			  "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": ["s3:*"],
			  "Resource": ["`+arn+`", "`+arn+`/*"],
			  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}`,
				policy.Input("policy").StringValue(), name)
		}
	}
}

func TestBucketEncryption(t *testing.T) {
	const key = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	tests := []struct {
		name         string
		deployment   func(t *testing.T) *deployment
		rule         map[string]any
		policyOnKeys bool
	}{
		{"SSE-S3 by default", func(t *testing.T) *deployment { return deploy(t, "prod") },
			map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}, false},
		{"SSE-KMS with a key from config", func(t *testing.T) *deployment {
			return deployWith(t, "prod", stackConfig(t, "prod", map[string]string{"milvus:bucketKmsKeyArn": key}))
		}, map[string]any{
			"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key},
			"bucketKeyEnabled":                   true,
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.deployment(t)
			// The backups' bucket is encrypted as Milvus' is.
			for component := range bucketsOf["prod"] {
				assert.Equal(t, []any{tt.rule}, mockcloud.Plain(d.one(t, typeEncryption, component).Input("rules")), component)
			}

			// With KMS, Milvus' role may use the key, and only that key.
			policy := d.one(t, typePolicy, "storage-access").Input("policy").StringValue()
			if tt.policyOnKeys {
				assert.Contains(t, policy, `{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":["`+key+`"]}`)
			} else {
				assert.NotContains(t, policy, "kms:")
			}
		})
	}
}

func TestBucketLifecycleAndVersioning(t *testing.T) {
	abortUploads := map[string]any{
		"id": "abort-incomplete-multipart-uploads", "status": "Enabled", "filter": map[string]any{},
		"abortIncompleteMultipartUpload": map[string]any{"daysAfterInitiation": float64(7)},
	}
	expireVersions := map[string]any{
		"id": "expire-noncurrent-versions", "status": "Enabled", "filter": map[string]any{},
		"noncurrentVersionExpiration": map[string]any{"noncurrentDays": float64(30)},
		"expiration":                  map[string]any{"expiredObjectDeleteMarker": true},
	}
	want := map[string][]any{
		"dev":  {abortUploads},
		"prod": {abortUploads, expireVersions},
	}
	for _, name := range stacks {
		d := deploy(t, name)
		lifecycle := d.one(t, typeLifecycle, "storage")
		assert.Equal(t, want[name], mockcloud.Plain(lifecycle.Input("rules")), name)

		versioning := d.Named(typeVersioning, "storage")
		if name == "dev" {
			assert.Empty(t, d.Of(typeVersioning), "dev keeps no old versions")
			continue
		}
		require.Len(t, versioning, 1)
		assert.Equal(t, map[string]any{"status": "Enabled"}, mockcloud.Plain(versioning[0].Input("versioningConfiguration")))
		assert.True(t, lifecycle.DependsOn(versioning[0]), "the lifecycle waits for versioning")

		// The backups' bucket is always versioned, its old versions
		// expiring as Milvus' do.
		backups := d.one(t, typeLifecycle, "backup-bucket")
		assert.Equal(t, []any{abortUploads, expireVersions}, mockcloud.Plain(backups.Input("rules")))
		assert.True(t, backups.DependsOn(d.one(t, typeVersioning, "backup-bucket")))
	}
}

// What `pulumi destroy` does to the data: prod's bucket is protected and left
// in AWS; dev's is emptied and deleted.
func TestBucketProtection(t *testing.T) {
	want := map[string]struct{ protect, retain, forceDestroy bool }{
		"dev":  {false, false, true},
		"prod": {true, true, false},
	}
	for _, name := range stacks {
		d := deploy(t, name)
		w := want[name]
		for component := range bucketsOf[name] {
			bucket := d.one(t, typeBucket, component)
			assert.Equal(t, w.protect, bucket.Protect, "%s: %s protect", name, component)
			assert.Equal(t, w.retain, bucket.RetainOnDelete, "%s: %s retainOnDelete", name, component)
			assert.Equal(t, w.forceDestroy, bucket.Input("forceDestroy").BoolValue(), "%s: %s forceDestroy", name, component)
		}

		// A bucket left behind keeps its settings.
		for _, typ := range []string{typePublicAccessBlock, typeEncryption, typeBucketPolicy, typeLifecycle, typeVersioning, typeOwnership, typeACL} {
			for _, r := range d.Of(typ) {
				assert.Equal(t, w.retain, r.RetainOnDelete, "%s: %s retainOnDelete", name, typ)
				assert.False(t, r.Protect, "%s: %s is not protected itself", name, typ)
			}
		}
		assert.False(t, d.one(t, typePolicy, "storage-access").RetainOnDelete, "%s: the access policy goes with the stack", name)
	}
}

// Production protects what holds Milvus' metadata, or reaches it: the
// cluster, the namespace whose deletion would delete etcd's claims, the
// release; and its class keeps released volumes. Nothing else is protected
// but the buckets, Milvus' and the backups'.
func TestProductionStateProtection(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		prod := name == "prod"
		var protected []string
		for _, r := range d.Resources {
			if r.Protect {
				protected = append(protected, r.Type)
			}
		}
		want := []string{}
		if prod {
			want = []string{typeBucket, typeBucket, typeEKSCluster, typeNamespace, typeRelease}
		}
		assert.ElementsMatch(t, want, protected, name)
		assert.Equal(t, map[bool]string{true: "Retain", false: "Delete"}[prod], d.only(t, typeStorageClass).Input("reclaimPolicy").StringValue(), name)
	}
}

// S3 refuses a bucket policy while the same bucket's public access block
// changes.
func TestBucketPolicyWaitsForThePublicAccessBlock(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		for component := range bucketsOf[name] {
			assert.True(t, d.one(t, typeBucketPolicy, component).DependsOn(d.one(t, typePublicAccessBlock, component)), "%s: %s", name, component)
		}
	}
}

// Milvus asks for a password: dev's is generated and kept in the state,
// prod's comes from the deployer's secret config. Either way it reaches the
// chart only through a Kubernetes Secret, and leaves the stack only as a
// secret output.
func TestRootPassword(t *testing.T) {
	want := map[string]string{"dev": mockcloud.GeneratedPassword, "prod": testRootPassword}
	for _, name := range stacks {
		d := deploy(t, name)
		secret := d.only(t, typeSecret)
		assert.Equal(t, map[string]any{"name": "milvus-root-password", "namespace": "milvus"}, mockcloud.Plain(secret.Input("metadata")), name)
		assert.True(t, secret.Input("stringData").IsSecret() || secret.Input("stringData", "password").IsSecret(), "%s: the Secret's data is a Pulumi secret", name)
		assert.Equal(t, map[string]any{"password": want[name]}, mockcloud.Plain(secret.Input("stringData")), name)
		assert.Equal(t, mockcloud.Secret{Value: want[name]}, d.Outputs["milvusRootPassword"], name)

		generators := d.Of(typeRandomPassword)
		if name == "dev" {
			require.Len(t, generators, 1)
			assert.Equal(t, map[string]any{"length": float64(32), "special": false}, mockcloud.Plain(generators[0].Input()))
		} else {
			assert.Empty(t, generators, "prod's password is the deployer's")
		}
	}
}

// Every output that carries a credential is a secret, and only those.
func TestCredentialOutputsAreSecret(t *testing.T) {
	credentials := map[string]bool{"kubeconfig": true, "milvusRootPassword": true}
	for _, name := range stacks {
		for output, value := range deploy(t, name).Outputs {
			_, secret := value.(mockcloud.Secret)
			assert.Equal(t, credentials[output], secret, "%s: output %s secret", name, output)
		}
	}
}

func TestLoadBalancerSourceRangesAndScheme(t *testing.T) {
	d := deployWith(t, "prod", stackConfig(t, "prod", map[string]string{
		"milvus:loadBalancerScheme":       "internal",
		"milvus:loadBalancerSourceRanges": `["10.0.0.0/16","192.168.0.0/24"]`,
	}))
	service := d.one(t, typeService, "milvus-endpoint")
	assert.Equal(t, []any{"10.0.0.0/16", "192.168.0.0/24"}, mockcloud.Plain(service.Input("spec", "loadBalancerSourceRanges")))
	assert.Equal(t, "internal", service.Input("metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-scheme").StringValue())
}

// Only Milvus' port reaches a load balancer: the chart's Service, which
// carries 9091 (metrics, pprof, the WebUI) with metrics on, stays inside the
// cluster, and no other Service of the stack is a LoadBalancer.
func TestOnlyMilvusPortOnTheLoadBalancer(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		var ports []any
		for _, svc := range d.Of(typeService) {
			if svc.Input("spec", "type").StringValue() == "LoadBalancer" {
				for _, p := range mockcloud.Plain(svc.Input("spec", "ports")).([]any) {
					ports = append(ports, p.(map[string]any)["port"])
				}
			}
		}
		assert.Equal(t, []any{float64(19530)}, ports, name)
		release := d.one(t, typeRelease, "milvus")
		assert.Equal(t, "ClusterIP", release.Input("values", "service", "type").StringValue(), name)
		assert.True(t, release.Input("values", "metrics").IsNull(), "%s: metrics stay at the chart's default (on), inside the cluster", name)
	}
}

// Behind an internal load balancer, authentication may be switched off; then
// there is no password anywhere.
func TestAuthenticationOff(t *testing.T) {
	d := deployWith(t, "dev", stackConfig(t, "dev", map[string]string{
		"milvus:loadBalancerScheme":   "internal",
		"milvus:milvusAuthentication": "false",
	}))
	values := mockcloud.Plain(d.one(t, typeRelease, "milvus").Input("values")).(map[string]any)
	assert.Equal(t, map[string]any{"user.yaml": "common:\n  security:\n    authorizationEnabled: false\n"}, values["extraConfigFiles"])
	assert.NotContains(t, values["mixCoordinator"], "extraEnv")
	assert.Empty(t, d.Of(typeSecret))
	assert.Empty(t, d.Of(typeRandomPassword))
	assert.NotContains(t, d.Outputs, "milvusRootPassword")
}

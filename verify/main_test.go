package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func runVerify(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := run(args, &out, &errs)
	return code, out.String(), errs.String()
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"-stack", "dev", "-outputs", "o.json"}, {"-stack", "dev", "extra"}} {
		code, stdout, stderr := runVerify(t, args...)
		assert.Equal(t, exitUsage, code, args)
		assert.Empty(t, stdout)
		assert.True(t, strings.HasPrefix(stderr, "Usage: go -C verify run . (-stack <name> | -outputs FILE)"), stderr)
	}
}

func TestOutputsWithHiddenSecrets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outputs.json")
	assert.NoError(t, os.WriteFile(path, []byte(`{"region":"us-east-2","kubeconfig":"[secret]"}`), 0o600))
	code, _, stderr := runVerify(t, "-outputs", path)
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "verify: the stack outputs hide their secrets: export them with `pulumi stack output --json --show-secrets`\n", stderr)
}

// Without credentials the command says so before any check runs.
func TestNoCredentials(t *testing.T) {
	for key, value := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
	} {
		t.Setenv(key, value)
	}
	path := filepath.Join(t.TempDir(), "outputs.json")
	assert.NoError(t, os.WriteFile(path, []byte(`{
	  "region": "us-east-2", "clusterName": "milvus-dev", "kubeconfig": "{}",
	  "oidcProviderArn": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-2.amazonaws.com/id/X",
	  "oidcIssuer": "https://oidc.eks.us-east-2.amazonaws.com/id/X",
	  "bucketName": "b", "bucketArn": "arn:aws:s3:::b", "s3PolicyArn": "arn:aws:iam::111122223333:policy/p",
	  "milvusRoleArn": "arn:aws:iam::111122223333:role/r", "milvusNamespace": "milvus",
	  "milvusServiceAccount": "milvus-s3-access-sa", "milvusEndpoint": "h:19530"}`), 0o600))
	code, stdout, stderr := runVerify(t, "-outputs", path)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.True(t, strings.HasPrefix(stderr, "verify: no AWS credentials for the stack's account: set AWS_PROFILE (and run `aws sso login` if it uses SSO) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: "), stderr)
}

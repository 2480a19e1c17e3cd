package preflight

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/config"
)

const (
	certArn = "arn:aws:acm:us-east-2:111122223333:certificate/12345678-1234-1234-1234-123456789012"
	caller  = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice"
)

// account is the AWS account and the machine as the fakes serve them;
// ready() passes every check.
type account struct {
	tools        map[string]string // command: output; absent means not found
	noCredential bool
	quotas       map[string]float64
	addresses    int
	roles, users map[string]string // name: ARN
	cert         *acmtypes.CertificateDetail
}

func ready() *account {
	return &account{
		tools: map[string]string{
			"pulumi":  "v3.274.1\n",
			"kubectl": `{"clientVersion":{"major":"1","minor":"34","gitVersion":"v1.34.2"}}`,
			"aws":     "aws-cli/2.17.0 Python/3.11.9 Linux/6.1 exe/x86_64\n",
		},
		quotas: map[string]float64{VCPUQuotaCode: 128, ElasticIPsQuotaCode: 5},
		roles: map[string]string{
			"milvus-eks-prod-deploy":  "arn:aws:iam::111122223333:role/milvus-eks-prod-deploy",
			"milvus-eks-prod-preview": "arn:aws:iam::111122223333:role/milvus-eks-prod-preview",
		},
		cert: &acmtypes.CertificateDetail{Status: acmtypes.CertificateStatusIssued, DomainName: aws.String("*.example.com")},
	}
}

// prod is the shipped prod stack's configuration, as the checks read it:
// three NAT gateways, 3 × m6i.4xlarge (48 vCPU), a deploy and a
// preview role, a certificate for milvus.example.com.
func prod(t *testing.T) config.Config {
	t.Helper()
	cfg, err := config.Load(config.Settings{Values: map[string]string{
		"aws:region":                        "us-east-2",
		"milvus:production":                 "true",
		"milvus:clusterAdminArns":           `["arn:aws:iam::111122223333:role/milvus-eks-prod-deploy"]`,
		"milvus:clusterViewerArns":          `["arn:aws:iam::111122223333:role/milvus-eks-prod-preview"]`,
		"milvus:clusterEndpointPublicCidrs": `["198.51.100.0/24"]`,
		"milvus:controlPlaneLogs":           "true",
		"milvus:natGateways":                "perAz",
		"milvus:nodeInstanceTypes":          `["m6i.4xlarge"]`,
		"milvus:nodeMinSize":                "3",
		"milvus:nodeDesiredSize":            "3",
		"milvus:loadBalancerCertificateArn": certArn,
		"milvus:milvusDnsName":              "milvus.example.com",
		"milvus:loadBalancerSourceRanges":   `["203.0.113.0/24"]`,
		"milvus:milvusGenerateRootPassword": "true",
	}, Secret: map[string]bool{}}, "prod")
	require.NoError(t, err)
	return cfg
}

func (a *account) clients() Clients {
	return Clients{STS: fakeSTS{a}, Quotas: fakeQuotas{a}, EC2: fakeEC2{a}, IAM: fakeIAM{a}, ACM: fakeACM{a},
		Tools: func(_ context.Context, name string, _ ...string) (string, error) {
			out, ok := a.tools[name]
			if !ok {
				return "", fmt.Errorf("exec: %q: executable file not found in $PATH", name)
			}
			return out, nil
		}}
}

// failures runs every check and returns the failed ones, by check.
func (a *account) failures(t *testing.T, cfg config.Config) map[string]string {
	t.Helper()
	failed := map[string]string{}
	for _, r := range Run(context.Background(), a.clients(), cfg, "3.274.1") {
		if !r.Passed {
			failed[r.Check] = r.Found
		}
	}
	return failed
}

func TestAReadyAccountPasses(t *testing.T) {
	var lines []string
	for _, r := range Run(context.Background(), ready().clients(), prod(t), "3.274.1") {
		lines = append(lines, r.String())
	}
	assert.Equal(t, []string{
		"PASS  the pulumi command: expected version 3.274.1 or later; found version 3.274.1",
		"PASS  the kubectl command: expected version 1.24.0 or later; found version 1.34.2",
		"PASS  the aws command: expected version 2.7.0 or later; found version 2.17.0",
		"PASS  AWS credentials: expected a caller identity; found " + caller + " in account 111122223333",
		"PASS  the EC2 quota of On-Demand standard vCPUs (L-1216C47A): expected at least 48, for nodeDesiredSize 3 × m6i.4xlarge; found 128 (instances already running in the account count against it too)",
		"PASS  Elastic IP addresses (L-0263D0A3): expected room for 3, one per NAT gateway; found 5 free (quota 5, 0 in use)",
		"PASS  the access-entry principal arn:aws:iam::111122223333:role/milvus-eks-prod-deploy: expected an IAM role or user of that exact ARN; found it exists",
		"PASS  the access-entry principal arn:aws:iam::111122223333:role/milvus-eks-prod-preview: expected an IAM role or user of that exact ARN; found it exists",
		"PASS  the load balancer's certificate " + certArn + ": expected issued, for milvus.example.com; found issued, for *.example.com",
	}, lines)
}

// Each way a first deploy would fail is found, with its fix.
func TestEachWayAFirstDeployWouldFail(t *testing.T) {
	const (
		previewCheck = "the access-entry principal arn:aws:iam::111122223333:role/milvus-eks-prod-preview"
		certCheck    = "the load balancer's certificate " + certArn
	)
	tests := []struct {
		name   string
		breaks func(*account)
		want   map[string]string
	}{
		{"no kubectl", func(a *account) { delete(a.tools, "kubectl") }, map[string]string{
			"the kubectl command": `not found (exec: "kubectl": executable file not found in $PATH): install it, https://kubernetes.io/docs/tasks/tools/`}},
		{"an old kubectl", func(a *account) { a.tools["kubectl"] = `{"clientVersion":{"gitVersion":"v1.23.17"}}` }, map[string]string{
			"the kubectl command": "version 1.23.17: upgrade it, https://kubernetes.io/docs/tasks/tools/"}},
		{"AWS CLI v1", func(a *account) { a.tools["aws"] = "aws-cli/1.45.11 Python/3.11.2 Linux/6.1 botocore/1.40.11" }, map[string]string{
			"the aws command": "version 1.45.11: upgrade it, https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"}},
		{"an old Pulumi CLI", func(a *account) { a.tools["pulumi"] = "v3.180.0" }, map[string]string{
			"the pulumi command": "version 3.180.0: upgrade it, https://www.pulumi.com/docs/install/"}},
		{"no credentials", func(a *account) { a.noCredential = true }, map[string]string{
			"AWS credentials": "none (no credentials): set AWS_PROFILE (and run `aws sso login` for an SSO profile) or the AWS_* variables"}},
		{"a new account's vCPU quota", func(a *account) { a.quotas[VCPUQuotaCode] = 32 }, map[string]string{
			"the EC2 quota of On-Demand standard vCPUs (L-1216C47A)": "32: the nodes would stop growing, or never start; request 48 with `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A --desired-value 48` (instances already running in the account count against it too)"}},
		{"the Elastic IPs in use", func(a *account) { a.addresses = 3 }, map[string]string{
			"Elastic IP addresses (L-0263D0A3)": "2 free (quota 5, 3 in use): release unused addresses, or request 6 with `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3 --desired-value 6`"}},
		{"a principal that does not exist", func(a *account) { delete(a.roles, "milvus-eks-prod-preview") }, map[string]string{
			previewCheck: "no role named milvus-eks-prod-preview: create it, or replace the ARN in the stack file (clusterAdminArns, clusterViewerArns)"}},
		{"a role named without its path", func(a *account) {
			a.roles["milvus-eks-prod-preview"] = "arn:aws:iam::111122223333:role/ci/milvus-eks-prod-preview"
		}, map[string]string{
			previewCheck: "its ARN is arn:aws:iam::111122223333:role/ci/milvus-eks-prod-preview: write it so in the stack file, path included, or EKS refuses it"}},
		{"a certificate waiting for validation", func(a *account) { a.cert.Status = acmtypes.CertificateStatusPendingValidation }, map[string]string{
			certCheck: "status PENDING_VALIDATION: complete its validation (the DNS records ACM asks for) before the first `pulumi up`"}},
		{"a certificate for another name", func(a *account) { a.cert.DomainName = aws.String("api.example.org") }, map[string]string{
			certCheck: "issued for api.example.org only: clients would refuse it for milvus.example.com; request one that covers it, or set milvusDnsName to a name it covers"}},
		{"a certificate of another region", func(a *account) { a.cert = nil }, map[string]string{
			certCheck: "it cannot be read in us-east-2 (ResourceNotFoundException: no such certificate): request or import it in ACM in the stack's region"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ready()
			tt.breaks(a)
			assert.Equal(t, tt.want, a.failures(t, prod(t)))
		})
	}
}

// A principal of another account than the caller's, such as the stack
// files' documentation account in a real one, is found out.
func TestAPrincipalOfAnotherAccountIsFound(t *testing.T) {
	a := ready()
	cfg := prod(t)
	cfg.ControlPlane.Viewers = []string{"arn:aws:iam::444455556666:role/milvus-eks-prod-preview"}
	assert.Equal(t, map[string]string{
		"the access-entry principal arn:aws:iam::444455556666:role/milvus-eks-prod-preview": "in account 444455556666, not the caller's 111122223333: list a principal of account 111122223333 (the stack files ship with AWS' documentation account, 111122223333), or deploy with credentials for account 444455556666",
	}, a.failures(t, cfg))
}

func TestVersionsAndNames(t *testing.T) {
	for _, tt := range []struct {
		version, minimum string
		ok               bool
	}{
		{"1.34.2", "1.24.0", true}, {"1.24.0", "1.24.0", true}, {"1.23.17", "1.24.0", false},
		{"1.32.4-dispatcher", "1.24.0", true}, {"3.274.1", "3.274.1", true}, {"3.99.0", "3.274.1", false}, {"", "1.0.0", false},
	} {
		assert.Equal(t, tt.ok, AtLeast(tt.version, tt.minimum), "%s ≥ %s", tt.version, tt.minimum)
	}
	for _, tt := range []struct {
		cert, host string
		ok         bool
	}{
		{"milvus.example.com", "milvus.example.com", true}, {"*.example.com", "milvus.example.com", true},
		{"*.example.com", "a.milvus.example.com", false}, {"*.example.com", "example.com", false}, {"Milvus.Example.com", "milvus.example.com", true},
	} {
		assert.Equal(t, tt.ok, Covers(tt.cert, tt.host), "%s covers %s", tt.cert, tt.host)
	}
}

type fakeSTS struct{ a *account }

func (f fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	if f.a.noCredential {
		return nil, errors.New("no credentials")
	}
	return &sts.GetCallerIdentityOutput{Arn: aws.String(caller), Account: aws.String("111122223333")}, nil
}

type fakeQuotas struct{ a *account }

func (f fakeQuotas) GetServiceQuota(_ context.Context, in *servicequotas.GetServiceQuotaInput, _ ...func(*servicequotas.Options)) (*servicequotas.GetServiceQuotaOutput, error) {
	v, ok := f.a.quotas[aws.ToString(in.QuotaCode)]
	if !ok || aws.ToString(in.ServiceCode) != "ec2" {
		return nil, fmt.Errorf("NoSuchResourceException: %s", aws.ToString(in.QuotaCode))
	}
	return &servicequotas.GetServiceQuotaOutput{Quota: &sqtypes.ServiceQuota{Value: aws.Float64(v)}}, nil
}

type fakeEC2 struct{ a *account }

func (f fakeEC2) DescribeAddresses(context.Context, *ec2.DescribeAddressesInput, ...func(*ec2.Options)) (*ec2.DescribeAddressesOutput, error) {
	return &ec2.DescribeAddressesOutput{Addresses: make([]ec2types.Address, f.a.addresses)}, nil
}

type fakeIAM struct{ a *account }

func (f fakeIAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	arn, ok := f.a.roles[aws.ToString(in.RoleName)]
	if !ok {
		return nil, fmt.Errorf("NoSuchEntity: role %s", aws.ToString(in.RoleName))
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{Arn: aws.String(arn)}}, nil
}

func (f fakeIAM) GetUser(_ context.Context, in *iam.GetUserInput, _ ...func(*iam.Options)) (*iam.GetUserOutput, error) {
	arn, ok := f.a.users[aws.ToString(in.UserName)]
	if !ok {
		return nil, fmt.Errorf("NoSuchEntity: user %s", aws.ToString(in.UserName))
	}
	return &iam.GetUserOutput{User: &iamtypes.User{Arn: aws.String(arn)}}, nil
}

type fakeACM struct{ a *account }

func (f fakeACM) DescribeCertificate(_ context.Context, in *acm.DescribeCertificateInput, _ ...func(*acm.Options)) (*acm.DescribeCertificateOutput, error) {
	if f.a.cert == nil || aws.ToString(in.CertificateArn) != certArn {
		return nil, errors.New("ResourceNotFoundException: no such certificate")
	}
	return &acm.DescribeCertificateOutput{Certificate: f.a.cert}, nil
}

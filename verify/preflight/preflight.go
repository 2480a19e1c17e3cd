// Package preflight checks, before a stack's first `pulumi up`, what would
// otherwise fail halfway through it: the tools pulumi-eks runs and their
// versions, the credentials, the account's EC2 quotas against what the
// stack may start, that every principal the stack gives cluster access to
// exists as written, and that the load balancer's certificate is issued,
// in the stack's region, for the name clients use. Each failure says how to
// fix it.
package preflight

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
	"github.com/milvus-eks/milvus-eks/verify/checks"
)

// The EC2 quotas a stack needs room in (Service Quotas, service code ec2):
// vCPUs of running On-Demand standard instances (A, C, D, H, I, M, R, T, Z,
// the families the program accepts), and Elastic IP addresses, one per NAT
// gateway.
const (
	VCPUQuotaCode       = "L-1216C47A"
	ElasticIPsQuotaCode = "L-0263D0A3"
)

// Clients are the AWS APIs the checks call.
type Clients struct {
	STS interface {
		GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	}
	Quotas interface {
		GetServiceQuota(context.Context, *servicequotas.GetServiceQuotaInput, ...func(*servicequotas.Options)) (*servicequotas.GetServiceQuotaOutput, error)
	}
	EC2 interface {
		DescribeAddresses(context.Context, *ec2.DescribeAddressesInput, ...func(*ec2.Options)) (*ec2.DescribeAddressesOutput, error)
	}
	IAM interface {
		GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
		GetUser(context.Context, *iam.GetUserInput, ...func(*iam.Options)) (*iam.GetUserOutput, error)
	}
	ACM interface {
		DescribeCertificate(context.Context, *acm.DescribeCertificateInput, ...func(*acm.Options)) (*acm.DescribeCertificateOutput, error)
	}
	// Tools runs a command and returns what it printed.
	Tools func(ctx context.Context, name string, args ...string) (string, error)
}

// Run runs every check for a stack's configuration. minPulumi is the
// Pulumi CLI version the program needs.
func Run(ctx context.Context, c Clients, cfg config.Config, minPulumi string) []checks.Result {
	results := ToolChecks(ctx, c.Tools, minPulumi)
	caller, result := callerIdentity(ctx, c)
	results = append(results, result)
	if caller == "" {
		return results
	}
	if cfg.CreatesCluster() {
		results = append(results, vcpuQuota(ctx, c, cfg), elasticIPQuota(ctx, c, cfg))
		for _, arn := range append(append([]string{}, cfg.ControlPlane.Admins...), cfg.ControlPlane.Viewers...) {
			results = append(results, principalExists(ctx, c, arn, caller))
		}
	}
	if cfg.Milvus.LoadBalancer.CertificateArn != "" {
		results = append(results, certificate(ctx, c, cfg))
	}
	return results
}

func pass(check, expected, found string) checks.Result {
	return checks.Result{Check: check, Passed: true, Expected: expected, Found: found}
}

func fail(check, expected, found string) checks.Result {
	return checks.Result{Check: check, Expected: expected, Found: found}
}

// callerIdentity is who deploys; "" when there are no credentials.
func callerIdentity(ctx context.Context, c Clients) (string, checks.Result) {
	const check, expected = "AWS credentials", "a caller identity"
	out, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fail(check, expected, fmt.Sprintf("none (%v): set AWS_PROFILE (and run `aws sso login` for an SSO profile) or the AWS_* variables", err))
	}
	return aws.ToString(out.Arn), pass(check, expected, aws.ToString(out.Arn)+" in account "+aws.ToString(out.Account))
}

// maxVCPU is the most vCPUs the stack's nodes may run: the node group's
// size of its largest instance type, and with Karpenter each pool's CPU
// limit (spot included, to be safe), with the words that say so.
func maxVCPU(cfg config.Config) (int, string) {
	g := cfg.NodeGroup
	most, largest := 0, ""
	for _, t := range g.InstanceTypes {
		if n, err := sizing.NodeOf(t); err == nil && n.VCPU > most {
			most, largest = n.VCPU, t
		}
	}
	need := g.DesiredSize * most
	words := fmt.Sprintf("nodeDesiredSize %d × %s", g.DesiredSize, largest)
	if cfg.UsesNodePools() {
		p := cfg.NodePools
		need += p.Query.CPULimit + p.Core.CPULimit
		words += fmt.Sprintf(" and the pools' cpuLimit %d + %d", p.Query.CPULimit, p.Core.CPULimit)
	}
	return need, words
}

func vcpuQuota(ctx context.Context, c Clients, cfg config.Config) checks.Result {
	need, words := maxVCPU(cfg)
	check := "the EC2 quota of On-Demand standard vCPUs (" + VCPUQuotaCode + ")"
	expected := fmt.Sprintf("at least %d, for %s", need, words)
	quota, err := quotaValue(ctx, c, VCPUQuotaCode)
	if err != nil {
		return fail(check, expected, err.Error())
	}
	if quota < need {
		return fail(check, expected, fmt.Sprintf("%d: the nodes would stop growing, or never start; request %d with `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code %s --desired-value %d` (instances already running in the account count against it too)",
			quota, need, VCPUQuotaCode, need))
	}
	return pass(check, expected, fmt.Sprintf("%d (instances already running in the account count against it too)", quota))
}

// natGateways is how many NAT gateways, and so Elastic IPs, the stack makes.
func natGateways(cfg config.Config) int {
	switch {
	case cfg.Network.UsesExistingVpc():
		return 0
	case cfg.Network.NatGateways == config.NatPerAz:
		return 3
	}
	return 1
}

func elasticIPQuota(ctx context.Context, c Clients, cfg config.Config) checks.Result {
	need := natGateways(cfg)
	check := "Elastic IP addresses (" + ElasticIPsQuotaCode + ")"
	expected := fmt.Sprintf("room for %d, one per NAT gateway", need)
	if need == 0 {
		return pass(check, "none: the stack uses an existing VPC", "none needed")
	}
	quota, err := quotaValue(ctx, c, ElasticIPsQuotaCode)
	if err != nil {
		return fail(check, expected, err.Error())
	}
	used, err := c.EC2.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{})
	if err != nil {
		return fail(check, expected, "the addresses in use cannot be listed: "+err.Error())
	}
	free := quota - len(used.Addresses)
	if free < need {
		return fail(check, expected, fmt.Sprintf("%d free (quota %d, %d in use): release unused addresses, or request %d with `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code %s --desired-value %d`",
			free, quota, len(used.Addresses), len(used.Addresses)+need, ElasticIPsQuotaCode, len(used.Addresses)+need))
	}
	return pass(check, expected, fmt.Sprintf("%d free (quota %d, %d in use)", free, quota, len(used.Addresses)))
}

func quotaValue(ctx context.Context, c Clients, code string) (int, error) {
	out, err := c.Quotas.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("ec2"), QuotaCode: aws.String(code)})
	if err != nil {
		return 0, fmt.Errorf("the quota cannot be read (%v): the deploying identity needs servicequotas:GetServiceQuota", err)
	}
	if out.Quota == nil || out.Quota.Value == nil {
		return 0, fmt.Errorf("the quota has no value")
	}
	return int(*out.Quota.Value), nil
}

// principalExists checks that an access-entry principal exists exactly as
// written: EKS refuses a principal that does not exist, and a role named
// without its path.
func principalExists(ctx context.Context, c Clients, arn, caller string) checks.Result {
	check := "the access-entry principal " + arn
	const expected = "an IAM role or user of that exact ARN"
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return fail(check, expected, "not an ARN")
	}
	account, resource := parts[4], parts[5]
	if callerParts := strings.SplitN(caller, ":", 6); len(callerParts) == 6 && callerParts[4] != account {
		return fail(check, expected, fmt.Sprintf("in account %s, not the caller's %s: list a principal of account %s (the stack files ship with AWS' documentation account, 111122223333), or deploy with credentials for account %s",
			account, callerParts[4], callerParts[4], account))
	}
	kind, path, _ := strings.Cut(resource, "/")
	name := path[strings.LastIndex(path, "/")+1:]
	var found string
	var err error
	switch kind {
	case "role":
		var out *iam.GetRoleOutput
		if out, err = c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)}); err == nil {
			found = aws.ToString(out.Role.Arn)
		}
	case "user":
		var out *iam.GetUserOutput
		if out, err = c.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)}); err == nil {
			found = aws.ToString(out.User.Arn)
		}
	default:
		return fail(check, expected, "neither a role nor a user")
	}
	switch {
	case err != nil && strings.Contains(err.Error(), "NoSuchEntity"):
		return fail(check, expected, fmt.Sprintf("no %s named %s: create it, or replace the ARN in the stack file (clusterAdminArns, clusterViewerArns)", kind, name))
	case err != nil:
		return fail(check, expected, fmt.Sprintf("it cannot be looked up (%v): the deploying identity needs iam:Get%s", err, strings.ToUpper(kind[:1])+kind[1:]))
	case found != arn:
		return fail(check, expected, fmt.Sprintf("its ARN is %s: write it so in the stack file, path included, or EKS refuses it", found))
	}
	return pass(check, expected, "it exists")
}

// certificate checks that the load balancer's certificate is issued and
// covers the name clients use.
func certificate(ctx context.Context, c Clients, cfg config.Config) checks.Result {
	lb := cfg.Milvus.LoadBalancer
	check := "the load balancer's certificate " + lb.CertificateArn
	expected := "issued, for " + lb.DNSName
	out, err := c.ACM.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String(lb.CertificateArn)})
	if err != nil {
		return fail(check, expected, fmt.Sprintf("it cannot be read in %s (%v): request or import it in ACM in the stack's region", cfg.Region, err))
	}
	cert := out.Certificate
	if cert.Status != acmtypes.CertificateStatusIssued {
		return fail(check, expected, fmt.Sprintf("status %s: complete its validation (the DNS records ACM asks for) before the first `pulumi up`", cert.Status))
	}
	names := append([]string{aws.ToString(cert.DomainName)}, cert.SubjectAlternativeNames...)
	for _, n := range names {
		if Covers(n, lb.DNSName) {
			return pass(check, expected, "issued, for "+n)
		}
	}
	return fail(check, expected, fmt.Sprintf("issued for %s only: clients would refuse it for %s; request one that covers it, or set milvusDnsName to a name it covers", strings.Join(names, ", "), lb.DNSName))
}

// Covers reports whether a certificate's name covers a host: the same name,
// or a wildcard for one label ("*.example.com" covers milvus.example.com,
// not a.b.example.com).
func Covers(certName, host string) bool {
	certName, host = strings.ToLower(certName), strings.ToLower(host)
	if rest, ok := strings.CutPrefix(certName, "*."); ok {
		label, parent, found := strings.Cut(host, ".")
		return found && label != "" && parent == rest
	}
	return certName == host
}

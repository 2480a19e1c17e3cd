package checks

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/components/storage/s3policy"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
)

// IAM is the part of the IAM API the checks use; *iam.Client has it.
type IAM interface {
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	GetOpenIDConnectProvider(context.Context, *iam.GetOpenIDConnectProviderInput, ...func(*iam.Options)) (*iam.GetOpenIDConnectProviderOutput, error)
	ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	ListRolePolicies(context.Context, *iam.ListRolePoliciesInput, ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
	GetPolicy(context.Context, *iam.GetPolicyInput, ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(context.Context, *iam.GetPolicyVersionInput, ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
}

// EKS is the part of the EKS API the checks use; *eks.Client has it.
type EKS interface {
	DescribeCluster(context.Context, *eks.DescribeClusterInput, ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
}

// S3 is the part of the S3 API the checks use; *s3.Client has it.
type S3 interface {
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

// CheckIdentity checks that the role can be assumed by the Milvus
// ServiceAccount of this cluster, and by nothing else.
func CheckIdentity(ctx context.Context, iamc IAM, eksc EKS, out Outputs, o Options) []Result {
	host := trust.IssuerHost(out.OidcIssuer)
	var results []Result

	const issuerCheck = "the cluster's OIDC issuer"
	cluster, err := call(ctx, o, func(ctx context.Context) (*eks.DescribeClusterOutput, error) {
		return eksc.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(out.ClusterName)})
	})
	switch {
	case err != nil:
		results = append(results, fail(issuerCheck, out.OidcIssuer, "DescribeCluster failed: "+err.Error()))
	case cluster.Cluster == nil || cluster.Cluster.Identity == nil || cluster.Cluster.Identity.Oidc == nil:
		results = append(results, fail(issuerCheck, out.OidcIssuer, "no OIDC issuer"))
	case aws.ToString(cluster.Cluster.Identity.Oidc.Issuer) != out.OidcIssuer:
		results = append(results, fail(issuerCheck, out.OidcIssuer, aws.ToString(cluster.Cluster.Identity.Oidc.Issuer)))
	default:
		results = append(results, pass(issuerCheck, out.OidcIssuer, "the same"))
	}

	const providerCheck = "the IAM OIDC provider"
	wantProvider := fmt.Sprintf("%s, for %s, with client ID %s", out.OidcProviderArn, host, trust.STSAudience)
	provider, err := call(ctx, o, func(ctx context.Context) (*iam.GetOpenIDConnectProviderOutput, error) {
		return iamc.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(out.OidcProviderArn)})
	})
	switch {
	case err != nil:
		results = append(results, fail(providerCheck, wantProvider, "GetOpenIDConnectProvider failed: "+err.Error()))
	case trust.IssuerHost(aws.ToString(provider.Url)) != host:
		results = append(results, fail(providerCheck, wantProvider, "a provider for "+aws.ToString(provider.Url)))
	case !slices.Contains(provider.ClientIDList, trust.STSAudience):
		results = append(results, fail(providerCheck, wantProvider, "client IDs "+strings.Join(provider.ClientIDList, ", ")))
	default:
		results = append(results, pass(providerCheck, wantProvider, "it"))
	}

	const trustCheck = "the Milvus role's trust policy"
	wantTrust := fmt.Sprintf("only Federated %s may sts:AssumeRoleWithWebIdentity, StringEquals %s:sub = %s and %s:aud = %s",
		out.OidcProviderArn, host, trust.ServiceAccountSubject(out.MilvusNamespace, out.MilvusServiceAccount), host, trust.STSAudience)
	role, err := call(ctx, o, func(ctx context.Context) (*iam.GetRoleOutput, error) {
		return iamc.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName(out.MilvusRoleArn))})
	})
	if err != nil {
		return append(results, fail(trustCheck, wantTrust, "GetRole failed: "+err.Error()))
	}
	doc, err := decodeDocument(aws.ToString(role.Role.AssumeRolePolicyDocument))
	if err != nil {
		return append(results, fail(trustCheck, wantTrust, err.Error()))
	}
	if problems := TrustProblems(doc, out.OidcProviderArn, host, out.MilvusNamespace, out.MilvusServiceAccount); len(problems) > 0 {
		return append(results, fail(trustCheck, wantTrust, strings.Join(problems, "; ")))
	}
	return append(results, pass(trustCheck, wantTrust, "exactly that"))
}

// TrustProblems lists how a role's trust policy differs from one that lets
// exactly one ServiceAccount of one cluster assume it, through STS.
func TrustProblems(doc iampolicy.Parsed, providerArn, issuerHost, namespace, serviceAccount string) []string {
	if len(doc.Statement) != 1 {
		return []string{fmt.Sprintf("%d statements, not 1", len(doc.Statement))}
	}
	s := doc.Statement[0]
	var problems []string
	if s.Effect != "Allow" {
		problems = append(problems, "effect "+s.Effect)
	}
	if len(s.Principal) != 1 || !slices.Equal(s.Principal["Federated"], []string{providerArn}) {
		problems = append(problems, fmt.Sprintf("principal %v", s.Principal))
	}
	if !slices.Equal(s.Action, []string{"sts:AssumeRoleWithWebIdentity"}) || len(s.NotAction) > 0 {
		problems = append(problems, "actions "+strings.Join(append(s.Action, s.NotAction...), ", "))
	}
	want := map[string]string{
		issuerHost + ":sub": trust.ServiceAccountSubject(namespace, serviceAccount),
		issuerHost + ":aud": trust.STSAudience,
	}
	for _, op := range sortedKeys(s.Condition) {
		for _, key := range sortedKeys(s.Condition[op]) {
			values := s.Condition[op][key]
			switch {
			case strings.Contains(key, "https://"):
				problems = append(problems, fmt.Sprintf("condition key %s names the issuer with https://, which IAM condition keys never do, so it never matches", key))
			case op != "StringEquals":
				problems = append(problems, fmt.Sprintf("%s on %s = %s: only StringEquals pins the value", op, key, strings.Join(values, ", ")))
			case want[key] == "":
				problems = append(problems, fmt.Sprintf("unexpected condition on %s", key))
			case !slices.Equal(values, []string{want[key]}):
				problems = append(problems, fmt.Sprintf("%s = %s, not %s", key, strings.Join(values, ", "), want[key]))
			}
		}
	}
	for _, key := range sortedKeys(want) {
		if _, ok := s.Condition["StringEquals"][key]; !ok {
			problems = append(problems, "no StringEquals on "+key)
		}
	}
	return problems
}

// CheckPolicy checks that the S3 policy is attached to the role and allows
// exactly the guide's actions on exactly this bucket (and, when the bucket is
// encrypted with a KMS key, that key's data-key actions).
func CheckPolicy(ctx context.Context, iamc IAM, s3c S3, out Outputs, o Options) []Result {
	var results []Result
	role := roleName(out.MilvusRoleArn)

	// The role may do what its policies allow, all of them: the S3 policy
	// must be the only one, attached or inline.
	const attachedCheck = "the Milvus role's policies"
	wantAttached := "only " + out.S3PolicyArn + ", attached"
	attached, inline, err := rolePolicies(ctx, iamc, role, o)
	switch {
	case err != nil:
		results = append(results, fail(attachedCheck, wantAttached, err.Error()))
	case !slices.Equal(attached, []string{out.S3PolicyArn}) || len(inline) > 0:
		found := "attached: " + strings.Join(attached, ", ")
		if len(attached) == 0 {
			found = "none attached"
		}
		if len(inline) > 0 {
			found += "; inline: " + strings.Join(inline, ", ")
		}
		results = append(results, fail(attachedCheck, wantAttached, found))
	default:
		results = append(results, pass(attachedCheck, wantAttached, "so"))
	}

	const grantsCheck = "the S3 policy grants least privilege"
	kmsKey, err := bucketKmsKey(ctx, s3c, out.BucketName, o)
	if err != nil {
		return append(results, fail(grantsCheck, "the guide's S3 actions on "+out.BucketArn, "GetBucketEncryption failed: "+err.Error()))
	}
	wantDoc, _ := iampolicy.Parse(s3policy.S3Access(out.BucketArn, kmsKey).JSON())
	want := wantDoc.Grants()
	wantText := grantsText(want)

	policy, err := call(ctx, o, func(ctx context.Context) (*iam.GetPolicyOutput, error) {
		return iamc.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(out.S3PolicyArn)})
	})
	if err != nil {
		return append(results, fail(grantsCheck, wantText, "GetPolicy failed: "+err.Error()))
	}
	version, err := call(ctx, o, func(ctx context.Context) (*iam.GetPolicyVersionOutput, error) {
		return iamc.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(out.S3PolicyArn), VersionId: policy.Policy.DefaultVersionId})
	})
	if err != nil {
		return append(results, fail(grantsCheck, wantText, "GetPolicyVersion failed: "+err.Error()))
	}
	doc, err := decodeDocument(aws.ToString(version.PolicyVersion.Document))
	if err != nil {
		return append(results, fail(grantsCheck, wantText, err.Error()))
	}
	if problems := GrantProblems(doc, want); len(problems) > 0 {
		return append(results, fail(grantsCheck, wantText, strings.Join(problems, "; ")))
	}
	return append(results, pass(grantsCheck, wantText, "exactly those"))
}

// GrantProblems lists how the grants of a policy differ from want: what is
// missing, what is more (least privilege makes more a failure too), and
// elements that grant by exclusion.
func GrantProblems(doc iampolicy.Parsed, want []iampolicy.Grant) []string {
	var problems []string
	for _, s := range doc.Statement {
		if len(s.NotAction) > 0 || len(s.NotResource) > 0 {
			problems = append(problems, "a statement uses NotAction or NotResource")
		}
	}
	got := doc.Grants()
	var missing, extra []iampolicy.Grant
	for _, g := range want {
		if !slices.Contains(got, g) {
			missing = append(missing, g)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	if len(missing) > 0 {
		problems = append(problems, "missing "+grantsText(missing))
	}
	if len(extra) > 0 {
		problems = append(problems, "more: "+grantsText(extra))
	}
	return problems
}

// rolePolicies lists the ARNs of a role's attached policies and the names of
// its inline ones.
func rolePolicies(ctx context.Context, iamc IAM, role string, o Options) (attached, inline []string, err error) {
	var marker *string
	for {
		page, err := call(ctx, o, func(ctx context.Context) (*iam.ListAttachedRolePoliciesOutput, error) {
			return iamc.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role), Marker: marker})
		})
		if err != nil {
			return nil, nil, fmt.Errorf("ListAttachedRolePolicies failed: %w", err)
		}
		for _, p := range page.AttachedPolicies {
			attached = append(attached, aws.ToString(p.PolicyArn))
		}
		if !page.IsTruncated {
			break
		}
		marker = page.Marker
	}
	marker = nil
	for {
		page, err := call(ctx, o, func(ctx context.Context) (*iam.ListRolePoliciesOutput, error) {
			return iamc.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(role), Marker: marker})
		})
		if err != nil {
			return nil, nil, fmt.Errorf("ListRolePolicies failed: %w", err)
		}
		inline = append(inline, page.PolicyNames...)
		if !page.IsTruncated {
			return attached, inline, nil
		}
		marker = page.Marker
	}
}

// bucketKmsKey is the KMS key the bucket encrypts with by default, or "".
func bucketKmsKey(ctx context.Context, s3c S3, bucket string, o Options) (string, error) {
	enc, err := call(ctx, o, func(ctx context.Context) (*s3.GetBucketEncryptionOutput, error) {
		return s3c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	})
	if err != nil {
		return "", err
	}
	if enc.ServerSideEncryptionConfiguration == nil {
		return "", nil
	}
	for _, rule := range enc.ServerSideEncryptionConfiguration.Rules {
		if d := rule.ApplyServerSideEncryptionByDefault; d != nil && aws.ToString(d.KMSMasterKeyID) != "" {
			return aws.ToString(d.KMSMasterKeyID), nil
		}
	}
	return "", nil
}

// decodeDocument reads a policy document as IAM returns it: URL-encoded as
// RFC 3986 says (a space is %20; a + is itself, which QueryUnescape would
// turn into a space).
func decodeDocument(encoded string) (iampolicy.Parsed, error) {
	text, err := url.PathUnescape(encoded)
	if err != nil {
		return iampolicy.Parsed{}, fmt.Errorf("decoding the policy document: %w", err)
	}
	return iampolicy.Parse(text)
}

// roleName is the name in a role ARN (arn:aws:iam::<account>:role/<path/>name).
func roleName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

func grantsText(grants []iampolicy.Grant) string {
	parts := make([]string, len(grants))
	for i, g := range grants {
		parts[i] = g.String()
	}
	return strings.Join(parts, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package rules

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/facts"
)

var s3PublicAccessBlock = Policy{
	Name:        "s3-public-access-block",
	Description: "Every bucket has a public access block with all four settings on.",
	Resource: func(r Resource, _ Stack) []string {
		if r.Type != typePublicAccessBlock {
			return nil
		}
		var off []string
		for _, setting := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			if v := r.Inputs[setting]; v != true && !unknown(v) {
				off = append(off, setting)
			}
		}
		if len(off) == 0 {
			return nil
		}
		return []string{fmt.Sprintf("%s leaves %s off: set all four of blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true", where(r), strings.Join(off, ", "))}
	},
	Stack: func(rs []Resource, _ Stack) []Violation {
		return perBucket(rs, typePublicAccessBlock, func(b Resource, blocks []Resource) string {
			if len(blocks) > 0 {
				return ""
			}
			return fmt.Sprintf("%s has no public access block: declare an %s for it with all four settings on", where(b), typePublicAccessBlock)
		})
	},
}

var s3TLSOnly = Policy{
	Name:        "s3-tls-only",
	Description: "Every bucket's policy denies requests made without TLS.",
	Stack: func(rs []Resource, _ Stack) []Violation {
		return perBucket(rs, typeBucketPolicy, func(b Resource, policies []Resource) string {
			for _, p := range policies {
				doc, known := document(p.Inputs["policy"])
				if !known || deniesInsecureTransport(doc) {
					return ""
				}
			}
			return fmt.Sprintf("%s accepts requests without TLS: give it a bucket policy that denies s3:* when aws:SecureTransport is false", where(b))
		})
	},
}

func deniesInsecureTransport(doc map[string]any) bool {
	for _, st := range statements(doc) {
		v, _ := get(st, "Condition", "Bool", "aws:SecureTransport")
		if st["Effect"] == "Deny" && (v == "false" || v == false) {
			return true
		}
	}
	return false
}

var s3Encryption = Policy{
	Name:        "s3-encryption",
	Description: "Every bucket encrypts its objects at rest (SSE-S3 or SSE-KMS).",
	Stack: func(rs []Resource, _ Stack) []Violation {
		return perBucket(rs, typeEncryption, func(b Resource, configs []Resource) string {
			for _, c := range configs {
				rules, _ := c.Inputs["rules"].([]any)
				for _, rule := range rules {
					alg, _ := get(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")
					if alg == "AES256" || alg == "aws:kms" || alg == "aws:kms:dsse" || unknown(alg) {
						return ""
					}
				}
			}
			return fmt.Sprintf("%s has no default encryption: declare an %s for it with sseAlgorithm AES256 or aws:kms", where(b), typeEncryption)
		})
	},
}

var s3ProductionRetention = Policy{
	Name:        "s3-production-retention",
	Description: "In production, every bucket is versioned, protected and kept in AWS when it leaves the stack.",
	Stack: func(rs []Resource, s Stack) []Violation {
		if !s.Production {
			return nil
		}
		return perBucket(rs, typeVersioning, func(b Resource, versionings []Resource) string {
			var missing []string
			versioned := false
			for _, v := range versionings {
				status, _ := get(v.Inputs, "versioningConfiguration", "status")
				versioned = versioned || status == "Enabled" || unknown(status)
			}
			if !versioned {
				missing = append(missing, "versioning (an "+typeVersioning+" with status Enabled)")
			}
			if !b.Protect {
				missing = append(missing, "protect")
			}
			if !b.RetainOnDelete {
				missing = append(missing, "retainOnDelete")
			}
			if len(missing) == 0 {
				return ""
			}
			return fmt.Sprintf("%s holds production data without %s: set bucketVersioning and bucketRetain", where(b), strings.Join(missing, ", "))
		})
	},
}

// policyDocuments are the IAM documents a resource carries, by input.
func policyDocuments(r Resource) map[string]map[string]any {
	docs := map[string]map[string]any{}
	switch r.Type {
	case typeIAMPolicy, typeRolePolicy:
		if d, ok := document(r.Inputs["policy"]); ok {
			docs["policy"] = d
		}
	case typeRole:
		inline, _ := r.Inputs["inlinePolicies"].([]any)
		for _, p := range inline {
			if d, ok := document(mapValue(p, "policy")); ok {
				docs["inlinePolicies"] = d
			}
		}
	}
	return docs
}

func mapValue(v any, key string) any {
	m, _ := v.(map[string]any)
	return m[key]
}

var iamNoWildcardActions = Policy{
	Name:        "iam-no-wildcard-actions",
	Description: "No IAM policy allows every action, or every S3 action.",
	Resource: func(r Resource, _ Stack) []string {
		var out []string
		for input, doc := range policyDocuments(r) {
			for _, st := range statements(doc) {
				if st["Effect"] != "Allow" {
					continue
				}
				for _, a := range strs(st["Action"]) {
					if a == "*" || strings.EqualFold(a, "s3:*") {
						out = append(out, fmt.Sprintf("%s allows %q in its %s: name the actions it needs", where(r), a, input))
					}
				}
			}
		}
		return out
	},
}

// s3Arn is a bucket, or objects of it (all, or under a prefix); a
// wildcard in the bucket's name is wider than one bucket.
var s3Arn = regexp.MustCompile(`^arn:aws(?:-cn|-us-gov)?:s3:::([^/*?]+)(/.*)?$`)

var iamS3OneBucket = Policy{
	Name:        "iam-s3-one-bucket",
	Description: "An IAM policy's S3 statements name buckets and their objects, nothing wider, and write to one bucket at most (a backup role may read a second).",
	Resource: func(r Resource, _ Stack) []string {
		var out []string
		for input, doc := range policyDocuments(r) {
			written := map[string]bool{}
			var wide []string
			for _, st := range statements(doc) {
				actions := strs(st["Action"])
				if st["Effect"] != "Allow" || !anyS3Action(actions) {
					continue
				}
				for _, res := range strs(st["Resource"]) {
					m := s3Arn.FindStringSubmatch(res)
					switch {
					case m == nil:
						wide = append(wide, res)
					case writesS3(actions):
						written[m[1]] = true
					}
				}
			}
			switch {
			case len(wide) > 0:
				out = append(out, fmt.Sprintf("%s grants S3 actions on %s in its %s: name the bucket (arn:aws:s3:::<bucket>) and its objects (arn:aws:s3:::<bucket>/*)", where(r), strings.Join(wide, ", "), input))
			case len(written) > 1:
				out = append(out, fmt.Sprintf("%s lets its role write to %d buckets (%s) in its %s: give each bucket's writer a policy of its own", where(r), len(written), strings.Join(slices.Sorted(maps.Keys(written)), ", "), input))
			}
		}
		return out
	},
}

// writesS3 says whether S3 actions change anything: any but reads and
// listings.
func writesS3(actions []string) bool {
	for _, a := range actions {
		a = strings.ToLower(a)
		if strings.HasPrefix(a, "s3:") && !strings.HasPrefix(a, "s3:get") && !strings.HasPrefix(a, "s3:list") {
			return true
		}
	}
	return false
}

func anyS3Action(actions []string) bool {
	for _, a := range actions {
		if strings.HasPrefix(strings.ToLower(a), "s3:") {
			return true
		}
	}
	return false
}

var iamWebIdentityTrust = Policy{
	Name:        "iam-web-identity-trust",
	Description: "A role assumed with a web identity (IRSA) pins exactly :sub and :aud with StringEquals, keys without https://.",
	Resource: func(r Resource, _ Stack) []string {
		if r.Type != typeRole {
			return nil
		}
		doc, ok := document(r.Inputs["assumeRolePolicy"])
		if !ok {
			return nil
		}
		var out []string
		for _, st := range statements(doc) {
			if !slices.Contains(strs(st["Action"]), "sts:AssumeRoleWithWebIdentity") || st["Effect"] != "Allow" {
				continue
			}
			conditions, _ := st["Condition"].(map[string]any)
			var problems []string
			for operator := range conditions {
				if operator != "StringEquals" {
					problems = append(problems, "a "+operator+" condition")
				}
			}
			equals, _ := conditions["StringEquals"].(map[string]any)
			var suffixes []string
			for key := range equals {
				if strings.HasPrefix(key, "https://") {
					problems = append(problems, "the key "+key+", which never matches (condition keys name the issuer without https://)")
				}
				suffixes = append(suffixes, key[strings.LastIndex(key, ":")+1:])
			}
			slices.Sort(suffixes)
			if strings.Join(suffixes, ",") != "aud,sub" {
				problems = append(problems, "StringEquals on "+strings.Join(suffixes, ", ")+" instead of exactly :sub and :aud")
			}
			if len(problems) > 0 {
				out = append(out, fmt.Sprintf("%s trusts a web identity with %s: pin the ServiceAccount with StringEquals on <issuer>:sub and <issuer>:aud, and nothing else", where(r), strings.Join(slices.Sorted(slices.Values(problems)), ", ")))
			}
		}
		return out
	},
}

// credentialKey is an input that would hold a static AWS credential: the
// chart's externalS3.accessKey/secretKey, and the AWS SDKs' names.
var (
	credentialKey = regexp.MustCompile(`(?i)^(access_?key(_?id)?|secret_?key|secret_?access_?key|aws_access_key_id|aws_secret_access_key)$`)
	accessKeyID   = regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)
)

var noStaticCredentials = Policy{
	Name:        "no-static-credentials",
	Description: "No input of any resource holds an AWS access key or secret key: pods reach AWS through IRSA.",
	Resource: func(r Resource, _ Stack) []string {
		var out []string
		walk(r.Inputs, "", func(path string, key string, v any) {
			s, isString := v.(string)
			switch {
			case key != "" && credentialKey.MatchString(key) && v != nil && v != "":
				out = append(out, fmt.Sprintf("%s sets %s: remove it and give the workload an IAM role through its ServiceAccount (IRSA)", where(r), path))
			case isString && accessKeyID.MatchString(s):
				out = append(out, fmt.Sprintf("%s holds an AWS access key ID in %s: remove it and use IRSA", where(r), path))
			}
		})
		return out
	},
}

// walk calls f on every value under v, with its path and its key.
func walk(v any, path string, f func(path, key string, v any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			f(p, k, e)
			walk(e, p, f)
		}
	case []any:
		for i, e := range x {
			p := fmt.Sprintf("%s[%d]", path, i)
			f(p, "", e)
			walk(e, p, f)
		}
	}
}

var secretsAsSecrets = Policy{
	Name:        "secrets-as-secrets",
	Description: "Kubernetes Secrets' data and kubeconfigs are Pulumi secrets, never plain values in the state.",
	Resource: func(r Resource, _ Stack) []string {
		var inputs []string
		switch r.Type {
		case typeK8sSecret:
			inputs = []string{"data", "stringData"}
		case typeK8sProvider:
			inputs = []string{"kubeconfig"}
		}
		var out []string
		for _, input := range inputs {
			v, set := r.Inputs[input]
			if !set || v == nil || unknown(v) {
				continue
			}
			if _, secret := v.(Secret); !secret {
				out = append(out, fmt.Sprintf("%s has %s in plain text: wrap it with pulumi.ToSecret (or read it from a secret config value)", where(r), input))
			}
		}
		return out
	},
}

var nodeMetadata = Policy{
	Name:        "node-metadata",
	Description: "Nodes answer IMDSv2 only, with a hop limit of 1, so that pods reach AWS only through IRSA.",
	Resource: func(r Resource, _ Stack) []string {
		switch r.Type {
		case typeLaunchTemplate:
			tokens, _ := get(r.Inputs, "metadataOptions", "httpTokens")
			hops, _ := get(r.Inputs, "metadataOptions", "httpPutResponseHopLimit")
			if (tokens == facts.NodeMetadataHTTPTokens || unknown(tokens)) && (hops == float64(facts.NodeMetadataHopLimit) || unknown(hops)) {
				return nil
			}
			return []string{fmt.Sprintf("%s lets pods reach the instance metadata service (httpTokens %v, hop limit %v): require tokens with a hop limit of %d", where(r), orUnset(tokens), orUnset(hops), facts.NodeMetadataHopLimit)}
		case typeManagedNodeGroup, typeEKSNodeGroup:
			var out []string
			if r.Inputs["enableIMDSv2"] == true {
				out = append(out, fmt.Sprintf("%s sets enableIMDSv2, whose launch template has a hop limit of 2 that pods reach: give it a launch template of your own with a hop limit of 1", where(r)))
			}
			if _, set := r.Inputs["launchTemplate"]; !set {
				out = append(out, fmt.Sprintf("%s has no launch template, so EKS' default one leaves IMDSv1 and pods' access to it as the AMI has them: give it one that requires tokens with a hop limit of 1", where(r)))
			}
			return out
		}
		return nil
	},
}

func orUnset(v any) any {
	if v == nil {
		return "unset"
	}
	return v
}

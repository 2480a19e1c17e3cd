// Package iampolicy builds the IAM policy documents of the stack as typed Go
// values, so that tests can assert their exact JSON.
package iampolicy

import (
	"encoding/json"
	"strings"
)

// Version is the current IAM policy language version.
const Version = "2012-10-17"

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Document. Condition maps an operator
// (StringEquals) to condition keys and their values; Go marshals map keys in
// sorted order, so the JSON is the same on every run.
type Statement struct {
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal *Principal                   `json:"Principal,omitempty"`
	Action    []string                     `json:"Action"`
	Resource  []string                     `json:"Resource,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// Principal names who a trust policy lets assume a role, or whom a bucket
// policy speaks of (AWS "*": anyone).
type Principal struct {
	AWS       string `json:"AWS,omitempty"`
	Federated string `json:"Federated,omitempty"`
	Service   string `json:"Service,omitempty"`
}

// JSON renders the document as compact JSON.
func (d Document) JSON() string {
	// A Document holds only strings, slices and string maps: marshalling it
	// cannot fail.
	out, err := json.Marshal(d)
	if err != nil {
		panic("iampolicy: marshalling a Document: " + err.Error())
	}
	return string(out)
}

// The S3 actions Milvus needs on its bucket, as the Milvus guide "Configure S3
// Access by IAM Role" grants them: list the bucket, read, write and delete its
// objects. Nothing else: no bucket configuration, no other bucket.
var (
	S3BucketActions = []string{"s3:ListBucket"}
	S3ObjectActions = []string{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"}
)

// KMSActions are what reading and writing objects encrypted with a KMS key
// takes besides the S3 actions (the S3 User Guide, "Using server-side
// encryption with AWS KMS keys"): a data key to encrypt each new object,
// and decryption to read one or to finish a multipart upload.
var KMSActions = []string{"kms:Decrypt", "kms:GenerateDataKey"}

// S3Access is the policy that lets Milvus use the bucket with the given ARN
// (arn:aws:s3:::<bucket>) and nothing else; with a KMS key ARN, also that
// key, for the bucket's encryption.
func S3Access(bucketArn, kmsKeyArn string) Document {
	doc := Document{
		Version: Version,
		Statement: []Statement{
			{Effect: "Allow", Action: S3BucketActions, Resource: []string{bucketArn}},
			{Effect: "Allow", Action: S3ObjectActions, Resource: []string{bucketArn + "/*"}},
		},
	}
	if kmsKeyArn != "" {
		doc.Statement = append(doc.Statement, Statement{Effect: "Allow", Action: KMSActions, Resource: []string{kmsKeyArn}})
	}
	return doc
}

// DenyInsecureTransport is a bucket policy that refuses every request to the
// bucket and its objects made without TLS, whoever makes it.
func DenyInsecureTransport(bucketArn string) Document {
	return Document{
		Version: Version,
		Statement: []Statement{{
			Sid:       "DenyInsecureTransport",
			Effect:    "Deny",
			Principal: &Principal{AWS: "*"},
			Action:    []string{"s3:*"},
			Resource:  []string{bucketArn, bucketArn + "/*"},
			Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}},
		}},
	}
}

// ServiceAccountSubject is the `sub` claim of the tokens EKS issues to a
// Kubernetes ServiceAccount.
func ServiceAccountSubject(namespace, serviceAccount string) string {
	return "system:serviceaccount:" + namespace + ":" + serviceAccount
}

// RoleArnAnnotation is the ServiceAccount annotation that names the role its
// pods assume: the EKS pod identity webhook reads it and injects the role
// and a web identity token into the pods.
const RoleArnAnnotation = "eks.amazonaws.com/role-arn"

// STSAudience is the audience the EKS pod identity webhook requests for the
// projected token (and the client ID the cluster's OIDC provider lists).
const STSAudience = "sts.amazonaws.com"

// IssuerHost is an OIDC issuer URL without its scheme: IAM condition keys name
// the provider as "oidc.eks.<region>.amazonaws.com/id/<id>", never with https://.
func IssuerHost(issuerURL string) string {
	return strings.TrimPrefix(issuerURL, "https://")
}

// WebIdentityTrust is the trust policy of an IRSA role: only tokens that the
// cluster's OIDC provider issued to exactly one ServiceAccount, for STS, may
// assume the role.
func WebIdentityTrust(oidcProviderArn, issuerURL, namespace, serviceAccount string) Document {
	host := IssuerHost(issuerURL)
	return Document{
		Version: Version,
		Statement: []Statement{{
			Effect:    "Allow",
			Principal: &Principal{Federated: oidcProviderArn},
			Action:    []string{"sts:AssumeRoleWithWebIdentity"},
			Condition: map[string]map[string]string{
				"StringEquals": {
					host + ":sub": ServiceAccountSubject(namespace, serviceAccount),
					host + ":aud": STSAudience,
				},
			},
		}},
	}
}

// ServiceTrust is the trust policy of a role that an AWS service assumes, such
// as EC2 for the nodes' instance role.
func ServiceTrust(service string) Document {
	return Document{
		Version: Version,
		Statement: []Statement{{
			Effect:    "Allow",
			Principal: &Principal{Service: service},
			Action:    []string{"sts:AssumeRole"},
		}},
	}
}

// Partition is the ARN partition of a region: aws, aws-cn, aws-us-gov, or
// one of the isolated partitions.
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	default:
		return "aws"
	}
}

// ManagedPolicyArn is the ARN of an AWS managed policy in region's partition.
func ManagedPolicyArn(region, policy string) string {
	return "arn:" + Partition(region) + ":iam::aws:policy/" + policy
}

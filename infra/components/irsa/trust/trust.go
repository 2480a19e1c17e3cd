// Package trust holds what binds an IAM role to a Kubernetes ServiceAccount
// (IRSA): the web identity trust policy, the token's subject and audience,
// and the annotation that names the role.
package trust

import (
	"strings"

	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
)

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
func WebIdentityTrust(oidcProviderArn, issuerURL, namespace, serviceAccount string) iampolicy.Document {
	host := IssuerHost(issuerURL)
	return iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{{
			Effect:    "Allow",
			Principal: &iampolicy.Principal{Federated: oidcProviderArn},
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

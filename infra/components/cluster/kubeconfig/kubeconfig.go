// Package kubeconfig writes the kubeconfig with which the Kubernetes
// provider, and anyone the stack outputs it to, reaches an EKS cluster: the
// cluster's endpoint and certificate authority, and a token from
// `aws eks get-token` with the credentials of whoever runs it. It names no
// AWS profile and no role, so that it works for every deployer (a person
// with AWS_PROFILE set in their shell, CI with its role) and stores no
// credential in the stack.
package kubeconfig

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	clientcmdv1 "k8s.io/client-go/tools/clientcmd/api/v1"
)

// ExecAPIVersion is the client authentication API that `aws eks get-token`
// answers in; AWS CLI v2 and recent v1 releases speak it.
const ExecAPIVersion = "client.authentication.k8s.io/v1beta1"

// GetTokenArgs are the arguments of `aws` that print a token for the cluster.
// The region is explicit: the deployer's default region may be another one.
func GetTokenArgs(cluster, region string) []string {
	return []string{"eks", "get-token", "--cluster-name", cluster, "--region", region, "--output", "json"}
}

// Cluster is what a kubeconfig needs of an EKS cluster.
type Cluster struct {
	Name, Region string
	// Endpoint is the API server's URL, https:// included.
	Endpoint string
	// CertificateAuthorityData is the cluster's CA bundle, base64-encoded
	// PEM as EKS reports it.
	CertificateAuthorityData string
}

// Of is the cluster's kubeconfig, as JSON: a token from `aws eks get-token`
// each time a client connects. It is written with client-go's kubeconfig
// types, so the field names are Kubernetes' own.
func Of(c Cluster) (string, error) {
	switch {
	case c.Name == "" || c.Region == "":
		return "", fmt.Errorf("kubeconfig: cluster %q in region %q: both are required", c.Name, c.Region)
	case c.Endpoint == "":
		return "", fmt.Errorf("kubeconfig: cluster %q has no endpoint", c.Name)
	}
	ca, err := base64.StdEncoding.DecodeString(c.CertificateAuthorityData)
	if err != nil || len(ca) == 0 {
		return "", fmt.Errorf("kubeconfig: cluster %q has no certificate authority data in base64", c.Name)
	}
	config := clientcmdv1.Config{
		Kind:       "Config",
		APIVersion: "v1",
		Clusters: []clientcmdv1.NamedCluster{{
			Name:    c.Name,
			Cluster: clientcmdv1.Cluster{Server: c.Endpoint, CertificateAuthorityData: ca},
		}},
		AuthInfos: []clientcmdv1.NamedAuthInfo{{
			Name: c.Name,
			AuthInfo: clientcmdv1.AuthInfo{Exec: &clientcmdv1.ExecConfig{
				APIVersion: ExecAPIVersion,
				Command:    "aws",
				Args:       GetTokenArgs(c.Name, c.Region),
				// Pulumi runs unattended: a prompt would hang the update.
				InteractiveMode: clientcmdv1.NeverExecInteractiveMode,
			}},
		}},
		Contexts: []clientcmdv1.NamedContext{{
			Name:    c.Name,
			Context: clientcmdv1.Context{Cluster: c.Name, AuthInfo: c.Name},
		}},
		CurrentContext: c.Name,
	}
	text, err := json.Marshal(config)
	return string(text), err
}

// Package iampolicy is the IAM policy language as typed Go values: the
// documents the components write (each component's own documents live beside
// it), the parsing of documents read back from AWS, and ARNs of AWS managed
// policies in each partition.
package iampolicy

import (
	"encoding/json"

	"github.com/milvus-eks/milvus-eks/infra/facts"
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

// ManagedPolicyArn is the ARN of an AWS managed policy in region's partition.
func ManagedPolicyArn(region, policy string) string {
	return "arn:" + facts.Partition(region) + ":iam::aws:policy/" + policy
}

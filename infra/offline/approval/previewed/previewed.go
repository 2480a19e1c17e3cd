// Package previewed reads, from a preview's engine events, the steps that
// package approval compares. It is apart from approval because it needs the
// Automation API's event types, and approval stays pure.
package previewed

import (
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"

	"github.com/milvus-eks/milvus-eks/infra/offline/approval"
)

// Steps collects every step a preview announces, until the stream closes
// (the Automation API closes it when the preview ends).
func Steps(stream <-chan events.EngineEvent) []approval.Step {
	var steps []approval.Step
	for e := range stream {
		if pre := e.ResourcePreEvent; pre != nil {
			step := approval.Step{Op: string(pre.Metadata.Op), URN: pre.Metadata.URN}
			if pre.Metadata.New != nil {
				step.Inputs = pre.Metadata.New.Inputs
			}
			steps = append(steps, step)
		}
	}
	return steps
}

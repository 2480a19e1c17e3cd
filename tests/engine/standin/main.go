// Command standin plays, for the real-engine tests (tests/engine_test.go),
// the providers this machine cannot get: AWS (no registry serves it),
// random, and Kubernetes (whose real Helm Check fetches charts from the
// network). It speaks the provider protocol: Check accepts the inputs as
// they are; Create answers with the offline plan's IDs and placeholders
// (mockcloud.Created), Update likewise, Delete forgets; Diff reports the
// inputs that changed; and invokes get the offline plan's look-ups
// (mockcloud.Answer), with the clusters at the API server the environment
// names, if any (MILVUS_EKS_STANDIN_API_SERVER and _CA).
//
// Run as pulumi-resource-aws, pulumi-resource-random or
// pulumi-resource-kubernetes: the name says which package it plays.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/milvus-eks/milvus-eks/infra/config"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
)

// versions are the plugin versions the stand-ins report: the highest any
// of the program's and pulumi-eks' SDKs asks for (pulumi-eks' Node.js
// dependencies ask for kubernetes 4.34.2, the program's Go SDK 4.32.0).
var versions = map[string]string{"aws": "6.83.4", "random": "4.21.2", "kubernetes": "4.34.2"}

func main() {
	name := strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-resource-")
	version, ok := versions[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "standin: run me as pulumi-resource-aws, -random or -kubernetes, not %s\n", os.Args[0])
		os.Exit(1)
	}
	err := provider.Main(name, func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &standIn{name: name, version: version, region: "us-east-2"}, nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type standIn struct {
	pulumirpc.UnimplementedResourceProviderServer
	name, version string

	mu     sync.Mutex
	region string
}

func (s *standIn) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: s.version}, nil
}

func (s *standIn) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: fmt.Sprintf(`{"name":%q,"version":%q}`, s.name, s.version)}, nil
}

func (s *standIn) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *standIn) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

// Configure takes the region the answers speak of. Without preview
// support, the engine plans a new resource with its inputs and leaves
// every other output unknown, as a provider that cannot know them would.
func (s *standIn) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	if region := regionOf(req); region != "" {
		s.mu.Lock()
		s.region = region
		s.mu.Unlock()
	}
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, AcceptResources: true, AcceptOutputs: true}, nil
}

func regionOf(req *pulumirpc.ConfigureRequest) string {
	if v, ok := req.GetArgs().GetFields()["region"]; ok {
		return v.GetStringValue()
	}
	return req.GetVariables()[config.RegionKey]
}

func (s *standIn) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// Diff compares the inputs: what changed is updated in place.
func (s *standIn) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	diff := olds.Diff(news)
	if diff == nil || !diff.AnyChanges() {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	var changed []string
	for _, k := range diff.ChangedKeys() {
		changed = append(changed, string(k))
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: changed}, nil
}

func (s *standIn) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	args, err := plugin.UnmarshalProperties(req.GetArgs(), plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	region := s.region
	s.mu.Unlock()
	answer, err := mockcloud.Answer(region, req.GetTok(), args, world()...)
	if err != nil {
		return &pulumirpc.InvokeResponse{Failures: []*pulumirpc.CheckFailure{{Reason: "stand-in: " + err.Error()}}}, nil
	}
	out, err := plugin.MarshalProperties(answer, plugin.MarshalOptions{KeepSecrets: true})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: out}, nil
}

// The deploying test's API server: clusters the look-ups find are reached
// there (mockcloud.WithAPIServer).
const (
	apiServerVariable   = "MILVUS_EKS_STANDIN_API_SERVER"
	apiServerCAVariable = "MILVUS_EKS_STANDIN_API_SERVER_CA"
)

// world is what the test's environment says exists beyond the placeholders.
func world() []mockcloud.Option {
	if endpoint := os.Getenv(apiServerVariable); endpoint != "" {
		return []mockcloud.Option{mockcloud.WithAPIServer(endpoint, os.Getenv(apiServerCAVariable))}
	}
	return nil
}

// Create answers as the fake cloud would: the offline plan's ID and
// outputs for the resource.
func (s *standIn) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	id, outputs, err := s.created(req.GetUrn(), req.GetProperties())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: outputs}, nil
}

// Update answers with the outputs the new inputs would have had at creation.
func (s *standIn) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	_, outputs, err := s.created(req.GetUrn(), req.GetNews())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: outputs}, nil
}

func (s *standIn) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// created is the ID and outputs of a resource of this URN with these
// inputs, marshalled.
func (s *standIn) created(urn string, properties *structpb.Struct) (string, *structpb.Struct, error) {
	inputs, err := unmarshal(properties)
	if err != nil {
		return "", nil, err
	}
	s.mu.Lock()
	region := s.region
	s.mu.Unlock()
	u := resource.URN(urn)
	id, outputs, err := mockcloud.Created(region, string(u.Type()), u.Name(), inputs)
	if err != nil {
		return "", nil, err
	}
	if id == "" {
		id = u.Name() + "-id"
	}
	out, err := plugin.MarshalProperties(outputs, plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true})
	return id, out, err
}

func unmarshal(properties *structpb.Struct) (resource.PropertyMap, error) {
	return plugin.UnmarshalProperties(properties, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true})
}

func (s *standIn) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

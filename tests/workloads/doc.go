// Package workloads checks what the stack runs in Kubernetes as Kubernetes
// would get it: the vendored charts rendered by Helm's Go SDK with the
// values of each offline plan (tests/testdata), beside the program's own
// Kubernetes objects, and scored by kube-score.
//
// It is a module of its own: Helm's SDK and kube-score pull in most of
// Kubernetes' API groups, which the program's module must not compile for
// its own tests (docs/development.md, "How long it takes"). .ci/run runs
// its tests.
package workloads

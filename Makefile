# Everyday verbs. `make test`, `make synth` and `make generate` need only Go;
# `make preview`, `make up` and `make verify` need the Pulumi CLI and AWS
# credentials.
GO ?= go
STACK ?= dev
FORMAT ?= text
ACTIONLINT ?= github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

# Secrets a stack's deployer sets before its first `pulumi up`, assumed by
# the offline plan.
SECRETS_prod := milvusRootPassword
SECRETS_shared := milvusRootPassword
SECRETS ?= $(SECRETS_$(STACK))
# A stack with no Pulumi.<stack>.yaml yet is planned from its example
# (STACK=shared reads Pulumi.shared.yaml.example).
STACK_FILE ?= $(if $(wildcard Pulumi.$(STACK).yaml),,$(wildcard Pulumi.$(STACK).yaml.example))

.PHONY: test engine synth cost generate lint build preflight preview up verify backups restore ci

# The program's module, the post-deploy checker's and the workloads' (each a
# module of its own).
test:
	eval "$$(bash .ci/promtool)" && $(GO) test ./...
	$(GO) -C verify test ./...
	$(GO) -C tests/workloads test ./...

# The real-engine tests: every stack's preview, the delivery path, and the
# Kubernetes half deployed onto a local API server (README, "The real-engine
# preview"); the first run builds the Pulumi CLI and the Kubernetes pieces
# (about 30 minutes on 2 cores).
engine:
	eval "$$(bash .ci/engine-tools)" && eval "$$(bash .ci/kube-tools)" && $(GO) test -tags engine -run TestRealEngine -count=1 -timeout 30m ./tests

# Built once into bin/ rather than `go run`: go build skips relinking an
# up-to-date binary (0.4 s), where go run links again every time (about 10 s).
synth:
	$(GO) build -o bin/synth ./cmd/synth
	bin/synth -stack $(STACK) $(if $(STACK_FILE),-stack-file $(STACK_FILE)) -format $(FORMAT) $(foreach s,$(SECRETS),-assume-secret $(s))

# The monthly cost at the embedded list prices: the offline plan, priced.
cost:
	$(MAKE) synth FORMAT=cost

# Rewrites everything generated from Go values (infra/offline/generate):
# Pulumi.yaml's config block, the README's tables, the graph in
# docs/graph.md, the plan snapshots and the golden problems in
# tests/testdata. Review the diff.
generate:
	$(GO) generate ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) -C verify vet -tags integration ./...
	$(GO) -C tests/workloads vet ./...
	$(GO) run $(ACTIONLINT)

# The binary Pulumi runs (runtime.options.buildTarget in Pulumi.yaml).
build:
	$(GO) build -o bin/milvus-eks .

# With the project's policy pack, as the workflows run them.
preview:
	pulumi preview --stack $(STACK) --policy-pack infra/policypack

up:
	pulumi up --stack $(STACK) --policy-pack infra/policypack

# Before the first `pulumi up`: the tools, credentials, quotas, access-entry
# principals and certificate a deploy needs.
preflight:
	$(GO) -C verify run ./cmd/preflight -stack $(STACK) -dir $(CURDIR)

# Checks a deployed stack against AWS and its cluster.
verify:
	$(GO) -C verify run . -stack $(STACK) -dir $(CURDIR)

# A stack's backups, and a restore from one of them (docs/runbook.md,
# "Getting the data back"): milvus-backup run once in the cluster from the
# backup CronJob's template.
backups:
	$(GO) -C verify run ./cmd/restore -stack $(STACK) -dir $(CURDIR) -list

restore:
	$(GO) -C verify run ./cmd/restore -stack $(STACK) -dir $(CURDIR) -backup "$(BACKUP)" $(if $(COLLECTIONS),-collections "$(COLLECTIONS)") $(if $(SUFFIX),-suffix "$(SUFFIX)")

ci:
	bash .ci/run

# Everyday verbs. `make test` and `make synth` need only Go; `make preview`
# and `make up` need the Pulumi CLI and AWS credentials.
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

.PHONY: test synth snapshots lint build preview up ci

test:
	$(GO) test ./...

# Built once into bin/ rather than `go run`: go build skips relinking an
# up-to-date binary (0.4 s), where go run links again every time (about 10 s).
synth:
	$(GO) build -o bin/synth ./cmd/synth
	bin/synth -stack $(STACK) $(if $(STACK_FILE),-stack-file $(STACK_FILE)) -format $(FORMAT) $(foreach s,$(SECRETS),-assume-secret $(s))

# Rewrites tests/testdata/*.json and the README's graph; review the diff.
snapshots:
	$(GO) test ./tests -run 'TestSynthSnapshots|TestReadmeGraphIsGenerated' -update

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run $(ACTIONLINT)

# The binary Pulumi runs (runtime.options.buildTarget in Pulumi.yaml).
build:
	$(GO) build -o bin/milvus-eks .

preview:
	pulumi preview --stack $(STACK)

up:
	pulumi up --stack $(STACK)

ci:
	bash .ci/run

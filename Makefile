# pgsvc: `make up` deploys the dev stack on the local lab, `make test` runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
ROOT := $(CURDIR)
include tools/versions.mk

BIN   := $(ROOT)/.tools/bin
# Plugins stay off PATH: the engine takes them from PULUMI_HOME, where `make tools` installs them.
PLUGINS := $(ROOT)/.tools/plugins
STATE := $(ROOT)/.state
STACK ?= dev

export PATH := $(BIN):$(PATH)
export PULUMI_HOME := $(ROOT)/.tools/pulumi-home
export PULUMI_BACKEND_URL ?= file://$(STATE)/backend
export PULUMI_CONFIG_PASSPHRASE_FILE ?= $(STATE)/passphrase
export PULUMI_SKIP_UPDATE_CHECK := 1
export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING := true

sources = $(shell find $(1) -name '*.go' -o -name go.mod -o -name go.sum -o -name '*.json' | grep -v _test.go)
plugin_dir = $(PULUMI_HOME)/plugins/resource-$(1)-v$(2)

.PHONY: host-deps tools up preview destroy refresh stack test test-unit test-tools lab-up lab-down lab-reset lab-status check bench fmt vet

## Toolchain -----------------------------------------------------------------------------------
# The CLI writes every engine log line, at debug level and encrypted, to $(PULUMI_HOME)/logs for
# Pulumi's support (pulumi logs share): a fifth of the engine's CPU in a large preview or up. A
# file in place of that directory turns these logs off; -v and --logtostderr work as before.
tools: $(BIN)/pulumi $(BIN)/pulumi-upstream $(BIN)/pulumi-language-go \
	$(call plugin_dir,command,$(COMMAND_VERSION))/pulumi-resource-command \
	$(call plugin_dir,random,$(RANDOM_VERSION))/pulumi-resource-random \
	$(call plugin_dir,tls,$(TLS_VERSION))/pulumi-resource-tls
	@test -f $(PULUMI_HOME)/logs || { rm -rf $(PULUMI_HOME)/logs && touch $(PULUMI_HOME)/logs; }

# pulumi is ours: it runs pulumi-upstream, the upstream CLI, skipping checkpoints in dry runs.
# The CLI finds the language host next to itself.
$(BIN)/pulumi: $(call sources,tools/cli/cmd/pulumi) | $(BIN)/pulumi-upstream
	cd tools/cli && go build -o $@ ./cmd/pulumi

$(BIN)/pulumi-upstream: tools/cli/go.mod tools/cli/go.sum
	cd tools/cli && go build -o $@ \
		-ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(PULUMI_VERSION)" \
		github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

$(BIN)/pulumi-language-go: $(call sources,tools/cli/languagehost tools/cli/cmd/pulumi-language-go) tools/cli/go.mod tools/cli/go.sum
	cd tools/cli && go build -o $@ -ldflags "-X main.version=$(PULUMI_VERSION)" ./cmd/pulumi-language-go

$(PLUGINS)/pulumi-resource-command: $(call sources,tools/command)
	cd tools/command && go build -o $@ .

$(PLUGINS)/pulumi-resource-random: $(call sources,tools/random)
	OUT=$@ tools/random/build.sh

$(PLUGINS)/pulumi-resource-tls: $(call sources,tools/tls)
	cd tools/tls && go build -o $@ .

# The engine finds resource plugins in PULUMI_HOME.
$(call plugin_dir,command,$(COMMAND_VERSION))/pulumi-resource-command: $(PLUGINS)/pulumi-resource-command $(BIN)/pulumi
	pulumi plugin install resource command $(COMMAND_VERSION) --file $< --reinstall
$(call plugin_dir,random,$(RANDOM_VERSION))/pulumi-resource-random: $(PLUGINS)/pulumi-resource-random $(BIN)/pulumi
	pulumi plugin install resource random $(RANDOM_VERSION) --file $< --reinstall
$(call plugin_dir,tls,$(TLS_VERSION))/pulumi-resource-tls: $(PLUGINS)/pulumi-resource-tls $(BIN)/pulumi
	pulumi plugin install resource tls $(TLS_VERSION) --file $< --reinstall

## Host packages the tests use: haproxy -c for the golden configs, sshd for the plugin tests,
## psql (libpq) as the second client of the access checks, auditctl (auditd; the daemon is not
## used) for the secrets audit's trace of every exec on the lab.
HOST_PACKAGES := haproxy openssh-server openssh-client postgresql-client shellcheck auditd
host-deps:
	@missing=$$(for p in $(HOST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; fi

## Lab -------------------------------------------------------------------------------------------
lab-up:
	lab/lab up
lab-down:
	lab/lab down
lab-reset:
	lab/lab reset
lab-status:
	lab/lab status

## Stack -----------------------------------------------------------------------------------------
$(STATE)/passphrase:
	mkdir -p $(STATE) && chmod 700 $(STATE)
	umask 077 && head -c 32 /dev/urandom | base64 > $@

stack: tools $(STATE)/passphrase
	mkdir -p $(STATE)/backend
	pulumi stack select $(STACK) 2>/dev/null || pulumi stack init $(STACK) --non-interactive

# A stack that does not exist yet gets fresh lab nodes: disks left by another checkout's stack
# would hold a cluster this state knows nothing of.
up: tools lab-up $(STATE)/passphrase
	mkdir -p $(STATE)/backend
	pulumi stack select $(STACK) 2>/dev/null || { lab/lab reset && pulumi stack init $(STACK) --non-interactive; }
	pulumi up --stack $(STACK) --yes --non-interactive --skip-preview

preview: stack
	pulumi preview --stack $(STACK) --diff --non-interactive

refresh: stack
	pulumi refresh --stack $(STACK) --yes --non-interactive

destroy: stack
	pulumi destroy --stack $(STACK) --yes --non-interactive

## Tests -----------------------------------------------------------------------------------------
GO_TEST := go test -count=1

test-unit:
	$(GO_TEST) ./stacks/... ./render/... ./components/... ./check/... ./tests/unit/...

test-tools: tools
	cd tools/cli && $(GO_TEST) ./...
	cd tools/command && $(GO_TEST) ./...
	cd tools/tls && $(GO_TEST) ./...
	cd tools/random && PULUMI_RESOURCE_RANDOM=$(PLUGINS)/pulumi-resource-random $(GO_TEST) ./...

# Everything: unit and mock tests, the toolchain's own tests, then a deploy of the dev stack on
# the lab and the end-to-end tests against it.
test: host-deps tools vet
	$(MAKE) test-unit test-tools
	$(MAKE) up
	PGSVC_E2E=1 $(GO_TEST) -p 1 -timeout 60m ./...

# Benchmarks; they write bench/RESULTS.md. Not part of make test. REPS=N measures each figure N
# times instead of 3; ONLY=outage,rotation measures only those sections (deploy noop edit datapath
# outage rotation scale) and keeps the other figures of the previous RESULTS.md, marked with their
# run. Every section but scale measures the dev stack on the lab (make up first); scale deploys
# environments of up to 50 clusters on fake nodes (an sshd on loopback) and needs no lab.
comma := ,
bench_on_lab := $(if $(ONLY),$(filter-out scale,$(subst $(comma), ,$(ONLY))),all)
bench: tools host-deps
ifneq ($(bench_on_lab),)
	command -v pgbench >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15; }
	$(MAKE) up
endif
	cd bench && PGSVC_BENCH=1 PGSVC_E2E=1 PGSVC_BENCH_REPS=$(REPS) PGSVC_BENCH_ONLY=$(ONLY) $(GO_TEST) -timeout 3h -run TestBench -v . 2>&1 | tee $(ROOT)/bench/bench.log

check: stack
	go run ./cmd/pgsvc-check -stack $(STACK) -pulumi $(BIN)/pulumi

vet:
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './.tools/*')); \
		test -z "$$unformatted" || { echo "gofmt needed: $$unformatted"; exit 1; }
	go vet ./...

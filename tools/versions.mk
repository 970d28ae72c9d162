# Every tool version comes from a go.mod, so a version is pinned in exactly one place:
# - the Pulumi CLI and language host: tools/cli/go.mod (github.com/pulumi/pulumi/pkg/v3)
# - the command, random and tls plugins report the versions of the SDKs the program uses
#   (./go.mod), because the engine asks for the plugin version that the SDK declares.
modversion = $(shell cd $(1) && go list -m -f '{{.Version}}' $(2))

PULUMI_VERSION  := $(call modversion,tools/cli,github.com/pulumi/pulumi/pkg/v3)
COMMAND_VERSION := $(patsubst v%,%,$(call modversion,.,github.com/pulumi/pulumi-command/sdk))
RANDOM_VERSION  := $(patsubst v%,%,$(call modversion,.,github.com/pulumi/pulumi-random/sdk/v4))
TLS_VERSION     := $(patsubst v%,%,$(call modversion,.,github.com/pulumi/pulumi-tls/sdk/v5))

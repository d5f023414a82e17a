# loader/: pure C that understands solo's files (appliance config, the
# hypervisor's ELF image, Linux bzImages with their boot_params, e820 and
# MP table). It has no build products of its own: the boot
# stage, the hypervisor, the host tool and the unit tests each compile
# these sources with their own flags.
LOADER_ELF_SRCS := loader/elf_image.c
LOADER_CONFIG_SRCS := loader/config.c
LOADER_LINUX_SRCS := loader/linux_boot.c loader/mptable.c loader/acpi_tables.c loader/aml.c
# The host side of `solo build` (image -> initramfs). Host only: these
# link libarchive, jansson and libcrypto, so the boot stage and the
# hypervisor never compile them.
LOADER_SPEC_SRCS := loader/container_spec.c
LOADER_IMAGE_SRCS := loader/oci_image.c loader/registry_ref.c loader/rootfs.c loader/initramfs.c \
	$(LOADER_SPEC_SRCS) loader/container_build.c
LOADER_IMAGE_LIBS := -larchive -ljansson -lcrypto
# Registry pulls (host tool only): libcurl besides the above.
LOADER_REGISTRY_SRCS := loader/registry_auth.c loader/registry_pull.c

# `solo`, the host tool (loader/tool/): config + OCI images -> ESP image.
# It sits at the top of the build tree, so it finds the boot stage,
# hypervisor, guest kernel and guest init beside itself.
SOLO_TOOL_SRCS := $(wildcard loader/tool/*.c) $(LOADER_CONFIG_SRCS) $(LOADER_IMAGE_SRCS) \
	$(LOADER_REGISTRY_SRCS) loader/manifest.c loader/sha256.c
$(BUILD)/solo: $(SOLO_TOOL_SRCS) $(wildcard loader/tool/*.h) $(wildcard loader/*.h)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) -std=c11 -D_DEFAULT_SOURCE -O2 -g $(WARNINGS) -Iloader -Iloader/tool \
		-o $@ $(SOLO_TOOL_SRCS) $(LOADER_IMAGE_LIBS) -lcurl

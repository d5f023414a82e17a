# libFuzzer targets for the code that reads untrusted bytes: the bzImage
# loader, the appliance config parser, the boot stage's manifest parser,
# the MMIO instruction decoder (the
# bytes at a guest's RIP), the port-I/O device models (what a guest
# writes to a UART, the CMOS clock and the PCI host bridge), a network
# interface's registers and rings (virtio-net and the switch), the image
# reader (an image layer, and a whole docker-archive) and solo-init's
# DHCP client (a server's reply, off the container's network). Built with
# Debian's clang (-fsanitize=fuzzer plus AddressSanitizer and UBSan) into
# $(BUILD)/fuzz/.
#
#   make fuzz                 each target for FUZZ_TIME seconds (30)
#   make fuzz FUZZ_TIME=600   longer
#
# Each target starts from its seeds in tests/fuzz/corpus/NAME/ and keeps
# what it learns in $(BUILD)/fuzz/corpus-NAME/, so the tree stays clean
# and later runs pick up where earlier ones stopped. A crash leaves its
# input as $(BUILD)/fuzz/crash-* and fails the target.

FUZZ_CC ?= clang
FUZZ_TIME ?= 30
FUZZ_CFLAGS := -std=c11 -D_DEFAULT_SOURCE $(WARNINGS) -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -Ihypervisor/include -Ihypervisor -Iloader -Iguest-kernel/init

# NAME -> the production sources it links.
FUZZ_bzimage_SRCS := $(LOADER_LINUX_SRCS)
FUZZ_config_SRCS := loader/config.c
FUZZ_insn_decode_SRCS := hypervisor/core/insn_decode.c
FUZZ_layer_SRCS := loader/rootfs.c
FUZZ_layer_LIBS := -larchive
FUZZ_image_SRCS := $(LOADER_IMAGE_SRCS) loader/config.c
FUZZ_image_LIBS := $(LOADER_IMAGE_LIBS)
FUZZ_port_devices_SRCS := hypervisor/devices/uart16550.c hypervisor/devices/rtc_cmos.c \
	hypervisor/devices/pci_host.c
FUZZ_manifest_SRCS := loader/manifest.c loader/sha256.c
FUZZ_virtio_net_SRCS := hypervisor/devices/guest_ram.c hypervisor/devices/virtqueue.c hypervisor/devices/virtio_mmio.c \
	hypervisor/devices/virtio_net.c hypervisor/net/net_switch.c hypervisor/net/net_fdb.c
FUZZ_dhcp_SRCS := guest-kernel/init/dhcp.c
FUZZ_NAMES := bzimage config insn_decode port_devices manifest virtio_net layer image dhcp

.PHONY: fuzz fuzz-deps

fuzz-deps:
	$(Q)tests/deps.sh clang

define fuzz_target
$(BUILD)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $$(FUZZ_$(1)_SRCS) tests/fuzz/build.mk | fuzz-deps
	@mkdir -p $$(@D)
	@echo "  FUZZCC  $$@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $$@ tests/fuzz/fuzz_$(1).c $$(FUZZ_$(1)_SRCS) $$(FUZZ_$(1)_LIBS)
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call fuzz_target,$(n))))

fuzz: $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ_NAMES))
	$(Q)for n in $(FUZZ_NAMES); do \
		echo "  FUZZ    $$n for $(FUZZ_TIME) s"; \
		mkdir -p $(BUILD)/fuzz/corpus-$$n || exit 1; \
		$(BUILD)/fuzz/fuzz_$$n -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus-$$n tests/fuzz/corpus/$$n \
			>$(BUILD)/fuzz/$$n.log 2>&1 || { tail -40 $(BUILD)/fuzz/$$n.log; exit 1; }; \
		grep -E 'DONE' $(BUILD)/fuzz/$$n.log; \
	done

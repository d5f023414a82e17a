# solo: one non-recursive Makefile. Each folder contributes a fragment
# (build.mk) that adds its own targets; everything lands in $(BUILD).
#
#   make          build BOOTX64.EFI, the hypervisor ELF and the ESP image
#   make run      boot the image in the best emulator available
#   make test     host unit tests, then the emulator tests
#
# `make deps` installs the Debian packages the build needs (run, test and
# the default target call it first).

BUILD ?= build
HOSTCC ?= gcc
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes

.DEFAULT_GOAL := all
.PHONY: all deps run test unit-tests emu-tests clean format

all: deps $(BUILD)/esp.img

deps:
	$(Q)tests/deps.sh

include loader/build.mk
include hypervisor/build.mk
include boot/build.mk
include guest-kernel/build.mk
include tests/build.mk
include tests/fuzz/build.mk

# The ESP image: a FAT16 superfloppy whose size is a whole number of
# Bochs cylinders (16 heads x 63 sectors), so Bochs and QEMU both take it.
# It holds the example appliance: the self-test probe VM on every CPU and a
# Linux partition booting the guest kernel with the test initramfs.
EXAMPLE_CONF := tests/emu/example-appliance.conf
ESP_FILES := $(BUILD)/boot/BOOTX64.EFI $(BUILD)/hypervisor/solo.elf $(EXAMPLE_CONF) \
	$(GUEST_KERNEL) $(GUEST_TEST_INITRAMFS)
$(BUILD)/esp.img: $(ESP_FILES) tests/emu/make-esp.sh
	@echo "  ESP     $@"
	$(Q)tests/emu/make-esp.sh $@ $(BUILD)/boot/BOOTX64.EFI $(BUILD)/hypervisor/solo.elf \
		$(EXAMPLE_CONF) '\solo\bzImage'=$(GUEST_KERNEL) '\solo\test.cpio'=$(GUEST_TEST_INITRAMFS)

run: all
	$(Q)tests/emu/run.sh $(BUILD)/esp.img

clean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

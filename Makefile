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

# The ESP image of the example appliance, written by the host tool like
# any appliance: the self-test probe VM on every CPU, a Linux partition
# booting the guest kernel with the test initramfs (passed with --file, as
# the config's [vm] sections name it) and two containers from images built
# from busybox alone (tests/emu/make-example-images.sh).
EXAMPLE_CONF := tests/emu/example-appliance.conf
EXAMPLE_IMAGES := $(BUILD)/example-images
ESP_FILES := $(BUILD)/solo $(BUILD)/boot/BOOTX64.EFI $(BUILD)/hypervisor/solo.elf $(EXAMPLE_CONF) \
	$(GUEST_KERNEL) $(GUEST_INIT) $(GUEST_TEST_INITRAMFS) $(EXAMPLE_IMAGES)/.stamp
$(BUILD)/esp.img: $(ESP_FILES)
	@echo "  SOLO    $@"
	$(Q)$(BUILD)/solo build $(EXAMPLE_CONF) -o $@ --kernel $(GUEST_KERNEL) --init $(GUEST_INIT) \
		--boot $(BUILD)/boot/BOOTX64.EFI --hypervisor $(BUILD)/hypervisor/solo.elf \
		--file '\solo\test.cpio'=$(GUEST_TEST_INITRAMFS) --file '\solo\hostile.bin'=$(GUEST_HOSTILE)
$(EXAMPLE_IMAGES)/.stamp: tests/emu/make-example-images.sh $(wildcard /bin/busybox)
	@echo "  IMAGES  $(@D)"
	$(Q)tests/emu/make-example-images.sh $(@D) >/dev/null && touch $@

run: all
	$(Q)tests/emu/run.sh $(BUILD)/esp.img

clean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

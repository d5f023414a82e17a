# guest-kernel/: the Linux kernel solo boots in a partition and the test
# initramfs whose /init checks what a guest sees (`make guest` builds
# both). The kernel is built by build-kernel.sh from Debian's
# linux-source-6.1 (unpacked once into $(BUILD)/guest/linux, 1.5 GiB, a
# few minutes the first time); the script keeps its own cache key, so a
# run with unchanged inputs returns at once. The initramfs is Debian's
# static busybox plus the static test programs in guest-kernel/test/.

GUEST_DIR := $(BUILD)/guest
GUEST_KERNEL := $(GUEST_DIR)/bzImage
GUEST_TEST_INITRAMFS := $(GUEST_DIR)/test-initramfs.cpio

.PHONY: guest
guest: $(GUEST_KERNEL) $(GUEST_TEST_INITRAMFS)

# deps is order-only: it installs the kernel source and tools, and must
# not make the kernel look out of date. The tarball is a prerequisite
# when present, so a Debian update of it rebuilds.
$(GUEST_KERNEL): guest-kernel/build-kernel.sh guest-kernel/config.fragment \
		$(wildcard /usr/src/linux-source-6.1.tar.xz) | deps
	$(Q)guest-kernel/build-kernel.sh $(GUEST_DIR)

$(GUEST_TEST_INITRAMFS): guest-kernel/build-test-initramfs.sh $(wildcard guest-kernel/test/*) \
		$(wildcard /bin/busybox) | deps
	$(Q)HOSTCC=$(HOSTCC) guest-kernel/build-test-initramfs.sh $@

# tests/emu/scenario-qemu-guest-linux.sh and the Bochs Linux scenario boot these.
test: $(GUEST_KERNEL) $(GUEST_TEST_INITRAMFS)

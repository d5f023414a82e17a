# guest-kernel/: the Linux kernel solo boots in a partition and the test
# initramfs whose /init checks what a guest sees (`make guest` builds
# both). The kernel is built by build-kernel.sh from Debian's
# linux-source-6.1 (unpacked once into $(BUILD)/guest/linux, 1.5 GiB, a
# few minutes the first time); the script keeps its own cache key, so a
# run with unchanged inputs returns at once. The initramfs is Debian's
# static busybox plus the static test programs in guest-kernel/test/.
# solo-init (guest-kernel/init/) is the guest init of every container
# partition: a static binary the host tool puts at /.solo/init.

GUEST_DIR := $(BUILD)/guest
GUEST_KERNEL := $(GUEST_DIR)/bzImage
GUEST_TEST_INITRAMFS := $(GUEST_DIR)/test-initramfs.cpio
GUEST_INIT := $(GUEST_DIR)/solo-init
GUEST_INIT_SRCS := guest-kernel/init/solo-init.c guest-kernel/init/spec.c guest-kernel/init/clone_point.c \
	guest-kernel/init/net_setup.c guest-kernel/init/dhcp.c
GUEST_HOSTILE := $(GUEST_DIR)/hostile.bin
GUEST_HOSTILE_SRCS := guest-kernel/freestanding/bzimage-header.S guest-kernel/hostile/head.S \
	guest-kernel/hostile/hostile.c guest-kernel/hostile/net_attack.c
GUEST_CTXCHECK := $(GUEST_DIR)/ctxcheck.bin
GUEST_CTXCHECK_USER := $(GUEST_DIR)/ctxcheck-user
GUEST_CTXCHECK_SRCS := guest-kernel/freestanding/bzimage-header.S guest-kernel/ctxcheck/head.S \
	guest-kernel/ctxcheck/spin.S guest-kernel/ctxcheck/ctxcheck.c guest-kernel/ctxcheck/xstate.c \
	guest-kernel/ctxcheck/gprs.c

.PHONY: guest
guest: $(GUEST_KERNEL) $(GUEST_TEST_INITRAMFS) $(GUEST_INIT) $(GUEST_HOSTILE) $(GUEST_CTXCHECK) \
	$(GUEST_CTXCHECK_USER)

# deps is order-only: it installs the kernel source and tools, and must
# not make the kernel look out of date. The tarball is a prerequisite
# when present, so a Debian update of it rebuilds.
$(GUEST_KERNEL): guest-kernel/build-kernel.sh guest-kernel/config.fragment \
		$(wildcard /usr/src/linux-source-6.1.tar.xz) | deps
	$(Q)guest-kernel/build-kernel.sh $(GUEST_DIR)

$(GUEST_TEST_INITRAMFS): guest-kernel/build-test-initramfs.sh guest-kernel/cpio-lib.sh \
		$(wildcard guest-kernel/test/*) guest-kernel/include/solo_hypercall.h \
		$(wildcard /bin/busybox) | deps
	$(Q)HOSTCC=$(HOSTCC) guest-kernel/build-test-initramfs.sh $@

# Static against glibc (libc6-dev has the static libraries), like the test
# programs: the container's root file system may have no libc at all.
$(GUEST_INIT): $(GUEST_INIT_SRCS) $(wildcard guest-kernel/init/*.h) \
		guest-kernel/include/solo_hypercall.h
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(HOSTCC) -static -O2 -s -std=c11 $(WARNINGS) -Iguest-kernel/include \
		-Iguest-kernel/init -o $@ $(GUEST_INIT_SRCS)

# tests/emu/scenario-qemu-guest-linux.sh and the Bochs Linux scenario boot
# the first two; scenario-qemu-container-init.sh boots solo-init.
test: $(GUEST_KERNEL) $(GUEST_TEST_INITRAMFS) $(GUEST_INIT)

# The hostile partition of the example appliance (guest-kernel/hostile/):
# a freestanding 32-bit guest wrapped in a bzImage setup header, linked
# at its pref_address of 1 MiB. No libc, no libgcc: -nostdlib and
# -ffreestanding, and nothing that asks the compiler for SSE.
$(GUEST_HOSTILE): $(GUEST_HOSTILE_SRCS) guest-kernel/hostile/hostile.ld \
		$(wildcard guest-kernel/freestanding/*.h)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(HOSTCC) -m32 -march=i686 -O2 -std=gnu11 $(WARNINGS) -ffreestanding -fno-pic \
		-Iguest-kernel/freestanding \
		-fno-stack-protector -fno-asynchronous-unwind-tables -mgeneral-regs-only \
		-nostdlib -static -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-T,guest-kernel/hostile/hostile.ld \
		-o $(@:.bin=.elf) $(GUEST_HOSTILE_SRCS)
	$(Q)objcopy -O binary $(@:.bin=.elf) $@

# The context-check guest (guest-kernel/ctxcheck/): a freestanding 64-bit
# guest, built the same way; its C code may not use SSE or x87, as it
# keeps its own values in those registers while it is preempted.
$(GUEST_CTXCHECK): $(GUEST_CTXCHECK_SRCS) guest-kernel/ctxcheck/ctxcheck.ld \
		$(wildcard guest-kernel/ctxcheck/*.h) $(wildcard guest-kernel/freestanding/*.h) \
		guest-kernel/include/solo_hypercall.h
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(HOSTCC) -m64 -O2 -std=gnu11 $(WARNINGS) -ffreestanding -fno-pic -mno-red-zone \
		-Iguest-kernel/freestanding -Iguest-kernel/include \
		-fno-stack-protector -fno-asynchronous-unwind-tables -mgeneral-regs-only \
		-nostdlib -static -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		-Wl,-T,guest-kernel/ctxcheck/ctxcheck.ld -o $(@:.bin=.elf) $(GUEST_CTXCHECK_SRCS)
	$(Q)objcopy -O binary $(@:.bin=.elf) $@

# The same checks as a static Linux program, for a container
# (tests/emu/make-ctxcheck-image.sh makes an image of it).
CTXCHECK_USER_SRCS := guest-kernel/ctxcheck/user.c guest-kernel/ctxcheck/xstate.c \
	guest-kernel/ctxcheck/gprs.c guest-kernel/ctxcheck/spin.S
$(GUEST_CTXCHECK_USER): $(CTXCHECK_USER_SRCS) $(wildcard guest-kernel/ctxcheck/*.h)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(HOSTCC) -static -O2 -s -std=gnu11 $(WARNINGS) -mgeneral-regs-only \
		-Iguest-kernel/ctxcheck -o $@ $(CTXCHECK_USER_SRCS)

# The ESP image carries it as \solo\hostile.bin (the Makefile's --file).
$(BUILD)/esp.img: $(GUEST_HOSTILE)

# Debian's cloud kernel, fetched from the archive (not installed) by
# guest-kernel/stock/, and the initramfs the tests boot it with: a stock
# distribution kernel that knows ACPI and no MP table.
STOCK_DIR := $(BUILD)/stock
STOCK_KERNEL := $(STOCK_DIR)/vmlinuz
STOCK_INITRAMFS := $(STOCK_DIR)/stock.cpio
$(STOCK_KERNEL): guest-kernel/stock/fetch-kernel.sh | deps
	$(Q)guest-kernel/stock/fetch-kernel.sh $(STOCK_DIR)
$(STOCK_INITRAMFS): guest-kernel/stock/build-initramfs.sh guest-kernel/cpio-lib.sh \
		$(wildcard /bin/busybox) $(STOCK_KERNEL)
	@mkdir -p $(@D)
	@echo "  CPIO    $@"
	$(Q)guest-kernel/stock/build-initramfs.sh $@ $(STOCK_DIR)/modules

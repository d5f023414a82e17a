# hypervisor/: the freestanding ELF, linked by linker.ld against newlib
# (built once from Debian's newlib-source into $(BUILD)/newlib).

NEWLIB_DIR := $(BUILD)/newlib/install/x86_64-elf
NEWLIB_LIBC := $(NEWLIB_DIR)/lib/libc.a

HV_SRCS := $(shell find hypervisor -name '*.c' -o -name '*.S' | sort) $(LOADER_CONFIG_SRCS) $(LOADER_LINUX_SRCS) \
	loader/manifest.c loader/sha256.c
HV_OBJS := $(patsubst %,$(BUILD)/hv/%.o,$(HV_SRCS))

# -mgeneral-regs-only: solo never touches the guest's FPU/SSE/AVX state,
# so it needs no save/restore of it around exits (checked after linking).
HV_CFLAGS := -std=c11 $(WARNINGS) -O2 -g -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
	-mno-red-zone -mgeneral-regs-only -mcmodel=kernel -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -nostdinc -isystem $(NEWLIB_DIR)/include \
	-isystem $(shell $(HOSTCC) -print-file-name=include) \
	-Ihypervisor/arch/x86/include -Ihypervisor/include -Ihypervisor -Iloader -MMD -MP

$(NEWLIB_LIBC): hypervisor/lib/build-newlib.sh
	$(Q)hypervisor/lib/build-newlib.sh $(BUILD)

$(BUILD)/hv/%.c.o: %.c $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(HOSTCC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.S.o: %.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(HOSTCC) $(HV_CFLAGS) -c $< -o $@

# solo.debug.elf keeps the debug information (gdb, addr2line); the ESP
# gets solo.elf without it: 0.2 MiB instead of 1.1 MiB for the boot stage
# to read and check against the manifest at every boot (some 100 M
# instructions in Bochs). The symbols stay.
$(BUILD)/hypervisor/solo.debug.elf: $(HV_OBJS) linker.ld $(NEWLIB_LIBC) hypervisor/check-no-simd.sh
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)ld -nostdlib -static -z max-page-size=4096 -z noexecstack -T linker.ld -o $@ $(HV_OBJS) \
		$(NEWLIB_LIBC) $(shell $(HOSTCC) -print-libgcc-file-name)
	$(Q)hypervisor/check-no-simd.sh $@

$(BUILD)/hypervisor/solo.elf: $(BUILD)/hypervisor/solo.debug.elf
	@echo "  STRIP   $@"
	$(Q)objcopy --strip-debug $< $@

-include $(HV_OBJS:.o=.d)

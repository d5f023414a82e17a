# boot/: the UEFI boot stage, $(BUILD)/boot/BOOTX64.EFI, built with
# Debian's gnu-efi: compiled as position-independent ELF, linked against
# gnu-efi's crt0 and libraries with its linker script, then converted to
# a PE32+ EFI application. It also compiles the pure loader code and the
# hypervisor's VMX capability check with the same EFI flags.

EFI_INCLUDE := /usr/include/efi
EFI_LIB := /usr/lib
EFI_CRT0 := $(EFI_LIB)/crt0-efi-x86_64.o
EFI_LDS := $(EFI_LIB)/elf_x86_64_efi.lds

# GNU_EFI_USE_MS_ABI makes EFIAPI mean ms_abi, so firmware services are
# called directly rather than through uefi_call_wrapper. No red zone and
# no SSE: firmware interrupt handlers run on our stack. Loop-to-memcpy
# rewriting is off because boot/libc.c implements memmove with a loop.
EFI_CFLAGS := -std=c11 $(WARNINGS) -O2 -g -ffreestanding -fpic -fshort-wchar \
	-fno-stack-protector -fno-stack-check -fno-strict-aliasing \
	-fno-tree-loop-distribute-patterns -mno-red-zone -mgeneral-regs-only \
	-maccumulate-outgoing-args -DGNU_EFI_USE_MS_ABI \
	-isystem $(EFI_INCLUDE) -isystem $(EFI_INCLUDE)/x86_64 \
	-Iboot -Iloader -Ihypervisor/arch/x86/include -Ihypervisor/include -Ihypervisor -MMD -MP

BOOT_SRCS := $(wildcard boot/*.c) $(wildcard boot/*.S)
BOOT_SHARED_SRCS := loader/elf_image.c loader/config.c loader/manifest.c loader/sha256.c \
	$(LOADER_LINUX_SRCS) \
	hypervisor/vmx/vmx_caps.c hypervisor/mm/page_table.c hypervisor/mm/host_paging.c
BOOT_OBJS := $(addprefix $(BUILD)/boot/,$(notdir $(patsubst %.S,%.o,$(BOOT_SRCS:.c=.o)) \
	$(BOOT_SHARED_SRCS:.c=.o)))

$(BUILD)/boot/%.o: boot/%.c
	@mkdir -p $(@D)
	@echo "  EFICC   $@"
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/boot/%.o: boot/%.S
	@mkdir -p $(@D)
	@echo "  EFIAS   $@"
	$(Q)$(CC) -c $< -o $@

$(BUILD)/boot/%.o: loader/%.c
	@mkdir -p $(@D)
	@echo "  EFICC   $@"
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/boot/%.o: hypervisor/vmx/%.c
	@mkdir -p $(@D)
	@echo "  EFICC   $@"
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/boot/%.o: hypervisor/mm/%.c
	@mkdir -p $(@D)
	@echo "  EFICC   $@"
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/boot/BOOTX64.so: $(BOOT_OBJS) boot/build.mk
	@echo "  EFILD   $@"
	$(Q)$(LD) -nostdlib -znocombreloc -shared -Bsymbolic -T $(EFI_LDS) -L$(EFI_LIB) \
		$(EFI_CRT0) $(BOOT_OBJS) -lefi -lgnuefi -o $@
	@# A shared object links with symbols left undefined; an EFI application
	@# has nothing to resolve them, so a call to one jumps nowhere.
	$(Q)undefined=$$(nm -u $@); [ -z "$$undefined" ] || \
		{ echo "boot stage: undefined symbols: $$undefined" >&2; rm -f $@; exit 1; }

$(BUILD)/boot/BOOTX64.EFI: $(BUILD)/boot/BOOTX64.so
	@echo "  EFIAPP  $@"
	$(Q)objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j '.rel.*' -j '.rela.*' -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@

-include $(BOOT_OBJS:.o=.d)

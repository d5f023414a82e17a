/*
 * Loads the hypervisor's ELF image into one physically contiguous block.
 * The block is 2 MiB aligned and a whole number of 2 MiB pages long
 * because the kernel window maps it with 2 MiB pages: a partial last page
 * would map memory the hypervisor does not own.
 */
#include "boot.h"
#include "memory_map.h"
#include "page_tables.h"

/* The firmware's clear (rep stos in OVMF): gnu-efi's memset goes a byte
 * at a time, some 58 M instructions in Bochs for the hypervisor's 14 MiB
 * of bss. */
static void firmware_zero(void *dest, size_t len)
{
	uefi_call_wrapper(BS->SetMem, 3, dest, (UINTN)len, 0);
}

bool hypervisor_load(const struct boot_file *elf, const struct elf_image_info *info,
                     EFI_PHYSICAL_ADDRESS *phys, UINT64 *size)
{
	const UINT64 align = PAGE_TABLES_LARGE_PAGE;
	UINT64 block = (info->span + align - 1) & ~(align - 1);
	if (!pages_alloc_aligned(MEMORY_MAP_TYPE_HYPERVISOR, (UINTN)block, (UINTN)align, phys))
		return false;
	/* Cannot fail for a checked file; a failure means the file's
	 * memory was overwritten after the check. */
	if (!elf_image_load((const void *)(UINTN)elf->base, elf->size, info, (void *)(UINTN)*phys,
	                    (size_t)block, firmware_zero)) {
		console_error(L"%s: changed in memory after it was checked", BOOT_HYPERVISOR_PATH);
		return false;
	}
	*size = block;
	return true;
}

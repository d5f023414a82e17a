/*
 * Sets up the address space the hypervisor starts in (boot/page_tables.c
 * builds it): all physical memory identity mapped, at least the low
 * 4 GiB where the local APIC, IOAPIC and other MMIO live, and the kernel
 * window over the hypervisor's block. The tables go into
 * MEMORY_MAP_TYPE_HYPERVISOR pages. The memory map read here also tells,
 * while errors can still be printed, whether the final map will fit the
 * handoff block.
 */
#include "boot.h"
#include "cpu.h"
#include "memory_map.h"
#include "page_tables.h"

#define CR4_LA57 (1ULL << 12)
#define FOUR_GIB (4ULL << 30)

bool address_space_build(struct handoff *h)
{
	/* Four-level tables mean nothing to a CPU in 5-level paging. */
	if (cpu_read_cr4() & CR4_LA57) {
		console_error(
		    L"the firmware runs with 5-level paging, which solo does not support");
		return false;
	}

	UINTN entries, key, desc_size;
	UINT32 desc_version;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&entries, &key, &desc_size, &desc_version);
	if (!map) {
		console_error(L"cannot read the UEFI memory map");
		return false;
	}
	UINT64 top = memory_map_top(map, entries * desc_size, desc_size);
	bool fits = memory_map_convert(map, entries * desc_size, desc_size, h);
	FreePool(map);
	if (!fits) {
		console_error(L"the memory map has more than %d distinct ranges",
		              HANDOFF_MAX_MEMORY_RANGES);
		return false;
	}
	if (top < FOUR_GIB)
		top = FOUR_GIB;
	if (top > PAGE_TABLES_MAX_TOP) {
		console_error(L"physical memory reaches 0x%lx, beyond the 64 TiB solo maps", top);
		return false;
	}

	UINTN size = page_tables_size(top, h->hypervisor_size);
	EFI_PHYSICAL_ADDRESS tables;
	if (!pages_alloc(MEMORY_MAP_TYPE_HYPERVISOR, size, &tables))
		return false;
	memset((void *)(UINTN)tables, 0, size);
	h->boot_pml4 = page_tables_build((void *)(UINTN)tables, size, top, h->hypervisor_phys_base,
	                                 h->hypervisor_size);
	if (!h->boot_pml4) {
		console_error(L"page tables do not fit their %ld-byte buffer", (UINT64)size);
		return false;
	}
	console_info(
	    L"page tables at 0x%lx: identity map up to 0x%lx, kernel window 0x%lx -> 0x%lx", tables,
	    top, HANDOFF_HYPERVISOR_VIRT_BASE, h->hypervisor_phys_base);
	return true;
}

/*
 * Page allocations of the boot stage, all with solo's own UEFI memory
 * types so they stay recognisable in the final memory map. Each one is
 * remembered: when a step fails, efi_main frees them all before returning
 * to the firmware, so a failed boot leaves no memory behind.
 */
#include "boot.h"

/* Every [vm]'s and container's files, plus the fixed ones: the config,
 * the hypervisor's file and block, the trampoline, the handoff block, the
 * stack and the page tables, with room to spare. */
#define MAX_ALLOCATIONS (BOOT_VM_FILES_MAX + 16)

struct allocation {
	EFI_PHYSICAL_ADDRESS base;
	UINTN pages;
};

static struct allocation allocations[MAX_ALLOCATIONS];
static unsigned allocation_count;

static UINTN pages_for(UINTN bytes)
{
	return EFI_SIZE_TO_PAGES(bytes ? bytes : 1);
}

static bool allocate(EFI_ALLOCATE_TYPE how, UINT32 type, UINTN pages, EFI_PHYSICAL_ADDRESS *addr)
{
	if (allocation_count == MAX_ALLOCATIONS) {
		console_error(L"out of allocation slots (boot stage bug)");
		return false;
	}
	EFI_STATUS status = BS->AllocatePages(how, (EFI_MEMORY_TYPE)type, pages, addr);
	if (EFI_ERROR(status)) {
		console_error(L"cannot allocate %ld KiB of memory: %r", (UINT64)pages * 4, status);
		return false;
	}
	allocations[allocation_count++] = (struct allocation){*addr, pages};
	return true;
}

bool pages_alloc(UINT32 type, UINTN bytes, EFI_PHYSICAL_ADDRESS *addr)
{
	return allocate(AllocateAnyPages, type, pages_for(bytes), addr);
}

bool pages_alloc_below(UINT32 type, UINTN bytes, EFI_PHYSICAL_ADDRESS max_addr,
                       EFI_PHYSICAL_ADDRESS *addr)
{
	*addr = max_addr;
	return allocate(AllocateMaxAddress, type, pages_for(bytes), addr);
}

/* UEFI cannot allocate with an alignment, so take align bytes more and
 * give back the slack on both sides: the memory map then shows exactly
 * the aligned block. */
bool pages_alloc_aligned(UINT32 type, UINTN bytes, UINTN align, EFI_PHYSICAL_ADDRESS *addr)
{
	UINTN pages = pages_for(bytes);
	EFI_PHYSICAL_ADDRESS raw;
	if (!allocate(AllocateAnyPages, type, pages + EFI_SIZE_TO_PAGES(align), &raw))
		return false;
	EFI_PHYSICAL_ADDRESS aligned = (raw + align - 1) & ~((EFI_PHYSICAL_ADDRESS)align - 1);
	UINTN head = EFI_SIZE_TO_PAGES(aligned - raw);
	UINTN tail = EFI_SIZE_TO_PAGES(align) - head;
	if (head)
		BS->FreePages(raw, head);
	if (tail)
		BS->FreePages(aligned + (EFI_PHYSICAL_ADDRESS)pages * EFI_PAGE_SIZE, tail);
	allocations[allocation_count - 1] = (struct allocation){aligned, pages};
	*addr = aligned;
	return true;
}

void pages_free_all(void)
{
	while (allocation_count > 0) {
		struct allocation *a = &allocations[--allocation_count];
		BS->FreePages(a->base, a->pages);
	}
}

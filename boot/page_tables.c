/*
 * The tables the hypervisor starts on, built with the hypervisor's own
 * builder (hypervisor/mm/host_paging.c: identity map plus kernel window,
 * 2 MiB pages, as the hypervisor later builds its own) over a buffer the
 * boot stage allocated from the firmware. The firmware identity maps
 * memory, so the buffer's address is also its physical address, as the
 * builder expects. Sizing stays here: the buffer is taken before building.
 */
#include "page_tables.h"

#include "mm/host_paging.h"
#include "public/handoff.h"

#define TABLE_SIZE 4096ULL
#define GIB        (1ULL << 30)
#define PDPT_SPAN  (512 * GIB)
/* PML4, and the kernel window's PDPT and PD. */
#define FIXED_TABLES 3

size_t page_tables_size(uint64_t top, uint64_t image_size)
{
	(void)image_size; /* the window always fits its one PD */
	uint64_t pds = (top + GIB - 1) / GIB, pdpts = (top + PDPT_SPAN - 1) / PDPT_SPAN;
	return (size_t)((FIXED_TABLES + pdpts + pds) * TABLE_SIZE);
}

/* The builder asks for one table page at a time, with no argument: the
 * buffer being carved is kept here for the one build in progress. */
static uint8_t *bump_next, *bump_end;

static hpa_t bump_alloc(void)
{
	if (bump_next == bump_end)
		return 0;
	uint8_t *page = bump_next;
	bump_next += TABLE_SIZE;
	return (hpa_t)(uintptr_t)page; /* zeroed by the caller */
}

uint64_t page_tables_build(void *buf, size_t size, uint64_t top, uint64_t image_phys,
                           uint64_t image_size)
{
	bump_next = buf;
	bump_end = (uint8_t *)buf + size;
	return host_paging_build(bump_alloc, top, HANDOFF_HYPERVISOR_VIRT_BASE, image_phys,
	                         image_size, false);
}

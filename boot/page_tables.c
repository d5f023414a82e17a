/*
 * Builds the hypervisor's start-up page tables (SDM Vol. 3 4.5, 4-level
 * paging). Layout of the buffer, one 4 KiB table each:
 *   page 0                 PML4
 *   page 1                 PDPT for the kernel window (PML4 entry 511)
 *   page 2                 PD for the kernel window (PDPT entry 510)
 *   pages 3 ..             PDPTs of the identity map, one per 512 GiB
 *   then                   PDs of the identity map, one per 1 GiB
 * Every leaf is a 2 MiB page, present and writable, with the default
 * memory type (PAT entry 0, so the MTRRs decide, as under the firmware).
 */
#include "page_tables.h"

#include "public/handoff.h"

#define TABLE_ENTRIES 512
#define TABLE_SIZE    4096ULL
#define GIB           (1ULL << 30)
#define PDPT_SPAN     (512 * GIB)

#define FIXED_TABLES 3

static uint64_t identity_pds(uint64_t top)
{
	return (top + GIB - 1) / GIB;
}

static uint64_t identity_pdpts(uint64_t top)
{
	return (top + PDPT_SPAN - 1) / PDPT_SPAN;
}

size_t page_tables_size(uint64_t top, uint64_t image_size)
{
	(void)image_size; /* the window always fits its one PD */
	return (size_t)((FIXED_TABLES + identity_pdpts(top) + identity_pds(top)) * TABLE_SIZE);
}

static unsigned index_of(uint64_t virt, unsigned level_shift)
{
	return (unsigned)((virt >> level_shift) & (TABLE_ENTRIES - 1));
}

void page_tables_build(void *buf, uint64_t buf_phys, uint64_t top, uint64_t image_phys,
                       uint64_t image_size)
{
	const uint64_t table = PAGE_TABLES_PRESENT | PAGE_TABLES_WRITE;
	const uint64_t leaf = table | PAGE_TABLES_LARGE;
	uint64_t *tables = buf;
	uint64_t *pml4 = tables;
	uint64_t *window_pdpt = tables + TABLE_ENTRIES;
	uint64_t *window_pd = tables + 2 * TABLE_ENTRIES;
	uint64_t pdpts = identity_pdpts(top), pds = identity_pds(top);
	uint64_t first_pdpt = FIXED_TABLES, first_pd = FIXED_TABLES + pdpts;

	for (uint64_t i = 0; i < pdpts; i++)
		pml4[i] = (buf_phys + (first_pdpt + i) * TABLE_SIZE) | table;
	for (uint64_t i = 0; i < pds; i++) {
		/* PDPT entries of consecutive PDPTs are consecutive too. */
		tables[first_pdpt * TABLE_ENTRIES + i] =
		    (buf_phys + (first_pd + i) * TABLE_SIZE) | table;
		uint64_t *pd = tables + (first_pd + i) * TABLE_ENTRIES;
		for (unsigned j = 0; j < TABLE_ENTRIES; j++)
			pd[j] = (i * GIB + j * PAGE_TABLES_LARGE_PAGE) | leaf;
	}

	uint64_t base = HANDOFF_HYPERVISOR_VIRT_BASE;
	pml4[index_of(base, 39)] = (buf_phys + 1 * TABLE_SIZE) | table;
	window_pdpt[index_of(base, 30)] = (buf_phys + 2 * TABLE_SIZE) | table;
	for (uint64_t off = 0; off < image_size; off += PAGE_TABLES_LARGE_PAGE)
		window_pd[index_of(base + off, 21)] = (image_phys + off) | leaf;
}

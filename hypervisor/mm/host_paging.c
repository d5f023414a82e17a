/*
 * Host page tables: all physical memory identity mapped (so a physical
 * address is a pointer), and the image at its link address. Large pages
 * keep this to a handful of table pages.
 */
#include "mm/host_paging.h"
#include "mm/page_table.h"

static const struct page_table_format host_format_2m = {
    .table_bits = PT_PRESENT | PT_WRITE,
    .leaf_bits = PT_PRESENT | PT_WRITE,
    .allow_2m = true,
};
static const struct page_table_format host_format_1g = {
    .table_bits = PT_PRESENT | PT_WRITE,
    .leaf_bits = PT_PRESENT | PT_WRITE,
    .allow_2m = true,
    .allow_1g = true,
};

hpa_t host_paging_build(page_table_alloc_fn alloc, uint64_t top, uint64_t virt_base,
                        hpa_t image_phys, uint64_t image_size, bool allow_1g)
{
	struct page_table pt;
	if (!page_table_init(&pt, allow_1g ? &host_format_1g : &host_format_2m, alloc))
		return 0;
	top = (top + PAGE_SIZE_2M - 1) & ~(PAGE_SIZE_2M - 1);
	image_size = (image_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (!page_table_map(&pt, 0, 0, top) ||
	    !page_table_map(&pt, virt_base, image_phys, image_size))
		return 0;
	return pt.root;
}

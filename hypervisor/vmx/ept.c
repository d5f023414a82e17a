/*
 * EPT on top of the shared page-table builder. The EPT pointer selects a
 * 4-level walk (encoded as 3) and write-back paging structures (SDM 24.6.11).
 */
#include "vmx/ept.h"

#define EPTP_MEMTYPE_WB    6ULL
#define EPTP_WALK_LENGTH_4 (3ULL << 3)

static const struct page_table_format ept_format_4k = {
    .table_bits = EPT_READ | EPT_WRITE | EPT_EXECUTE,
    .leaf_bits = EPT_READ | EPT_WRITE | EPT_EXECUTE | EPT_MEMTYPE_WB,
};
static const struct page_table_format ept_format_2m = {
    .table_bits = EPT_READ | EPT_WRITE | EPT_EXECUTE,
    .leaf_bits = EPT_READ | EPT_WRITE | EPT_EXECUTE | EPT_MEMTYPE_WB,
    .allow_2m = true,
};
static const struct page_table_format ept_format_1g = {
    .table_bits = EPT_READ | EPT_WRITE | EPT_EXECUTE,
    .leaf_bits = EPT_READ | EPT_WRITE | EPT_EXECUTE | EPT_MEMTYPE_WB,
    .allow_2m = true,
    .allow_1g = true,
};

bool ept_init(struct ept *ept, bool allow_2m, bool allow_1g, page_table_alloc_fn alloc)
{
	const struct page_table_format *format = allow_1g && allow_2m ? &ept_format_1g
	                                         : allow_2m           ? &ept_format_2m
	                                                              : &ept_format_4k;
	if (!page_table_init(&ept->tables, format, alloc))
		return false;
	ept->eptp = ept->tables.root | EPTP_WALK_LENGTH_4 | EPTP_MEMTYPE_WB;
	return true;
}

bool ept_map_ram(struct ept *ept, gpa_t gpa, hpa_t hpa, uint64_t size)
{
	return page_table_map(&ept->tables, gpa, hpa, size);
}

bool ept_translate(const struct ept *ept, gpa_t gpa, hpa_t *hpa)
{
	return page_table_translate(&ept->tables, gpa, hpa);
}

void ept_destroy(struct ept *ept, void (*free_page)(hpa_t))
{
	page_table_destroy(&ept->tables, free_page);
	ept->eptp = 0;
}

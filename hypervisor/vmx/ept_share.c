/* Copy-on-write EPT leaves (see ept_share.h). */
#include "lib/page_ops.h"
#include "vmx/ept_share.h"

#define EPT_PRIVATE_BITS (EPT_READ | EPT_WRITE | EPT_EXECUTE | EPT_MEMTYPE_WB)

bool ept_map_shared(struct ept *ept, gpa_t gpa, hpa_t hpa, uint64_t size)
{
	return page_table_map_with(&ept->tables, gpa, hpa, size, EPT_SHARED_BITS);
}

static void unshare(uint64_t va, uint64_t *leaf, int level, void *ctx)
{
	(void)va, (void)level, (void)ctx;
	*leaf &= ~EPT_WRITE;
}

void ept_share_all(struct ept *ept)
{
	page_table_for_each_leaf(&ept->tables, unshare, 0);
}

enum ept_cow ept_make_private(struct ept *ept, gpa_t gpa, hpa_t (*alloc_page)(void), hpa_t *page)
{
	hpa_t mapped;
	if (!ept_translate(ept, gpa, &mapped))
		return EPT_COW_UNMAPPED;
	uint64_t *leaf = page_table_leaf_4k(&ept->tables, gpa);
	if (!leaf)
		return EPT_COW_NO_MEMORY; /* mapped, so the split failed */
	if (*leaf & EPT_WRITE) {
		*page = *leaf & PT_ADDR_MASK;
		return EPT_COW_PRIVATE;
	}
	hpa_t fresh = alloc_page();
	if (!fresh)
		return EPT_COW_NO_MEMORY;
	page_copy(hpa_to_ptr(fresh), hpa_to_ptr(*leaf & PT_ADDR_MASK));
	/* The copy is whole before another CPU's lookup can find it. */
	__atomic_store_n(leaf, fresh | EPT_PRIVATE_BITS, __ATOMIC_RELEASE);
	*page = fresh;
	return EPT_COW_COPIED;
}

bool ept_private_page(const struct ept *ept, gpa_t gpa, hpa_t *hpa)
{
	uint64_t leaf;
	return page_table_lookup(&ept->tables, gpa, hpa, &leaf) && (leaf & EPT_WRITE);
}

struct free_walk {
	void (*free_page)(hpa_t);
	uint64_t count;
};

static void free_private(uint64_t va, uint64_t *leaf, int level, void *ctx)
{
	struct free_walk *w = ctx;
	(void)va;
	if (level != 0 || !(*leaf & EPT_WRITE))
		return;
	w->free_page(*leaf & PT_ADDR_MASK);
	*leaf = 0;
	w->count++;
}

uint64_t ept_free_private(struct ept *ept, void (*free_page)(hpa_t))
{
	struct free_walk w = {free_page, 0};
	page_table_for_each_leaf(&ept->tables, free_private, &w);
	return w.count;
}

/*
 * Radix page-table construction shared by host paging and EPT. Level 3 is
 * the PML4; a level-2 leaf maps 1 GiB, level-1 2 MiB, level-0 4 KiB.
 */
#include "mm/page_table.h"

#define ENTRIES 512

static unsigned index_at(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * level)) & (ENTRIES - 1);
}

static uint64_t level_size(int level)
{
	return 1ULL << (12 + 9 * level);
}

static bool leaf_allowed(const struct page_table *pt, int level)
{
	return level == 0 || (level == 1 && pt->format->allow_2m) ||
	       (level == 2 && pt->format->allow_1g);
}

bool page_table_init(struct page_table *pt, const struct page_table_format *format,
                     page_table_alloc_fn alloc)
{
	pt->format = format;
	pt->alloc = alloc;
	pt->root = alloc();
	pt->table_pages = pt->root ? 1 : 0;
	return pt->root != 0;
}

static bool map_at(struct page_table *pt, hpa_t table, int level, uint64_t va, hpa_t pa,
                   uint64_t size, uint64_t leaf_bits)
{
	uint64_t *entries = hpa_to_ptr(table);
	while (size) {
		uint64_t *e = &entries[index_at(va, level)];
		uint64_t span = level_size(level);
		uint64_t in_entry = span - (va & (span - 1));
		uint64_t chunk = size < in_entry ? size : in_entry;
		if (leaf_allowed(pt, level) && chunk == span && (pa & (span - 1)) == 0) {
			if (*e)
				return false;
			*e = pa | leaf_bits | (level ? PT_LARGE : 0);
		} else {
			if (level == 0)
				return false; /* unreachable: 4 KiB always fits */
			if (*e && (*e & PT_LARGE))
				return false;
			if (!*e) {
				hpa_t lower = pt->alloc();
				if (!lower)
					return false;
				pt->table_pages++;
				*e = lower | pt->format->table_bits;
			}
			if (!map_at(pt, *e & PT_ADDR_MASK, level - 1, va, pa, chunk, leaf_bits))
				return false;
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return true;
}

bool page_table_map(struct page_table *pt, uint64_t va, hpa_t pa, uint64_t size)
{
	return page_table_map_with(pt, va, pa, size, pt->format->leaf_bits);
}

bool page_table_map_with(struct page_table *pt, uint64_t va, hpa_t pa, uint64_t size,
                         uint64_t leaf_bits)
{
	if ((va | pa | size) & (PAGE_SIZE - 1))
		return false;
	return map_at(pt, pt->root, 3, va, pa, size, leaf_bits);
}

/* Replaces the large leaf *e (at `level`) by a table of leaves one level
 * down that map the same memory with the same bits. */
static bool split(struct page_table *pt, uint64_t *e, int level)
{
	hpa_t lower = pt->alloc();
	if (!lower)
		return false;
	pt->table_pages++;
	uint64_t *entries = hpa_to_ptr(lower);
	uint64_t span = level_size(level - 1);
	uint64_t base = *e & PT_ADDR_MASK & ~(level_size(level) - 1);
	uint64_t bits = (*e & ~PT_ADDR_MASK) & ~PT_LARGE;
	for (unsigned i = 0; i < ENTRIES; i++)
		entries[i] = (base + i * span) | bits | (level - 1 ? PT_LARGE : 0);
	/* Published whole: a lookup on another CPU sees old or new. */
	__atomic_store_n(e, lower | pt->format->table_bits, __ATOMIC_RELEASE);
	return true;
}

uint64_t *page_table_leaf_4k(struct page_table *pt, uint64_t va)
{
	hpa_t table = pt->root;
	for (int level = 3;; level--) {
		uint64_t *e = &((uint64_t *)hpa_to_ptr(table))[index_at(va, level)];
		if (!*e)
			return 0;
		if (level == 0)
			return e;
		if ((*e & PT_LARGE) && !split(pt, e, level))
			return 0;
		table = *e & PT_ADDR_MASK;
	}
}

static void leaves_at(hpa_t table, int level, uint64_t va,
                      void (*visit)(uint64_t va, uint64_t *leaf, int level, void *ctx), void *ctx)
{
	uint64_t *entries = hpa_to_ptr(table);
	for (unsigned i = 0; i < ENTRIES; i++) {
		uint64_t at = va + i * level_size(level);
		if (!entries[i])
			continue;
		if (level == 0 || (entries[i] & PT_LARGE))
			visit(at, &entries[i], level, ctx);
		else
			leaves_at(entries[i] & PT_ADDR_MASK, level - 1, at, visit, ctx);
	}
}

void page_table_for_each_leaf(const struct page_table *pt,
                              void (*visit)(uint64_t va, uint64_t *leaf, int level, void *ctx),
                              void *ctx)
{
	if (pt->root)
		leaves_at(pt->root, 3, 0, visit, ctx);
}

bool page_table_lookup(const struct page_table *pt, uint64_t va, hpa_t *pa, uint64_t *leaf)
{
	hpa_t table = pt->root;
	for (int level = 3; level >= 0; level--) {
		/* Read once: another CPU may be splitting this entry. */
		uint64_t e = __atomic_load_n(
		    &((const uint64_t *)hpa_to_ptr(table))[index_at(va, level)], __ATOMIC_ACQUIRE);
		if (!e)
			return false;
		if (level == 0 || (e & PT_LARGE)) {
			uint64_t span = level_size(level);
			*pa = (e & PT_ADDR_MASK & ~(span - 1)) | (va & (span - 1));
			*leaf = e;
			return true;
		}
		table = e & PT_ADDR_MASK;
	}
	return false;
}

bool page_table_translate(const struct page_table *pt, uint64_t va, hpa_t *pa)
{
	uint64_t leaf;
	return page_table_lookup(pt, va, pa, &leaf);
}

static void destroy_at(hpa_t table, int level, void (*free_page)(hpa_t))
{
	const uint64_t *entries = hpa_to_ptr(table);
	if (level > 0)
		for (unsigned i = 0; i < ENTRIES; i++)
			if (entries[i] && !(entries[i] & PT_LARGE))
				destroy_at(entries[i] & PT_ADDR_MASK, level - 1, free_page);
	free_page(table);
}

void page_table_destroy(struct page_table *pt, void (*free_page)(hpa_t))
{
	if (pt->root)
		destroy_at(pt->root, 3, free_page);
	pt->root = 0;
	pt->table_pages = 0;
}

/*
 * One 4-level page-table builder for both kinds of tables solo writes: the
 * host's IA-32e tables and each partition's EPT. They share the radix
 * layout and the large-page bit (7); only the permission and memory-type
 * bits differ, which a page_table_format describes.
 */
#ifndef SOLO_MM_PAGE_TABLE_H
#define SOLO_MM_PAGE_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/phys.h"

struct page_table_format {
	uint64_t table_bits; /* set in entries that point to a lower table */
	uint64_t leaf_bits;  /* set in every leaf (permissions, memory type) */
	bool allow_2m;
	bool allow_1g;
};

/* Where the builder gets zeroed 4 KiB table pages; returns 0 when out of
 * memory. */
typedef hpa_t (*page_table_alloc_fn)(void);

struct page_table {
	hpa_t root; /* the PML4 */
	const struct page_table_format *format;
	page_table_alloc_fn alloc;
	uint64_t table_pages; /* tables allocated so far, root included */
};

#define PT_PRESENT   (1ULL << 0)
#define PT_WRITE     (1ULL << 1)
#define PT_LARGE     (1ULL << 7)
#define PT_ADDR_MASK 0x000ffffffffff000ULL

/* Allocates the root. Returns false when out of memory. */
bool page_table_init(struct page_table *pt, const struct page_table_format *format,
                     page_table_alloc_fn alloc);

/* Maps [va, va + size) to [pa, pa + size) with the largest pages the
 * format and the alignment of both addresses allow. All three must be
 * 4 KiB aligned. Returns false when out of memory or when the range
 * overlaps an existing mapping. */
bool page_table_map(struct page_table *pt, uint64_t va, hpa_t pa, uint64_t size);

/* page_table_map with leaf bits of the caller's own instead of the
 * format's (a read-only mapping, say). */
bool page_table_map_with(struct page_table *pt, uint64_t va, hpa_t pa, uint64_t size,
                         uint64_t leaf_bits);

/* The 4 KiB leaf entry that maps va, splitting a large page on the way
 * into smaller ones with the same bits (table pages from the
 * allocator); NULL when va is not mapped or a split ran out of memory. */
uint64_t *page_table_leaf_4k(struct page_table *pt, uint64_t va);

/* Calls visit for every leaf entry (level 0: 4 KiB, 1: 2 MiB, 2: 1 GiB)
 * with the address it maps, in address order. */
void page_table_for_each_leaf(const struct page_table *pt,
                              void (*visit)(uint64_t va, uint64_t *leaf, int level, void *ctx),
                              void *ctx);

/* Walks the tables: the physical address va maps to, or false when it is
 * not mapped. */
bool page_table_translate(const struct page_table *pt, uint64_t va, hpa_t *pa);

/* page_table_translate, with the leaf entry that maps va in *leaf (its
 * permission bits). Safe while another CPU splits a large page. */
bool page_table_lookup(const struct page_table *pt, uint64_t va, hpa_t *pa, uint64_t *leaf);

/* Hands every table page back through free_page (the mapped memory itself
 * is not touched). */
void page_table_destroy(struct page_table *pt, void (*free_page)(hpa_t));

#endif

/*
 * Single pages for clones: their private copies and their EPT tables.
 * Clones take and give back pages one at a time, interleaved with each
 * other, which would break the range allocator's free list into a hole
 * per page; the pool keeps its free pages in a list threaded through the
 * pages themselves and takes memory from page_alloc a 2 MiB run at a
 * time, giving it back only when no page is in use: a page a stopped
 * clone returns is the next clone's. Safe on every CPU at once.
 */
#ifndef SOLO_MM_PAGE_POOL_H
#define SOLO_MM_PAGE_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/phys.h"

#define PAGE_POOL_REFILL_PAGES 512
#define PAGE_POOL_MAX_RUNS     8192 /* 16 GiB of clone pages */

/* A page with whatever was in it, or 0 when memory has run out. */
hpa_t page_pool_alloc(void);

/* A zeroed page (for page tables), or 0. */
hpa_t page_pool_alloc_zeroed(void);

void page_pool_free(hpa_t page);

struct page_pool_stats {
	uint64_t in_use; /* pages handed out and not yet back */
	uint64_t free;   /* pages in the pool, ready */
};

struct page_pool_stats page_pool_stats(void);

/* With no page in use, gives every run back to page_alloc (so an
 * appliance whose partitions have all ended holds nothing); false, and
 * nothing done, otherwise. */
bool page_pool_release(void);

#endif

/*
 * The physical page allocator: free memory kept as a sorted list of
 * ranges taken from the handoff memory map. It never touches the pages it
 * hands out (so it is tested on the host with made-up addresses) and
 * allocates lowest address first, which keeps page tables that 32-bit AP
 * start-up code must reach below 4 GiB.
 */
#ifndef SOLO_MM_PAGE_ALLOC_H
#define SOLO_MM_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/phys.h"

#define PAGE_ALLOC_MAX_RANGES 512

struct handoff;

/* Resets the allocator and adds every usable range of the handoff memory
 * map at or above 1 MiB (the first MiB stays with real-mode users such as
 * the AP trampoline). Returns the number of free pages. */
uint64_t page_alloc_init(const struct handoff *handoff);

/* Adds a free range; base and length are trimmed to whole pages. Returns
 * false when the range table is full. */
bool page_alloc_add_range(hpa_t base, uint64_t length);

/* Returns the base of `pages` contiguous pages aligned to `align` bytes
 * (a power of two, at least PAGE_SIZE), or 0 when no such run is free. */
hpa_t page_alloc(uint64_t pages, uint64_t align);

/* One zeroed page, or 0. Writes through the identity map. */
hpa_t page_alloc_zeroed(void);

/* Returns pages to the allocator. Freeing what is already free is a bug
 * and returns false without changing anything. */
bool page_free(hpa_t base, uint64_t pages);

uint64_t page_alloc_free_pages(void);
uint64_t page_alloc_total_pages(void);

#endif

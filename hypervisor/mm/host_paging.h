/* The hypervisor's own page tables, replacing the boot stage's. */
#ifndef SOLO_MM_HOST_PAGING_H
#define SOLO_MM_HOST_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/page_table.h"
#include "mm/phys.h"

/* Builds tables that identity map [0, top) and map the hypervisor image
 * (image_size bytes at virt_base) to image_phys, taking zeroed table
 * pages from alloc. Returns the PML4, or 0 when out of memory. The boot
 * stage builds the tables the hypervisor starts on with it, the
 * hypervisor its own. */
hpa_t host_paging_build(page_table_alloc_fn alloc, uint64_t top, uint64_t virt_base,
                        hpa_t image_phys, uint64_t image_size, bool allow_1g);

#endif

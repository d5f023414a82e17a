/* The hypervisor's own page tables, replacing the boot stage's. */
#ifndef SOLO_MM_HOST_PAGING_H
#define SOLO_MM_HOST_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/phys.h"

/* Builds tables that identity map [0, top) and map the hypervisor image
 * (image_size bytes at virt_base) to image_phys. Returns the PML4, or 0
 * when out of memory. */
hpa_t host_paging_build(uint64_t top, uint64_t virt_base, hpa_t image_phys, uint64_t image_size,
                        bool allow_1g);

#endif

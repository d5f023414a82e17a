/*
 * Extended page tables for one partition: guest-physical RAM mapped to
 * host-physical memory with the largest pages the CPU allows, and nothing
 * else, so any other access is an EPT violation that stops the partition.
 */
#ifndef SOLO_VMX_EPT_H
#define SOLO_VMX_EPT_H

#include <stdbool.h>

#include "mm/page_table.h"
#include "mm/phys.h"

struct ept {
	struct page_table tables;
	uint64_t eptp;
};

#define EPT_READ       (1ULL << 0)
#define EPT_WRITE      (1ULL << 1)
#define EPT_EXECUTE    (1ULL << 2)
#define EPT_MEMTYPE_WB (6ULL << 3)

/* Builds an empty EPT whose table pages come from `alloc`. */
bool ept_init(struct ept *ept, bool allow_2m, bool allow_1g, page_table_alloc_fn alloc);

/* Maps guest RAM [gpa, gpa + size) read/write/execute, write-back. */
bool ept_map_ram(struct ept *ept, gpa_t gpa, hpa_t hpa, uint64_t size);

bool ept_translate(const struct ept *ept, gpa_t gpa, hpa_t *hpa);

void ept_destroy(struct ept *ept, void (*free_page)(hpa_t));

#endif

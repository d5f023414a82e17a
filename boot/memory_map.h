/*
 * Turns the UEFI memory map into the handoff block's memory ranges: one
 * handoff type per UEFI type, sorted by base, adjacent ranges of one type
 * merged. Pure C with its own copy of the descriptor layout (UEFI spec
 * 2.x, EFI_MEMORY_DESCRIPTOR), because it runs after ExitBootServices and
 * in host unit tests; boot/exit.c checks that the layout matches gnu-efi's.
 */
#ifndef SOLO_BOOT_MEMORY_MAP_H
#define SOLO_BOOT_MEMORY_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/handoff.h"

/* The OS-defined UEFI memory types the boot stage allocates with, so its
 * allocations show up as their own ranges in the final memory map. */
#define MEMORY_MAP_TYPE_HYPERVISOR 0x80000000u /* image, handoff, tables, stack */
#define MEMORY_MAP_TYPE_MODULE     0x80000001u /* files read from the ESP */
#define MEMORY_MAP_TYPE_TRAMPOLINE 0x80000002u /* the AP start-up page */

#define MEMORY_MAP_PAGE_SIZE 4096ULL

struct memory_map_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t number_of_pages;
	uint64_t attribute;
};

/* The handoff type for a UEFI memory type. */
uint32_t memory_map_handoff_type(uint32_t uefi_type);

/* Fills handoff->memory and memory_range_count from map_size bytes of
 * descriptors desc_size apart (desc_size may exceed the struct above, as
 * the spec allows). Returns false when the ranges do not fit
 * HANDOFF_MAX_MEMORY_RANGES; the ranges that did fit are kept, which is
 * safe because the hypervisor never uses memory it is not told about. */
bool memory_map_convert(const void *map, size_t map_size, size_t desc_size,
                        struct handoff *handoff);

/* One past the highest physical address any descriptor covers. */
uint64_t memory_map_top(const void *map, size_t map_size, size_t desc_size);

#endif

/*
 * UEFI memory map -> handoff memory ranges. Runs after ExitBootServices,
 * so it works in place in the handoff block, allocates nothing and cannot
 * fail halfway: each descriptor is inserted into the sorted range list,
 * merging with its neighbours when they touch and share a type. The
 * firmware usually returns a sorted map, but the spec does not promise it.
 */
#include "memory_map.h"

#include <string.h>

/* UEFI memory types (UEFI spec, EFI_MEMORY_TYPE). */
enum {
	EFI_LOADER_CODE = 1,
	EFI_LOADER_DATA = 2,
	EFI_BOOT_SERVICES_CODE = 3,
	EFI_BOOT_SERVICES_DATA = 4,
	EFI_CONVENTIONAL_MEMORY = 7,
	EFI_ACPI_RECLAIM_MEMORY = 9,
	EFI_ACPI_MEMORY_NVS = 10,
};

uint32_t memory_map_handoff_type(uint32_t uefi_type)
{
	switch (uefi_type) {
	case EFI_CONVENTIONAL_MEMORY:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
		return HANDOFF_MEM_USABLE;
	case EFI_ACPI_RECLAIM_MEMORY:
		return HANDOFF_MEM_ACPI_RECLAIM;
	case EFI_ACPI_MEMORY_NVS:
		return HANDOFF_MEM_ACPI_NVS;
	case MEMORY_MAP_TYPE_HYPERVISOR:
		return HANDOFF_MEM_HYPERVISOR;
	case MEMORY_MAP_TYPE_MODULE:
		return HANDOFF_MEM_MODULE;
	case MEMORY_MAP_TYPE_TRAMPOLINE:
		return HANDOFF_MEM_TRAMPOLINE;
	default:
		/* Loader code and data hold the boot stage itself, which
		 * runs until the jump; runtime services, MMIO, unusable,
		 * persistent and unknown types are never the hypervisor's. */
		return HANDOFF_MEM_RESERVED;
	}
}

static const struct memory_map_descriptor *descriptor(const void *map, size_t desc_size, size_t i)
{
	return (const struct memory_map_descriptor *)((const uint8_t *)map + i * desc_size);
}

uint64_t memory_map_top(const void *map, size_t map_size, size_t desc_size)
{
	uint64_t top = 0;
	for (size_t i = 0; desc_size && i < map_size / desc_size; i++) {
		const struct memory_map_descriptor *d = descriptor(map, desc_size, i);
		uint64_t end = d->physical_start + d->number_of_pages * MEMORY_MAP_PAGE_SIZE;
		if (end > top)
			top = end;
	}
	return top;
}

/* Inserts [base, base + length) keeping the list sorted and merged.
 * Returns false when a new slot was needed and none was left. */
static bool insert(struct handoff *h, uint64_t base, uint64_t length, uint32_t type)
{
	struct handoff_memory_range *r = h->memory;
	uint32_t n = h->memory_range_count;
	uint32_t at = 0;
	while (at < n && r[at].base < base)
		at++;

	bool joins_previous =
	    at > 0 && r[at - 1].type == type && r[at - 1].base + r[at - 1].length == base;
	bool joins_next = at < n && r[at].type == type && base + length == r[at].base;
	if (joins_previous && joins_next) {
		r[at - 1].length += length + r[at].length;
		memmove(&r[at], &r[at + 1], (n - at - 1) * sizeof(r[0]));
		h->memory_range_count = n - 1;
		return true;
	}
	if (joins_previous) {
		r[at - 1].length += length;
		return true;
	}
	if (joins_next) {
		r[at].base = base;
		r[at].length += length;
		return true;
	}
	if (n == HANDOFF_MAX_MEMORY_RANGES)
		return false;
	memmove(&r[at + 1], &r[at], (n - at) * sizeof(r[0]));
	r[at] = (struct handoff_memory_range){.base = base, .length = length, .type = type};
	h->memory_range_count = n + 1;
	return true;
}

bool memory_map_convert(const void *map, size_t map_size, size_t desc_size, struct handoff *handoff)
{
	bool all_fit = true;
	handoff->memory_range_count = 0;
	for (size_t i = 0; desc_size && i < map_size / desc_size; i++) {
		const struct memory_map_descriptor *d = descriptor(map, desc_size, i);
		if (d->number_of_pages == 0)
			continue;
		if (!insert(handoff, d->physical_start, d->number_of_pages * MEMORY_MAP_PAGE_SIZE,
		            memory_map_handoff_type(d->type)))
			all_fit = false;
	}
	return all_fit;
}

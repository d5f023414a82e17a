/*
 * The handoff block is the boot stage's word, and a different boot stage
 * (or a bug) may get it wrong: every count is bounded, every range checked
 * for overflow, before anything else reads it.
 */
#include <stdio.h>
#include <string.h>

#include "core/handoff_check.h"

#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), false)

static bool range_ok(uint64_t base, uint64_t length)
{
	return length != 0 && base + length > base;
}

bool handoff_check(const struct handoff *h, char *err, size_t errlen)
{
	if (h->magic != HANDOFF_MAGIC)
		return FAIL("bad magic 0x%llx", (unsigned long long)h->magic);
	if (h->version != HANDOFF_VERSION)
		return FAIL("version %u, this hypervisor speaks %u", h->version, HANDOFF_VERSION);
	if (h->size != sizeof(*h))
		return FAIL("size %u, expected %u", h->size, (unsigned)sizeof(*h));
	if (h->cpu_count == 0 || h->cpu_count > HANDOFF_MAX_CPUS)
		return FAIL("cpu count %u out of range", h->cpu_count);
	if (h->apic_ids[0] != h->bsp_apic_id)
		return FAIL("first CPU is not the boot CPU");
	for (uint32_t i = 0; i < h->cpu_count; i++)
		for (uint32_t j = 0; j < i; j++)
			if (h->apic_ids[i] == h->apic_ids[j])
				return FAIL("APIC ID %u listed twice", h->apic_ids[i]);
	if (h->memory_range_count == 0 || h->memory_range_count > HANDOFF_MAX_MEMORY_RANGES)
		return FAIL("memory range count %u out of range", h->memory_range_count);
	for (uint32_t i = 0; i < h->memory_range_count; i++) {
		const struct handoff_memory_range *r = &h->memory[i];
		if (!range_ok(r->base, r->length))
			return FAIL("memory range %u is empty or wraps", i);
		if (r->type < HANDOFF_MEM_USABLE || r->type > HANDOFF_MEM_TRAMPOLINE)
			return FAIL("memory range %u has unknown type %u", i, r->type);
		if (i > 0 && r->base < h->memory[i - 1].base + h->memory[i - 1].length)
			return FAIL("memory ranges %u and %u overlap or are unsorted", i - 1, i);
	}
	if (h->file_count > HANDOFF_MAX_FILES)
		return FAIL("file count %u out of range", h->file_count);
	for (uint32_t i = 0; i < h->file_count; i++) {
		const struct handoff_file *f = &h->files[i];
		if (!memchr(f->name, 0, sizeof(f->name)) || !f->name[0])
			return FAIL("file %u has no valid name", i);
		if (f->size && !range_ok(f->base, f->size))
			return FAIL("file '%s' wraps around memory", f->name);
	}
	if (!h->hypervisor_phys_base || (h->hypervisor_phys_base & ((2ULL << 20) - 1)))
		return FAIL("hypervisor base 0x%llx not 2 MiB aligned",
		            (unsigned long long)h->hypervisor_phys_base);
	if (!h->trampoline_page || h->trampoline_page >= 0x100000 || (h->trampoline_page & 0xfff))
		return FAIL("trampoline page 0x%llx not a page below 1 MiB",
		            (unsigned long long)h->trampoline_page);
	return true;
}

const struct handoff_file *handoff_find_file(const struct handoff *h, const char *name)
{
	for (uint32_t i = 0; i < h->file_count && i < HANDOFF_MAX_FILES; i++)
		if (strncmp(h->files[i].name, name, sizeof(h->files[i].name)) == 0)
			return &h->files[i];
	return NULL;
}

uint64_t handoff_memory_top(const struct handoff *h)
{
	uint64_t top = 0;
	for (uint32_t i = 0; i < h->memory_range_count && i < HANDOFF_MAX_MEMORY_RANGES; i++) {
		uint64_t end = h->memory[i].base + h->memory[i].length;
		if (end > top)
			top = end;
	}
	return top;
}

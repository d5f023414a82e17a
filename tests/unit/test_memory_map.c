/*
 * Host tests for boot/memory_map.c: UEFI types map to the right handoff
 * types, the result is sorted and merged whatever the input order,
 * descriptors larger than the struct are stepped over correctly, and an
 * overflowing map keeps what fits and says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../boot/memory_map.h"

#define PAGE 4096ULL

static struct handoff handoff;

/* Descriptors with a stride of 'stride' bytes, as firmware may use. */
struct map {
	uint8_t bytes[600 * 64];
	size_t size;
	size_t stride;
};

static void add(struct map *m, uint32_t type, uint64_t base, uint64_t pages)
{
	struct memory_map_descriptor d = {
	    .type = type, .physical_start = base, .number_of_pages = pages, .attribute = 0xf};
	memset(m->bytes + m->size, 0xa5, m->stride); /* junk in the padding */
	memcpy(m->bytes + m->size, &d, sizeof(d));
	m->size += m->stride;
}

static void expect_range(unsigned i, uint64_t base, uint64_t length, uint32_t type)
{
	assert_true(i < handoff.memory_range_count);
	assert_int_equal(handoff.memory[i].base, base);
	assert_int_equal(handoff.memory[i].length, length);
	assert_int_equal(handoff.memory[i].type, type);
}

static void test_type_mapping(void **state)
{
	(void)state;
	static const struct {
		uint32_t uefi, handoff;
	} cases[] = {
	    {0, HANDOFF_MEM_RESERVED},          /* EfiReservedMemoryType */
	    {1, HANDOFF_MEM_RESERVED},          /* LoaderCode: the boot stage runs here */
	    {2, HANDOFF_MEM_RESERVED},          /* LoaderData */
	    {3, HANDOFF_MEM_USABLE},            /* BootServicesCode */
	    {4, HANDOFF_MEM_USABLE},            /* BootServicesData */
	    {5, HANDOFF_MEM_RESERVED},          /* RuntimeServicesCode */
	    {6, HANDOFF_MEM_RESERVED},          /* RuntimeServicesData */
	    {7, HANDOFF_MEM_USABLE},            /* ConventionalMemory */
	    {8, HANDOFF_MEM_RESERVED},          /* UnusableMemory */
	    {9, HANDOFF_MEM_ACPI_RECLAIM},      /* ACPIReclaimMemory */
	    {10, HANDOFF_MEM_ACPI_NVS},         /* ACPIMemoryNVS */
	    {11, HANDOFF_MEM_RESERVED},         /* MemoryMappedIO */
	    {12, HANDOFF_MEM_RESERVED},         /* MemoryMappedIOPortSpace */
	    {14, HANDOFF_MEM_RESERVED},         /* PersistentMemory */
	    {15, HANDOFF_MEM_RESERVED},         /* UnacceptedMemory */
	    {0x70000000, HANDOFF_MEM_RESERVED}, /* OEM */
	    {0x80000000, HANDOFF_MEM_HYPERVISOR},
	    {0x80000001, HANDOFF_MEM_MODULE},
	    {0x80000002, HANDOFF_MEM_TRAMPOLINE},
	    {0x80000003, HANDOFF_MEM_RESERVED},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(memory_map_handoff_type(cases[i].uefi), cases[i].handoff);
}

static void test_sort_and_merge(void **state)
{
	(void)state;
	struct map *m = calloc(1, sizeof(*m));
	m->stride = 48; /* larger than the 40-byte descriptor */
	/* Out of order; 3, 4 and 7 touch and all become usable. */
	add(m, 7, 0x100000, 0x10);           /* 1 MiB .. +64 KiB */
	add(m, 0x80000002, 0x9e000, 1);      /* trampoline */
	add(m, 7, 0, 0x9e);                  /* low memory */
	add(m, 3, 0x110000, 0x20);           /* touches the one above */
	add(m, 4, 0x130000, 0x10);           /* and this one too */
	add(m, 0x80000000, 0x200000, 0x200); /* hypervisor, 2 MiB */
	add(m, 0x80000000, 0x400000, 0x1);   /* handoff, touches */
	add(m, 7, 0x600000, 0);              /* empty: dropped */
	add(m, 11, 0xffc00000, 0x400);       /* flash MMIO */
	add(m, 1, 0x500000, 0x10);           /* loader code */
	add(m, 2, 0x510000, 0x10);           /* loader data merges */
	add(m, 0x80000001, 0x401000, 2);     /* module after handoff */
	assert_true(memory_map_convert(m->bytes, m->size, m->stride, &handoff));

	assert_int_equal(handoff.memory_range_count, 7);
	expect_range(0, 0, 0x9e * PAGE, HANDOFF_MEM_USABLE);
	expect_range(1, 0x9e000, PAGE, HANDOFF_MEM_TRAMPOLINE);
	expect_range(2, 0x100000, 0x40 * PAGE, HANDOFF_MEM_USABLE);
	expect_range(3, 0x200000, 0x201 * PAGE, HANDOFF_MEM_HYPERVISOR);
	expect_range(4, 0x401000, 2 * PAGE, HANDOFF_MEM_MODULE);
	expect_range(5, 0x500000, 0x20 * PAGE, HANDOFF_MEM_RESERVED);
	expect_range(6, 0xffc00000, 0x400 * PAGE, HANDOFF_MEM_RESERVED);
	assert_int_equal(memory_map_top(m->bytes, m->size, m->stride), 0x100000000ULL);
	free(m);
}

static void test_merge_bridges_a_gap(void **state)
{
	(void)state;
	struct map *m = calloc(1, sizeof(*m));
	m->stride = sizeof(struct memory_map_descriptor);
	add(m, 7, 0x0, 1);
	add(m, 7, 0x2000, 1);
	add(m, 4, 0x1000, 1); /* fills the hole: all three become one */
	assert_true(memory_map_convert(m->bytes, m->size, m->stride, &handoff));
	assert_int_equal(handoff.memory_range_count, 1);
	expect_range(0, 0, 3 * PAGE, HANDOFF_MEM_USABLE);
	/* Same neighbours, different type: no merge. */
	m->size = 0;
	add(m, 7, 0x0, 1);
	add(m, 9, 0x1000, 1);
	add(m, 7, 0x2000, 1);
	assert_true(memory_map_convert(m->bytes, m->size, m->stride, &handoff));
	assert_int_equal(handoff.memory_range_count, 3);
	expect_range(1, 0x1000, PAGE, HANDOFF_MEM_ACPI_RECLAIM);
	free(m);
}

static void test_overflow_keeps_what_fits(void **state)
{
	(void)state;
	struct map *m = calloc(1, sizeof(*m));
	m->stride = sizeof(struct memory_map_descriptor);
	/* Alternating types never merge: 513 ranges for 512 slots. */
	for (unsigned i = 0; i < HANDOFF_MAX_MEMORY_RANGES + 1; i++)
		add(m, i % 2 ? 7 : 0, i * PAGE, 1);
	assert_false(memory_map_convert(m->bytes, m->size, m->stride, &handoff));
	assert_int_equal(handoff.memory_range_count, HANDOFF_MAX_MEMORY_RANGES);
	expect_range(511, 511 * PAGE, PAGE, HANDOFF_MEM_USABLE);
	/* A descriptor that merges still fits when the list is full. */
	m->size = HANDOFF_MAX_MEMORY_RANGES * m->stride;
	add(m, 7, 512 * PAGE, 3);
	assert_true(memory_map_convert(m->bytes, m->size, m->stride, &handoff));
	expect_range(511, 511 * PAGE, 4 * PAGE, HANDOFF_MEM_USABLE);
	free(m);
}

static void test_conversion_restarts(void **state)
{
	(void)state;
	struct map *m = calloc(1, sizeof(*m));
	m->stride = sizeof(struct memory_map_descriptor);
	handoff.memory_range_count = 300; /* stale: a second call starts over */
	add(m, 7, 0x1000, 1);
	assert_true(memory_map_convert(m->bytes, m->size, m->stride, &handoff));
	assert_int_equal(handoff.memory_range_count, 1);
	assert_true(memory_map_convert(m->bytes, 0, m->stride, &handoff));
	assert_int_equal(handoff.memory_range_count, 0);
	assert_int_equal(memory_map_top(m->bytes, 0, m->stride), 0);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_type_mapping),
	    cmocka_unit_test(test_sort_and_merge),
	    cmocka_unit_test(test_merge_bridges_a_gap),
	    cmocka_unit_test(test_overflow_keeps_what_fits),
	    cmocka_unit_test(test_conversion_restarts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

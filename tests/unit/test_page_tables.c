/*
 * Host tests for boot/page_tables.c: the tables are built in a malloc'd
 * buffer (its address standing for its physical one, as the firmware's
 * identity map makes it), then walked the way the
 * MMU would (SDM Vol. 3 4.5) to check identity mappings, the kernel
 * window, and that nothing else is mapped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../boot/page_tables.h"
#include "public/handoff.h"

#define GIB (1ULL << 30)
#define MIB (1ULL << 20)

static uint64_t *buf;
static size_t buf_size;
static uint64_t root;

static const uint64_t *table_at(uint64_t phys)
{
	uint64_t base = (uint64_t)(uintptr_t)buf;
	assert_true(phys >= base && phys - base < buf_size);
	assert_int_equal(phys & 0xfff, 0);
	return buf + (phys - base) / 8;
}

/* Translates virt through the tables; false when not mapped. Checks
 * every entry on the way is present, writable and, at the last level, a
 * 2 MiB page. */
static bool translate(uint64_t virt, uint64_t *phys)
{
	const uint64_t *table = table_at(root);
	for (int shift = 39; shift >= 21; shift -= 9) {
		uint64_t e = table[(virt >> shift) & 511];
		if (!(e & PAGE_TABLES_PRESENT))
			return false;
		assert_true(e & PAGE_TABLES_WRITE);
		if (shift == 21) {
			assert_true(e & PAGE_TABLES_LARGE);
			*phys =
			    (e & PAGE_TABLES_ADDRESS_MASK) + (virt & (PAGE_TABLES_LARGE_PAGE - 1));
			return true;
		}
		assert_false(e & PAGE_TABLES_LARGE);
		table = table_at(e & PAGE_TABLES_ADDRESS_MASK);
	}
	return false;
}

static void build(uint64_t top, uint64_t image_phys, uint64_t image_size)
{
	buf_size = page_tables_size(top, image_size);
	buf = aligned_alloc(4096, buf_size);
	memset(buf, 0, buf_size);
	root = page_tables_build(buf, buf_size, top, image_phys, image_size);
	assert_int_not_equal(root, 0);
}

static void expect_identity(uint64_t addr)
{
	uint64_t phys = 0;
	if (!translate(addr, &phys))
		fail_msg("0x%llx not mapped", (unsigned long long)addr);
	assert_int_equal(phys, addr);
}

static void expect_unmapped(uint64_t virt)
{
	uint64_t phys;
	if (translate(virt, &phys))
		fail_msg("0x%llx unexpectedly mapped", (unsigned long long)virt);
}

static void test_sizes(void **state)
{
	(void)state;
	/* PML4 + window PDPT + window PD + 1 PDPT + one PD per GiB. */
	assert_int_equal(page_tables_size(4 * GIB, 2 * MIB), (3 + 1 + 4) * 4096);
	assert_int_equal(page_tables_size(4 * GIB + 1, 2 * MIB), (3 + 1 + 5) * 4096);
	assert_int_equal(page_tables_size(513 * GIB, 2 * MIB), (3 + 2 + 513) * 4096);
}

static void test_identity_map_4g(void **state)
{
	(void)state;
	build(4 * GIB, 6 * MIB, 4 * MIB);
	expect_identity(0);
	expect_identity(0x9e123);
	expect_identity(0x12345678);
	expect_identity(0xfee00000); /* local APIC */
	expect_identity(4 * GIB - 1);
	expect_unmapped(4 * GIB);
	expect_unmapped(0x00007fffffffffffULL);
	free(buf);
}

static void test_kernel_window(void **state)
{
	(void)state;
	build(4 * GIB, 6 * MIB, 4 * MIB);
	uint64_t phys;
	assert_true(translate(HANDOFF_HYPERVISOR_VIRT_BASE, &phys));
	assert_int_equal(phys, 6 * MIB);
	assert_true(translate(HANDOFF_HYPERVISOR_VIRT_BASE + 0x3fffff, &phys));
	assert_int_equal(phys, 6 * MIB + 0x3fffff);
	expect_unmapped(HANDOFF_HYPERVISOR_VIRT_BASE + 4 * MIB);
	expect_unmapped(HANDOFF_HYPERVISOR_VIRT_BASE - 1);
	expect_unmapped(0xffff800000000000ULL);
	free(buf);
}

static void test_large_memory(void **state)
{
	(void)state;
	/* Past 512 GiB the identity map needs a second PDPT. */
	build(600 * GIB, 64 * MIB, 64 * MIB);
	expect_identity(511 * GIB + 3 * MIB);
	expect_identity(512 * GIB);
	expect_identity(600 * GIB - 1);
	expect_unmapped(600 * GIB);
	uint64_t phys;
	assert_true(translate(HANDOFF_HYPERVISOR_VIRT_BASE + 63 * MIB, &phys));
	assert_int_equal(phys, 127 * MIB);
	expect_unmapped(HANDOFF_HYPERVISOR_VIRT_BASE + 64 * MIB);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sizes),
	    cmocka_unit_test(test_identity_map_4g),
	    cmocka_unit_test(test_kernel_window),
	    cmocka_unit_test(test_large_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Host tests for the shared page-table builder (hypervisor/mm/page_table.c)
 * and its two users, EPT (hypervisor/vmx/ept.c) and the host's own tables
 * (hypervisor/mm/host_paging.c). Table pages are real heap pages (the
 * builder writes them through the identity map); the memory being mapped
 * is only ever a number, so it can lie anywhere. Entries are checked by
 * walking the tables here, independently of page_table_translate().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake/pages.h"
#include "mm/host_paging.h"
#include "mm/page_alloc.h"
#include "mm/page_table.h"
#include "public/handoff.h"
#include "vmx/ept.h"

#define EPT_RWX  (EPT_READ | EPT_WRITE | EPT_EXECUTE)
#define EPT_LEAF (EPT_RWX | EPT_MEMTYPE_WB) /* 0x37 */
#define GIB      (1ULL << 30)

/* The raw entry for va at `level` (3 = PML4 ... 0 = PT); 0 when a table
 * on the way is missing. */
static uint64_t entry_at(hpa_t root, uint64_t va, int level)
{
	hpa_t table = root;
	for (int l = 3;; l--) {
		uint64_t e = ((uint64_t *)hpa_to_ptr(table))[(va >> (12 + 9 * l)) & 511];
		if (l == level)
			return e;
		if (!e)
			return 0;
		table = e & PT_ADDR_MASK;
	}
}

static int reset(void **state)
{
	(void)state;
	fake_pages_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_pages_reset();
	return 0;
}

static void expect_translation(const struct ept *ept, gpa_t gpa, hpa_t expected)
{
	hpa_t hpa = 0;
	if (!ept_translate(ept, gpa, &hpa))
		fail_msg("gpa 0x%llx not mapped", (unsigned long long)gpa);
	assert_int_equal(hpa, expected);
}

static void expect_unmapped(const struct ept *ept, gpa_t gpa)
{
	hpa_t hpa = 0x5a5a;
	if (ept_translate(ept, gpa, &hpa))
		fail_msg("gpa 0x%llx maps to 0x%llx", (unsigned long long)gpa,
		         (unsigned long long)hpa);
}

static void test_eptp_encoding(void **state)
{
	(void)state;
	struct ept ept;
	assert_true(ept_init(&ept, true, true, fake_page_alloc));
	assert_int_equal(fake_pages_outstanding(), 1);
	assert_true(fake_page_is_outstanding(ept.tables.root));
	/* Write-back (6) in bits 2:0, walk length 4 as 3 in bits 5:3. */
	assert_int_equal(ept.eptp, ept.tables.root | 0x1e);
	assert_int_equal(ept.tables.root & 0xfff, 0);
	ept_destroy(&ept, fake_page_free);
	assert_int_equal(ept.eptp, 0);
	assert_int_equal(fake_pages_outstanding(), 0);
}

static void test_4k_leaves(void **state)
{
	(void)state;
	struct ept ept;
	assert_true(ept_init(&ept, false, false, fake_page_alloc));
	assert_true(ept_map_ram(&ept, 0, 0x7654000, 64 * 1024));
	/* PML4, PDPT, PD, PT */
	assert_int_equal(ept.tables.table_pages, 4);
	assert_int_equal(fake_pages_outstanding(), 4);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(entry_at(ept.tables.root, i * PAGE_SIZE, 0),
		                 (0x7654000 + i * PAGE_SIZE) | EPT_LEAF);
	assert_int_equal(entry_at(ept.tables.root, 16 * PAGE_SIZE, 0), 0);
	/* Entries pointing at tables carry RWX but no memory type. */
	assert_int_equal(entry_at(ept.tables.root, 0, 3) & 0xfff, EPT_RWX);
	assert_int_equal(entry_at(ept.tables.root, 0, 1) & 0xfff, EPT_RWX);

	expect_translation(&ept, 0, 0x7654000);
	expect_translation(&ept, 0xabc, 0x7654abc);
	expect_translation(&ept, 0xffff, 0x7663fff);
	expect_unmapped(&ept, 0x10000); /* nothing beyond the RAM given */
	expect_unmapped(&ept, 1ULL << 39);
	ept_destroy(&ept, fake_page_free);
	assert_int_equal(fake_pages_outstanding(), 0);
}

static void test_2m_leaves(void **state)
{
	(void)state;
	struct ept ept;
	assert_true(ept_init(&ept, true, false, fake_page_alloc));
	assert_true(ept_map_ram(&ept, 0, 0x40000000, 4 * MIB));
	assert_int_equal(ept.tables.table_pages, 3); /* PML4, PDPT, PD */
	assert_int_equal(entry_at(ept.tables.root, 0, 1), 0x40000000 | EPT_LEAF | PT_LARGE);
	assert_int_equal(entry_at(ept.tables.root, 2 * MIB, 1), 0x40200000 | EPT_LEAF | PT_LARGE);
	expect_translation(&ept, 0x212345, 0x40212345);
	expect_unmapped(&ept, 4 * MIB);
	/* A whole aligned gigabyte still gets 2M leaves in one more PD. */
	assert_true(ept_map_ram(&ept, GIB, 2 * GIB, GIB));
	assert_int_equal(ept.tables.table_pages, 4);
	assert_int_equal(entry_at(ept.tables.root, GIB, 2) & PT_LARGE, 0);
	assert_int_equal(entry_at(ept.tables.root, 2 * GIB - 2 * MIB, 1),
	                 (3 * GIB - 2 * MIB) | EPT_LEAF | PT_LARGE);
	ept_destroy(&ept, fake_page_free);
	assert_int_equal(fake_pages_outstanding(), 0);
}

static void test_2m_needs_both_addresses_aligned(void **state)
{
	(void)state;
	struct ept ept;
	assert_true(ept_init(&ept, true, true, fake_page_alloc));
	/* Host side off by a page: 512 4K leaves in one PT. */
	assert_true(ept_map_ram(&ept, 0, 0x40001000, 2 * MIB));
	assert_int_equal(ept.tables.table_pages, 4);
	assert_int_equal(entry_at(ept.tables.root, 0, 0), 0x40001000 | EPT_LEAF);
	assert_int_equal(entry_at(ept.tables.root, 2 * MIB - PAGE_SIZE, 0), 0x40200000 | EPT_LEAF);
	/* Guest side off by a page: [2M+4K, 4M+4K) straddles two PDEs, so
	 * two more PTs. */
	assert_true(ept_map_ram(&ept, 2 * MIB + PAGE_SIZE, 0x80000000, 2 * MIB));
	assert_int_equal(ept.tables.table_pages, 6);
	expect_translation(&ept, 4 * MIB, 0x80000000 + 2 * MIB - PAGE_SIZE);
	expect_unmapped(&ept, 2 * MIB);
	ept_destroy(&ept, fake_page_free);
	assert_int_equal(fake_pages_outstanding(), 0);
}

static void test_1g_and_mixed_leaves(void **state)
{
	(void)state;
	struct ept ept;
	assert_true(ept_init(&ept, true, true, fake_page_alloc));
	/* 1 GiB + 2 MiB + 4 KiB from 1 GiB: one of each leaf size. */
	assert_true(ept_map_ram(&ept, GIB, 2 * GIB, GIB + 2 * MIB + PAGE_SIZE));
	assert_int_equal(ept.tables.table_pages, 4); /* PML4, PDPT, PD, PT */
	assert_int_equal(entry_at(ept.tables.root, GIB, 2), (2 * GIB) | EPT_LEAF | PT_LARGE);
	assert_int_equal(entry_at(ept.tables.root, 2 * GIB, 1), (3 * GIB) | EPT_LEAF | PT_LARGE);
	assert_int_equal(entry_at(ept.tables.root, 2 * GIB + 2 * MIB, 0),
	                 (3 * GIB + 2 * MIB) | EPT_LEAF);
	expect_translation(&ept, GIB + 0x3456789, 2 * GIB + 0x3456789);
	expect_translation(&ept, 2 * GIB + 2 * MIB + 0xfff, 3 * GIB + 2 * MIB + 0xfff);
	expect_unmapped(&ept, 2 * GIB + 2 * MIB + PAGE_SIZE);
	expect_unmapped(&ept, GIB - 1);
	ept_destroy(&ept, fake_page_free);
	assert_int_equal(fake_pages_outstanding(), 0);
}

static void test_1g_only_with_2m(void **state)
{
	(void)state;
	/* ept_init ignores 1 GiB pages without 2 MiB ones: 4K leaves. */
	struct ept ept;
	assert_true(ept_init(&ept, false, true, fake_page_alloc));
	assert_true(ept_map_ram(&ept, 0, 0, 2 * MIB));
	assert_int_equal(ept.tables.table_pages, 4);
	assert_int_equal(entry_at(ept.tables.root, 0, 1) & PT_LARGE, 0);
	ept_destroy(&ept, fake_page_free);
	assert_int_equal(fake_pages_outstanding(), 0);
}

static void test_overlap_rejected(void **state)
{
	(void)state;
	struct ept ept;
	assert_true(ept_init(&ept, true, false, fake_page_alloc));
	assert_true(ept_map_ram(&ept, 0, 0x40000000, 2 * MIB));
	/* Inside a 2M leaf. */
	assert_false(ept_map_ram(&ept, MIB, 0x50000000, PAGE_SIZE));
	/* The same range again. */
	assert_false(ept_map_ram(&ept, 0, 0x60000000, 2 * MIB));
	/* A 4K page, then a 2M leaf over it. */
	assert_true(ept_map_ram(&ept, 4 * MIB, 0x70001000, PAGE_SIZE));
	assert_false(ept_map_ram(&ept, 4 * MIB, 0x70200000, 2 * MIB));
	/* A 4K page twice. */
	assert_false(ept_map_ram(&ept, 4 * MIB, 0x70001000, PAGE_SIZE));
	/* The originals are intact. */
	expect_translation(&ept, MIB, 0x40100000);
	expect_translation(&ept, 4 * MIB, 0x70001000);
	/* Neighbours are fine. */
	assert_true(ept_map_ram(&ept, 4 * MIB + PAGE_SIZE, 0x70002000, PAGE_SIZE));
	ept_destroy(&ept, fake_page_free);
	assert_int_equal(fake_pages_outstanding(), 0);
}

static void test_unaligned_arguments_rejected(void **state)
{
	(void)state;
	struct page_table_format format = {.leaf_bits = PT_PRESENT, .table_bits = PT_PRESENT};
	struct page_table pt;
	assert_true(page_table_init(&pt, &format, fake_page_alloc));
	assert_false(page_table_map(&pt, 0x800, 0, PAGE_SIZE));
	assert_false(page_table_map(&pt, 0, 0x800, PAGE_SIZE));
	assert_false(page_table_map(&pt, 0, 0, 0x800));
	assert_int_equal(pt.table_pages, 1);
	page_table_destroy(&pt, fake_page_free);
	assert_int_equal(pt.root, 0);
	assert_int_equal(pt.table_pages, 0);
	assert_int_equal(fake_pages_outstanding(), 0);
}

static void test_out_of_memory_every_step(void **state)
{
	(void)state;
	/* Mapping [2M-4K, 2M+4K) in 4K pages needs PML4, PDPT, PD, then two
	 * PTs: five allocations. Failing each in turn must fail the build,
	 * and destroy must still return every page taken before. */
	for (unsigned n = 1; n <= 5; n++) {
		fake_pages_reset();
		fake_pages_fail_on(n, false);
		struct ept ept;
		bool ok = ept_init(&ept, false, false, fake_page_alloc);
		if (n == 1) {
			assert_false(ok);
			assert_int_equal(ept.tables.root, 0);
			assert_int_equal(fake_pages_outstanding(), 0);
			continue;
		}
		assert_true(ok);
		assert_false(ept_map_ram(&ept, 2 * MIB - PAGE_SIZE, 0x9000000, 2 * PAGE_SIZE));
		assert_int_equal(fake_pages_outstanding(), n - 1);
		assert_int_equal(ept.tables.table_pages, n - 1);
		ept_destroy(&ept, fake_page_free);
		assert_int_equal(fake_pages_outstanding(), 0);
	}
	/* With no failure the same mapping takes exactly five pages. */
	fake_pages_reset();
	struct ept ept;
	assert_true(ept_init(&ept, false, false, fake_page_alloc));
	assert_true(ept_map_ram(&ept, 2 * MIB - PAGE_SIZE, 0x9000000, 2 * PAGE_SIZE));
	assert_int_equal(fake_pages_allocated(), 5);
	ept_destroy(&ept, fake_page_free);
	assert_int_equal(fake_pages_outstanding(), 0);
}

static void test_destroy_returns_every_table_page(void **state)
{
	(void)state;
	struct ept ept;
	assert_true(ept_init(&ept, true, true, fake_page_alloc));
	/* Scattered mappings across PML4 slots and leaf sizes. The mapped
	 * host memory is not in the fake pool, so a destroy that freed a
	 * leaf's memory would fail the test. */
	assert_true(ept_map_ram(&ept, 0, 0x100000000, 3 * GIB));
	assert_true(ept_map_ram(&ept, 1ULL << 39, 0x200000000, 6 * MIB + 5 * PAGE_SIZE));
	assert_true(ept_map_ram(&ept, 5ULL << 39, 0x300001000, 3 * MIB));
	assert_int_equal(fake_pages_outstanding(), ept.tables.table_pages);
	assert_true(ept.tables.table_pages > 6);
	ept_destroy(&ept, fake_page_free);
	assert_int_equal(fake_pages_outstanding(), 0);
	assert_int_equal(ept.tables.root, 0);
}

/* Host paging draws from the real page allocator, seeded with a heap
 * block that starts dirty (page_alloc_zeroed must clean each table). */
#define HOST_POOL_PAGES 32
static uint8_t *host_pool;

static int host_reset(void **state)
{
	(void)state;
	static struct handoff empty;
	page_alloc_init(&empty);
	host_pool = aligned_alloc(PAGE_SIZE, HOST_POOL_PAGES * PAGE_SIZE);
	assert_non_null(host_pool);
	memset(host_pool, 0xff, HOST_POOL_PAGES * PAGE_SIZE);
	assert_true(page_alloc_add_range(ptr_to_hpa(host_pool), HOST_POOL_PAGES * PAGE_SIZE));
	return 0;
}

static int host_teardown(void **state)
{
	(void)state;
	free(host_pool);
	return 0;
}

static void expect_host(hpa_t cr3, uint64_t va, bool mapped, hpa_t pa)
{
	struct page_table pt = {.root = cr3};
	hpa_t got = 0;
	bool ok = page_table_translate(&pt, va, &got);
	if (ok != mapped || (mapped && got != pa))
		fail_msg("va 0x%llx: %s 0x%llx, expected %s 0x%llx", (unsigned long long)va,
		         ok ? "mapped to" : "unmapped", (unsigned long long)got,
		         mapped ? "mapped to" : "unmapped", (unsigned long long)pa);
}

static void test_host_paging_1g(void **state)
{
	(void)state;
	const uint64_t hv = HANDOFF_HYPERVISOR_VIRT_BASE;
	hpa_t cr3 = host_paging_build(page_alloc_zeroed, 4 * GIB, hv, 0x200000, 3 * PAGE_SIZE - 100, true);
	assert_int_equal(cr3, ptr_to_hpa(host_pool));
	/* PML4, low PDPT, high PDPT, PD, PT (the image is three 4K pages). */
	assert_int_equal(page_alloc_free_pages(), HOST_POOL_PAGES - 5);
	for (uint64_t g = 0; g < 4; g++)
		assert_int_equal(entry_at(cr3, g * GIB, 2), (g * GIB) | 0x83); /* P, W, PS */
	assert_int_equal(entry_at(cr3, 4 * GIB, 2), 0);
	assert_int_equal(entry_at(cr3, hv + PAGE_SIZE, 0), 0x201000 | 0x3);
	expect_host(cr3, 0x12345678, true, 0x12345678);
	expect_host(cr3, 4 * GIB - 1, true, 4 * GIB - 1);
	expect_host(cr3, 4 * GIB, false, 0);
	expect_host(cr3, hv, true, 0x200000);
	expect_host(cr3, hv + 0x2fff, true, 0x202fff);
	expect_host(cr3, hv + 0x3000, false, 0); /* image rounded to 3 pages */
}

static void test_host_paging_2m_only(void **state)
{
	(void)state;
	/* 20 MiB + 1 rounds up to 22 MiB of 2M pages in one PD. */
	const uint64_t hv = HANDOFF_HYPERVISOR_VIRT_BASE;
	hpa_t cr3 = host_paging_build(page_alloc_zeroed, 20 * MIB + 1, hv, 0x400000, 4 * MIB, false);
	assert_int_not_equal(cr3, 0);
	/* PML4 + PDPT + PD low, PDPT + PD high: the 2M-aligned image needs
	 * no PT. */
	assert_int_equal(page_alloc_free_pages(), HOST_POOL_PAGES - 5);
	assert_int_equal(entry_at(cr3, 20 * MIB, 1), (20 * MIB) | 0x83);
	assert_int_equal(entry_at(cr3, 22 * MIB, 1), 0);
	assert_int_equal(entry_at(cr3, hv + 2 * MIB, 1), 0x600000 | 0x83);
	expect_host(cr3, 22 * MIB - 1, true, 22 * MIB - 1);
	expect_host(cr3, 22 * MIB, false, 0);
	expect_host(cr3, hv + 0x3fffff, true, 0x7fffff);
	expect_host(cr3, hv + 4 * MIB, false, 0);
}

static void test_host_paging_4g_without_1g_pages(void **state)
{
	(void)state;
	const uint64_t hv = HANDOFF_HYPERVISOR_VIRT_BASE;
	hpa_t cr3 = host_paging_build(page_alloc_zeroed, 4 * GIB, hv, 0x200000, PAGE_SIZE, false);
	assert_int_not_equal(cr3, 0);
	/* PML4, PDPT, four PDs; then PDPT, PD, PT for the image. */
	assert_int_equal(page_alloc_free_pages(), HOST_POOL_PAGES - 9);
	for (uint64_t g = 0; g < 4; g++) {
		assert_int_equal(entry_at(cr3, g * GIB, 2) & PT_LARGE, 0);
		assert_int_equal(entry_at(cr3, g * GIB + 2 * MIB, 1), (g * GIB + 2 * MIB) | 0x83);
	}
	expect_host(cr3, 4 * GIB - 1, true, 4 * GIB - 1);
	expect_host(cr3, hv + 0xfff, true, 0x200fff);
}

static void test_host_paging_out_of_memory(void **state)
{
	(void)state;
	/* Leave two pages: PML4 and the low PDPT fit, the image's PDPT
	 * does not. */
	while (page_alloc_free_pages() > 2)
		assert_int_not_equal(page_alloc(1, PAGE_SIZE), 0);
	assert_int_equal(
	    host_paging_build(page_alloc_zeroed, 4 * GIB, HANDOFF_HYPERVISOR_VIRT_BASE, 0x200000, PAGE_SIZE, true), 0);
	/* And none at all. */
	assert_int_equal(
	    host_paging_build(page_alloc_zeroed, 4 * GIB, HANDOFF_HYPERVISOR_VIRT_BASE, 0x200000, PAGE_SIZE, true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_eptp_encoding, reset, teardown),
	    cmocka_unit_test_setup_teardown(test_4k_leaves, reset, teardown),
	    cmocka_unit_test_setup_teardown(test_2m_leaves, reset, teardown),
	    cmocka_unit_test_setup_teardown(test_2m_needs_both_addresses_aligned, reset, teardown),
	    cmocka_unit_test_setup_teardown(test_1g_and_mixed_leaves, reset, teardown),
	    cmocka_unit_test_setup_teardown(test_1g_only_with_2m, reset, teardown),
	    cmocka_unit_test_setup_teardown(test_overlap_rejected, reset, teardown),
	    cmocka_unit_test_setup_teardown(test_unaligned_arguments_rejected, reset, teardown),
	    cmocka_unit_test_setup_teardown(test_out_of_memory_every_step, reset, teardown),
	    cmocka_unit_test_setup_teardown(test_destroy_returns_every_table_page, reset, teardown),
	    cmocka_unit_test_setup_teardown(test_host_paging_1g, host_reset, host_teardown),
	    cmocka_unit_test_setup_teardown(test_host_paging_2m_only, host_reset, host_teardown),
	    cmocka_unit_test_setup_teardown(test_host_paging_4g_without_1g_pages, host_reset,
	                                    host_teardown),
	    cmocka_unit_test_setup_teardown(test_host_paging_out_of_memory, host_reset,
	                                    host_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

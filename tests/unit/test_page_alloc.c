/*
 * Host tests for hypervisor/mm/page_alloc.c. The allocator never touches
 * the pages it manages (except page_alloc_zeroed), so most tests use
 * made-up physical addresses; a randomized run checks it against a simple
 * page-by-page model of "lowest aligned free run first".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/page_alloc.h"
#include "public/handoff.h"

static struct handoff handoff;

static void add_memory(uint64_t base, uint64_t length, uint32_t type)
{
	assert_true(handoff.memory_range_count < HANDOFF_MAX_MEMORY_RANGES);
	handoff.memory[handoff.memory_range_count++] =
	    (struct handoff_memory_range){.base = base, .length = length, .type = type};
}

/* An empty allocator for each test. */
static int reset(void **state)
{
	(void)state;
	memset(&handoff, 0, sizeof(handoff));
	assert_int_equal(page_alloc_init(&handoff), 0);
	assert_int_equal(page_alloc_total_pages(), 0);
	return 0;
}

static void test_init_takes_only_usable_memory_above_1mib(void **state)
{
	(void)state;
	add_memory(0, 0x80000, HANDOFF_MEM_USABLE);        /* entirely below 1 MiB */
	add_memory(0x80000, 0x100000, HANDOFF_MEM_USABLE); /* cut to [1M, 1.5M): 128 */
	add_memory(0x180000, 0x80000, HANDOFF_MEM_HYPERVISOR);
	add_memory(0x200000, 0x600000, HANDOFF_MEM_USABLE); /* [2M, 8M): 1536 */
	add_memory(0x800000, 0x1000, HANDOFF_MEM_ACPI_RECLAIM);
	add_memory(0x801234, 0x20000, HANDOFF_MEM_USABLE); /* [0x802000, 0x821000): 31 */
	add_memory(0x900000, 0x100000, HANDOFF_MEM_MODULE);
	add_memory(0xa00000, 0x100000, HANDOFF_MEM_RESERVED);
	add_memory(0xb00000, 0x100000, HANDOFF_MEM_ACPI_NVS);
	add_memory(0x1000000, 0x800, HANDOFF_MEM_USABLE);        /* under a page: nothing */
	add_memory(0x100000000, 0x40000000, HANDOFF_MEM_USABLE); /* 1 GiB: 262144 */
	add_memory(0x140000000, 0x1000, HANDOFF_MEM_TRAMPOLINE);

	const uint64_t expected = 128 + 1536 + 31 + 262144;
	assert_int_equal(page_alloc_init(&handoff), expected);
	assert_int_equal(page_alloc_free_pages(), expected);
	assert_int_equal(page_alloc_total_pages(), expected);

	/* Lowest first: 1 MiB, then on; the 129-page run skips the
	 * 128-page first range. */
	assert_int_equal(page_alloc(1, PAGE_SIZE), 0x100000);
	assert_int_equal(page_alloc(1, PAGE_SIZE), 0x101000);
	assert_int_equal(page_alloc(129, PAGE_SIZE), 0x200000);
	assert_int_equal(page_alloc(126, PAGE_SIZE), 0x102000);
	assert_int_equal(page_alloc(1536 - 129, PAGE_SIZE), 0x281000);
	/* [1M, 1.5M) and [2M, 8M) are now full; the trimmed range starts
	 * on its first whole page. */
	assert_int_equal(page_alloc(31, PAGE_SIZE), 0x802000);
	assert_int_equal(page_alloc(1, PAGE_SIZE), 0x100000000);
	assert_int_equal(page_alloc_free_pages(), 262143);
}

static void test_init_resets_previous_state(void **state)
{
	(void)state;
	add_memory(0x200000, 0x200000, HANDOFF_MEM_USABLE);
	assert_int_equal(page_alloc_init(&handoff), 512);
	assert_int_equal(page_alloc(2, PAGE_SIZE), 0x200000);
	assert_int_equal(page_alloc_init(&handoff), 512);
	assert_int_equal(page_alloc_free_pages(), 512);
	assert_int_equal(page_alloc(1, PAGE_SIZE), 0x200000);
}

static void test_alignment(void **state)
{
	(void)state;
	assert_true(page_alloc_add_range(0x10001000, 16 * MIB));
	assert_int_equal(page_alloc(1, 2 * MIB), 0x10200000);
	assert_int_equal(page_alloc(1, 64 * 1024), 0x10010000);
	assert_int_equal(page_alloc(3, PAGE_SIZE), 0x10001000);
	assert_int_equal(page_alloc(1, 1ULL << 30), 0); /* no 1 GiB boundary inside */
	assert_int_equal(page_alloc(2, 8 * MIB), 0x10800000);
}

static void test_bad_requests(void **state)
{
	(void)state;
	assert_true(page_alloc_add_range(0x200000, 2 * MIB));
	assert_int_equal(page_alloc(0, PAGE_SIZE), 0);
	assert_int_equal(page_alloc(1, 0), 0);
	assert_int_equal(page_alloc(1, 2048), 0);          /* below a page */
	assert_int_equal(page_alloc(1, 3 * PAGE_SIZE), 0); /* not a power of two */
	assert_int_equal(page_alloc(UINT64_MAX / PAGE_SIZE + 1, PAGE_SIZE), 0);
	assert_int_equal(page_alloc_free_pages(), 512);
}

static void test_split_and_merge(void **state)
{
	(void)state;
	/* One range [0x10001000, 0x11001000): 4096 pages. */
	assert_true(page_alloc_add_range(0x10001000, 16 * MIB));
	assert_int_equal(page_alloc(1, 8 * MIB), 0x10800000); /* split in two */
	assert_int_equal(page_alloc_free_pages(), 4095);
	assert_int_equal(page_alloc(4096, PAGE_SIZE), 0);
	/* The hole splits the range: 2047 pages below, 2048 above. */
	assert_int_equal(page_alloc(2048, PAGE_SIZE), 0x10801000);
	assert_true(page_free(0x10801000, 2048));
	assert_true(page_free(0x10800000, 1)); /* joins both neighbours */
	assert_int_equal(page_alloc_free_pages(), 4096);
	assert_int_equal(page_alloc(4096, PAGE_SIZE), 0x10001000);
	assert_int_equal(page_alloc_free_pages(), 0);
}

static void test_merge_with_previous_and_next_only(void **state)
{
	(void)state;
	assert_true(page_alloc_add_range(0x400000, 4 * PAGE_SIZE));
	hpa_t a = page_alloc(1, PAGE_SIZE), b = page_alloc(1, PAGE_SIZE);
	hpa_t c = page_alloc(1, PAGE_SIZE), d = page_alloc(1, PAGE_SIZE);
	assert_int_equal(a, 0x400000);
	assert_int_equal(d, 0x403000);
	assert_true(page_free(a, 1)); /* alone */
	assert_true(page_free(b, 1)); /* joins the previous */
	assert_true(page_free(d, 1)); /* alone */
	assert_true(page_free(c, 1)); /* joins both */
	assert_int_equal(page_alloc(4, PAGE_SIZE), 0x400000);
}

static void test_exhaustion(void **state)
{
	(void)state;
	assert_true(page_alloc_add_range(0x300000, 4 * PAGE_SIZE));
	assert_int_equal(page_alloc(5, PAGE_SIZE), 0);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(page_alloc(1, PAGE_SIZE), 0x300000 + i * PAGE_SIZE);
	assert_int_equal(page_alloc(1, PAGE_SIZE), 0);
	assert_int_equal(page_alloc_free_pages(), 0);
	assert_int_equal(page_alloc_total_pages(), 4);
}

static void test_double_free_rejected(void **state)
{
	(void)state;
	assert_true(page_alloc_add_range(0x300000, 8 * PAGE_SIZE));
	assert_int_equal(page_alloc(4, PAGE_SIZE), 0x300000);
	assert_int_equal(page_alloc_free_pages(), 4);
	assert_false(page_free(0x304000, 1)); /* free already */
	assert_false(page_free(0x303000, 2)); /* tail overlaps free */
	assert_int_equal(page_alloc_free_pages(), 4);
	assert_true(page_free(0x300000, 2));
	assert_false(page_free(0x300000, 1)); /* twice */
	assert_false(page_free(0x301800, 1)); /* not page aligned */
	assert_false(page_free(0x302000, 0));
	assert_false(page_free(0xfffffffffffff000ULL, 2)); /* wraps */
	assert_int_equal(page_alloc_free_pages(), 6);
	assert_true(page_free(0x302000, 2));
	assert_int_equal(page_alloc_free_pages(), 8);
	assert_int_equal(page_alloc(8, PAGE_SIZE), 0x300000);
}

static void test_add_range_trims_and_clamps(void **state)
{
	(void)state;
	assert_true(page_alloc_add_range(0x500001, 0x2000)); /* [0x501000, 0x502000) */
	assert_int_equal(page_alloc_total_pages(), 1);
	assert_true(page_alloc_add_range(0x600000, 0xfff)); /* nothing */
	assert_int_equal(page_alloc_total_pages(), 1);
	/* A range running past the top of the address space is clamped:
	 * [2^64 - 8K, 2^64 - 1) leaves one whole page. */
	assert_true(page_alloc_add_range(0xffffffffffffe000ULL, 0x10000));
	assert_int_equal(page_alloc_total_pages(), 2);
	assert_false(page_alloc_add_range(0x501000, PAGE_SIZE)); /* already free */
	assert_int_equal(page_alloc_total_pages(), 2);
	assert_int_equal(page_alloc(1, PAGE_SIZE), 0x501000);
	assert_int_equal(page_alloc(1, PAGE_SIZE), 0xffffffffffffe000ULL);
}

static void test_full_range_table(void **state)
{
	(void)state;
	/* 512 separate 3-page ranges, 64 KiB apart, each starting at an
	 * odd page; the last one starts 8 KiB aligned. */
	for (unsigned i = 0; i < PAGE_ALLOC_MAX_RANGES; i++) {
		hpa_t base = 0x40000000 + i * 0x10000ULL + (i == 511 ? 0x2000 : 0x1000);
		assert_true(page_alloc_add_range(base, 3 * PAGE_SIZE));
	}
	assert_false(page_alloc_add_range(0x80000000, PAGE_SIZE)); /* no slot left */
	assert_int_equal(page_alloc_total_pages(), 3 * 512);
	/* An 8 KiB aligned page sits in the middle of every range but the
	 * last, and a split needs a free slot: the allocator moves on. */
	assert_int_equal(page_alloc(1, 0x2000), 0x40000000 + 511 * 0x10000ULL + 0x2000);
	/* With no split needed the first range serves. */
	assert_int_equal(page_alloc(1, PAGE_SIZE), 0x40001000);
}

static void test_zeroed_page_is_zeroed(void **state)
{
	(void)state;
	uint8_t *block = aligned_alloc(PAGE_SIZE, 2 * PAGE_SIZE);
	assert_non_null(block);
	memset(block, 0xaa, 2 * PAGE_SIZE);
	assert_true(page_alloc_add_range(ptr_to_hpa(block), 2 * PAGE_SIZE));
	assert_int_equal(page_alloc_zeroed(), ptr_to_hpa(block));
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(block[i], 0);
	assert_int_equal(block[PAGE_SIZE], 0xaa); /* the next page is untouched */
	assert_int_equal(page_alloc_zeroed(), ptr_to_hpa(block + PAGE_SIZE));
	assert_int_equal(page_alloc_zeroed(), 0);
	free(block);
}

/* The model: one flag per page of a 256-page region. page_alloc must
 * return the lowest aligned address whose whole run is free. */
#define MODEL_BASE  0x20000000ULL
#define MODEL_PAGES 256

static bool model_free[MODEL_PAGES];
static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static hpa_t model_alloc(unsigned pages, uint64_t align)
{
	for (hpa_t a = MODEL_BASE; a + pages * PAGE_SIZE <= MODEL_BASE + MODEL_PAGES * PAGE_SIZE;
	     a += align) {
		unsigned first = (unsigned)((a - MODEL_BASE) / PAGE_SIZE), i;
		for (i = 0; i < pages && model_free[first + i]; i++)
			;
		if (i == pages) {
			for (i = 0; i < pages; i++)
				model_free[first + i] = false;
			return a;
		}
	}
	return 0;
}

static void test_random_against_model(void **state)
{
	(void)state;
	struct {
		hpa_t base;
		unsigned pages;
	} live[MODEL_PAGES];
	unsigned live_count = 0, frees = 0, allocs = 0, failures = 0;
	assert_true(page_alloc_add_range(MODEL_BASE, MODEL_PAGES * PAGE_SIZE));
	const uint64_t baseline = page_alloc_free_pages();
	assert_int_equal(baseline, MODEL_PAGES);
	for (unsigned i = 0; i < MODEL_PAGES; i++)
		model_free[i] = true;

	for (unsigned op = 0; op < 1000; op++) {
		uint64_t r = next_random();
		if (live_count && (r & 3) == 0) {
			/* Free a random live block, then try freeing it again. */
			unsigned k = (unsigned)((r >> 8) % live_count);
			assert_true(page_free(live[k].base, live[k].pages));
			unsigned first = (unsigned)((live[k].base - MODEL_BASE) / PAGE_SIZE);
			for (unsigned i = 0; i < live[k].pages; i++)
				model_free[first + i] = true;
			if ((r >> 20) & 1)
				assert_false(page_free(live[k].base, live[k].pages));
			live[k] = live[--live_count];
			frees++;
		} else {
			unsigned pages = 1 + (unsigned)((r >> 8) % 8);
			uint64_t align = PAGE_SIZE << ((r >> 16) % 5);
			hpa_t expected = model_alloc(pages, align);
			hpa_t got = page_alloc(pages, align);
			if (got != expected)
				fail_msg("op %u: alloc(%u, 0x%llx) = 0x%llx, model 0x%llx", op,
				         pages, (unsigned long long)align, (unsigned long long)got,
				         (unsigned long long)expected);
			if (got) {
				live[live_count].base = got;
				live[live_count++].pages = pages;
				allocs++;
			} else {
				failures++;
			}
		}
		unsigned model_count = 0;
		for (unsigned i = 0; i < MODEL_PAGES; i++)
			model_count += model_free[i];
		assert_int_equal(page_alloc_free_pages(), model_count);
	}
	/* The run must have exercised every path. */
	assert_true(allocs > 100 && frees > 100 && failures > 10);

	while (live_count) {
		live_count--;
		assert_true(page_free(live[live_count].base, live[live_count].pages));
	}
	assert_int_equal(page_alloc_free_pages(), baseline);
	/* Fully merged again: one run of every page. */
	assert_int_equal(page_alloc(MODEL_PAGES, PAGE_SIZE), MODEL_BASE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_init_takes_only_usable_memory_above_1mib, reset),
	    cmocka_unit_test_setup(test_init_resets_previous_state, reset),
	    cmocka_unit_test_setup(test_alignment, reset),
	    cmocka_unit_test_setup(test_bad_requests, reset),
	    cmocka_unit_test_setup(test_split_and_merge, reset),
	    cmocka_unit_test_setup(test_merge_with_previous_and_next_only, reset),
	    cmocka_unit_test_setup(test_exhaustion, reset),
	    cmocka_unit_test_setup(test_double_free_rejected, reset),
	    cmocka_unit_test_setup(test_add_range_trims_and_clamps, reset),
	    cmocka_unit_test_setup(test_full_range_table, reset),
	    cmocka_unit_test_setup(test_zeroed_page_is_zeroed, reset),
	    cmocka_unit_test_setup(test_random_against_model, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

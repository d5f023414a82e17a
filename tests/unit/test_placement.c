/*
 * Host tests for partition placement (hypervisor/core/placement.c):
 * pinned partitions get a CPU of their own, highest-numbered usable CPUs
 * first; shared ones go round-robin over the usable CPUs nobody pinned;
 * PLACEMENT_NONE when nothing is left, and a refusal when no CPU is usable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/placement.h"

static void test_shared_round_robin_over_all_cpus(void **state)
{
	(void)state;
	const bool usable[4] = {true, true, true, true};
	const bool pinned[6] = {false};
	unsigned cpu_of[6];
	assert_true(placement_assign(usable, 4, pinned, 6, cpu_of));
	const unsigned expected[6] = {0, 1, 2, 3, 0, 1};
	assert_memory_equal(cpu_of, expected, sizeof(expected));
}

static void test_pinned_takes_highest_cpu_shared_keep_the_rest(void **state)
{
	(void)state;
	const bool usable[2] = {true, true};
	const bool pinned[4] = {false, true, false, false};
	unsigned cpu_of[4];
	assert_true(placement_assign(usable, 2, pinned, 4, cpu_of));
	const unsigned expected[4] = {0, 1, 0, 0};
	assert_memory_equal(cpu_of, expected, sizeof(expected));
}

static void test_pinned_in_order_from_the_top(void **state)
{
	(void)state;
	const bool usable[4] = {true, true, true, true};
	const bool pinned[4] = {true, false, true, false};
	unsigned cpu_of[4];
	assert_true(placement_assign(usable, 4, pinned, 4, cpu_of));
	/* Pinned: 3 then 2; shared round-robin over 0 and 1. */
	const unsigned expected[4] = {3, 0, 2, 1};
	assert_memory_equal(cpu_of, expected, sizeof(expected));
}

static void test_more_pinned_than_cpus(void **state)
{
	(void)state;
	const bool usable[2] = {true, true};
	const bool pinned[3] = {true, true, true};
	unsigned cpu_of[3];
	assert_true(placement_assign(usable, 2, pinned, 3, cpu_of));
	const unsigned expected[3] = {1, 0, PLACEMENT_NONE};
	assert_memory_equal(cpu_of, expected, sizeof(expected));
}

static void test_all_cpus_pinned_leaves_shared_unplaced(void **state)
{
	(void)state;
	const bool usable[2] = {true, true};
	const bool pinned[4] = {true, false, true, false};
	unsigned cpu_of[4];
	assert_true(placement_assign(usable, 2, pinned, 4, cpu_of));
	const unsigned expected[4] = {1, PLACEMENT_NONE, 0, PLACEMENT_NONE};
	assert_memory_equal(cpu_of, expected, sizeof(expected));
}

static void test_unusable_cpus_skipped(void **state)
{
	(void)state;
	const bool usable[5] = {false, true, false, true, false};
	const bool none_pinned[5] = {false};
	unsigned cpu_of[5];
	assert_true(placement_assign(usable, 5, none_pinned, 5, cpu_of));
	const unsigned expected[5] = {1, 3, 1, 3, 1};
	assert_memory_equal(cpu_of, expected, sizeof(expected));

	/* The pinned partition skips unusable CPU 4 and takes 3; the shared
	 * ones only have CPU 1. */
	const bool pinned[3] = {false, true, false};
	assert_true(placement_assign(usable, 5, pinned, 3, cpu_of));
	const unsigned with_pinned[3] = {1, 3, 1};
	assert_memory_equal(cpu_of, with_pinned, sizeof(with_pinned));

	/* Only the last CPU: everything shared queues on it. */
	const bool last_only[3] = {false, false, true};
	assert_true(placement_assign(last_only, 3, none_pinned, 3, cpu_of));
	const unsigned all_on_2[3] = {2, 2, 2};
	assert_memory_equal(cpu_of, all_on_2, sizeof(all_on_2));
}

static void test_no_usable_cpu(void **state)
{
	(void)state;
	const bool usable[3] = {false, false, false};
	const bool pinned[2] = {true, false};
	unsigned cpu_of[2] = {77, 77};
	assert_false(placement_assign(usable, 3, pinned, 2, cpu_of));
	assert_int_equal(cpu_of[0], 77);
	assert_int_equal(cpu_of[1], 77);
	assert_false(placement_assign(usable, 0, pinned, 2, cpu_of));
	assert_int_equal(cpu_of[0], 77);
}

static void test_no_partitions(void **state)
{
	(void)state;
	const bool usable[2] = {true, false};
	const bool pinned[1] = {true};
	unsigned cpu_of[1] = {77};
	assert_true(placement_assign(usable, 2, pinned, 0, cpu_of));
	assert_int_equal(cpu_of[0], 77);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shared_round_robin_over_all_cpus),
	    cmocka_unit_test(test_pinned_takes_highest_cpu_shared_keep_the_rest),
	    cmocka_unit_test(test_pinned_in_order_from_the_top),
	    cmocka_unit_test(test_more_pinned_than_cpus),
	    cmocka_unit_test(test_all_cpus_pinned_leaves_shared_unplaced),
	    cmocka_unit_test(test_unusable_cpus_skipped),
	    cmocka_unit_test(test_no_usable_cpu),
	    cmocka_unit_test(test_no_partitions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

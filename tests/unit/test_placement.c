/*
 * Host tests for vCPU placement (hypervisor/core/placement.c): pinned
 * partitions get a CPU of their own per vCPU, highest-numbered usable
 * CPUs first; shared vCPUs go round-robin over the usable CPUs nobody
 * pinned;
 * PLACEMENT_NONE when nothing is left, and a refusal when no CPU is usable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/placement.h"

/* One vCPU each: the CPU of each partition's only vCPU into cpu_of. */
static bool assign_one_vcpu_each(const bool *usable, unsigned cpus, const bool *pinned,
                                 unsigned partitions, unsigned *cpu_of)
{
	unsigned ones[16] = {0}, per_vcpu[16][PLACEMENT_MAX_VCPUS];
	for (unsigned p = 0; p < partitions; p++)
		ones[p] = 1;
	if (!placement_assign(usable, cpus, pinned, ones, partitions, per_vcpu))
		return false;
	for (unsigned p = 0; p < partitions; p++) {
		for (unsigned v = 1; v < PLACEMENT_MAX_VCPUS; v++)
			assert_int_equal(per_vcpu[p][v], PLACEMENT_NONE);
		cpu_of[p] = per_vcpu[p][0];
	}
	return true;
}

static void test_shared_round_robin_over_all_cpus(void **state)
{
	(void)state;
	const bool usable[4] = {true, true, true, true};
	const bool pinned[6] = {false};
	unsigned cpu_of[6];
	assert_true(assign_one_vcpu_each(usable, 4, pinned, 6, cpu_of));
	const unsigned expected[6] = {0, 1, 2, 3, 0, 1};
	assert_memory_equal(cpu_of, expected, sizeof(expected));
}

static void test_pinned_takes_highest_cpu_shared_keep_the_rest(void **state)
{
	(void)state;
	const bool usable[2] = {true, true};
	const bool pinned[4] = {false, true, false, false};
	unsigned cpu_of[4];
	assert_true(assign_one_vcpu_each(usable, 2, pinned, 4, cpu_of));
	const unsigned expected[4] = {0, 1, 0, 0};
	assert_memory_equal(cpu_of, expected, sizeof(expected));
}

static void test_pinned_in_order_from_the_top(void **state)
{
	(void)state;
	const bool usable[4] = {true, true, true, true};
	const bool pinned[4] = {true, false, true, false};
	unsigned cpu_of[4];
	assert_true(assign_one_vcpu_each(usable, 4, pinned, 4, cpu_of));
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
	assert_true(assign_one_vcpu_each(usable, 2, pinned, 3, cpu_of));
	const unsigned expected[3] = {1, 0, PLACEMENT_NONE};
	assert_memory_equal(cpu_of, expected, sizeof(expected));
}

static void test_all_cpus_pinned_leaves_shared_unplaced(void **state)
{
	(void)state;
	const bool usable[2] = {true, true};
	const bool pinned[4] = {true, false, true, false};
	unsigned cpu_of[4];
	assert_true(assign_one_vcpu_each(usable, 2, pinned, 4, cpu_of));
	const unsigned expected[4] = {1, PLACEMENT_NONE, 0, PLACEMENT_NONE};
	assert_memory_equal(cpu_of, expected, sizeof(expected));
}

static void test_unusable_cpus_skipped(void **state)
{
	(void)state;
	const bool usable[5] = {false, true, false, true, false};
	const bool none_pinned[5] = {false};
	unsigned cpu_of[5];
	assert_true(assign_one_vcpu_each(usable, 5, none_pinned, 5, cpu_of));
	const unsigned expected[5] = {1, 3, 1, 3, 1};
	assert_memory_equal(cpu_of, expected, sizeof(expected));

	/* The pinned partition skips unusable CPU 4 and takes 3; the shared
	 * ones only have CPU 1. */
	const bool pinned[3] = {false, true, false};
	assert_true(assign_one_vcpu_each(usable, 5, pinned, 3, cpu_of));
	const unsigned with_pinned[3] = {1, 3, 1};
	assert_memory_equal(cpu_of, with_pinned, sizeof(with_pinned));

	/* Only the last CPU: everything shared queues on it. */
	const bool last_only[3] = {false, false, true};
	assert_true(assign_one_vcpu_each(last_only, 3, none_pinned, 3, cpu_of));
	const unsigned all_on_2[3] = {2, 2, 2};
	assert_memory_equal(cpu_of, all_on_2, sizeof(all_on_2));
}

static void test_no_usable_cpu(void **state)
{
	(void)state;
	const bool usable[3] = {false, false, false};
	const bool pinned[2] = {true, false};
	unsigned cpu_of[2] = {77, 77};
	assert_false(assign_one_vcpu_each(usable, 3, pinned, 2, cpu_of));
	assert_int_equal(cpu_of[0], 77);
	assert_int_equal(cpu_of[1], 77);
	assert_false(assign_one_vcpu_each(usable, 0, pinned, 2, cpu_of));
	assert_int_equal(cpu_of[0], 77);
}

static void test_vcpus_of_a_shared_partition_spread_out(void **state)
{
	(void)state;
	const bool usable[3] = {true, true, true};
	const bool pinned[3] = {false, false, false};
	const unsigned vcpus[3] = {2, 1, 4};
	unsigned cpu_of[3][PLACEMENT_MAX_VCPUS];
	assert_true(placement_assign(usable, 3, pinned, vcpus, 3, cpu_of));
	/* Round-robin goes on from vCPU to vCPU and partition to partition;
	 * 4 vCPUs on 3 CPUs share one. */
	const unsigned expected[3][4] = {{0, 1, PLACEMENT_NONE, PLACEMENT_NONE},
	                                 {2, PLACEMENT_NONE, PLACEMENT_NONE, PLACEMENT_NONE},
	                                 {0, 1, 2, 0}};
	for (unsigned p = 0; p < 3; p++)
		assert_memory_equal(cpu_of[p], expected[p], sizeof(expected[p]));
}

static void test_pinned_partition_gets_a_cpu_per_vcpu_or_none(void **state)
{
	(void)state;
	const bool usable[4] = {true, true, true, true};
	const bool pinned[4] = {true, true, false, true};
	const unsigned vcpus[4] = {2, 3, 2, 1};
	unsigned cpu_of[4][PLACEMENT_MAX_VCPUS];
	assert_true(placement_assign(usable, 4, pinned, vcpus, 4, cpu_of));
	/* The first takes 3 and 2; 3 vCPUs do not fit in the 2 CPUs left,
	 * so the second gets none (not a partial set); the 1-vCPU pinned one
	 * takes 1, and the shared one's two vCPUs share CPU 0. */
	assert_int_equal(cpu_of[0][0], 3);
	assert_int_equal(cpu_of[0][1], 2);
	for (unsigned v = 0; v < PLACEMENT_MAX_VCPUS; v++)
		assert_int_equal(cpu_of[1][v], PLACEMENT_NONE);
	assert_int_equal(cpu_of[3][0], 1);
	assert_int_equal(cpu_of[2][0], 0);
	assert_int_equal(cpu_of[2][1], 0);
	assert_int_equal(cpu_of[2][2], PLACEMENT_NONE);
}

static void test_no_partitions(void **state)
{
	(void)state;
	const bool usable[2] = {true, false};
	const bool pinned[1] = {true};
	unsigned cpu_of[1] = {77};
	assert_true(assign_one_vcpu_each(usable, 2, pinned, 0, cpu_of));
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
	    cmocka_unit_test(test_vcpus_of_a_shared_partition_spread_out),
	    cmocka_unit_test(test_pinned_partition_gets_a_cpu_per_vcpu_or_none),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

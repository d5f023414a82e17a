/*
 * Host tests for partition placement (hypervisor/core/placement.c):
 * round-robin over the CPUs that can run partitions, skipping the others,
 * and the refusal when none can.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/placement.h"

static void test_round_robin_over_all_cpus(void **state)
{
	(void)state;
	const bool usable[4] = {true, true, true, true};
	unsigned cpu_of[6];
	assert_true(placement_assign(usable, 4, 6, cpu_of));
	const unsigned expected[6] = {0, 1, 2, 3, 0, 1};
	assert_memory_equal(cpu_of, expected, sizeof(expected));
}

static void test_unusable_cpus_skipped(void **state)
{
	(void)state;
	const bool usable[5] = {false, true, false, true, false};
	unsigned cpu_of[5];
	assert_true(placement_assign(usable, 5, 5, cpu_of));
	const unsigned expected[5] = {1, 3, 1, 3, 1};
	assert_memory_equal(cpu_of, expected, sizeof(expected));

	/* Only the last CPU: everything queues on it. */
	const bool last_only[3] = {false, false, true};
	assert_true(placement_assign(last_only, 3, 3, cpu_of));
	const unsigned all_on_2[3] = {2, 2, 2};
	assert_memory_equal(cpu_of, all_on_2, sizeof(all_on_2));
}

static void test_no_usable_cpu(void **state)
{
	(void)state;
	const bool usable[3] = {false, false, false};
	unsigned cpu_of[2] = {77, 77};
	assert_false(placement_assign(usable, 3, 2, cpu_of));
	assert_int_equal(cpu_of[0], 77);
	assert_int_equal(cpu_of[1], 77);
	assert_false(placement_assign(usable, 0, 2, cpu_of));
	assert_int_equal(cpu_of[0], 77);
}

static void test_no_partitions(void **state)
{
	(void)state;
	const bool usable[2] = {true, false};
	unsigned cpu_of[1] = {77};
	assert_true(placement_assign(usable, 2, 0, cpu_of));
	assert_int_equal(cpu_of[0], 77);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_robin_over_all_cpus),
	    cmocka_unit_test(test_unusable_cpus_skipped),
	    cmocka_unit_test(test_no_usable_cpu),
	    cmocka_unit_test(test_no_partitions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

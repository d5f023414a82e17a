/*
 * Host tests for the run queue's timer heap (hypervisor/core/wake_heap.c):
 * against a plain array of times under thousands of random sets, moves,
 * removals and takes, it must always give the earliest time, and take
 * out exactly the entries due, each once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/wake_heap.h"

static struct wake_heap heap;
static uint64_t model[WAKE_HEAP_CAPACITY]; /* WAKE_HEAP_NEVER: absent */

static void reset(void)
{
	memset(&heap, 0, sizeof(heap));
	for (unsigned i = 0; i < WAKE_HEAP_CAPACITY; i++)
		model[i] = WAKE_HEAP_NEVER;
}

static uint64_t model_earliest(void)
{
	uint64_t t = WAKE_HEAP_NEVER;
	for (unsigned i = 0; i < WAKE_HEAP_CAPACITY; i++)
		if (model[i] < t)
			t = model[i];
	return t;
}

static void test_empty_heap_has_nothing_due(void **state)
{
	(void)state;
	reset();
	assert_true(wake_heap_earliest(&heap) == WAKE_HEAP_NEVER);
	assert_int_equal(wake_heap_take_due(&heap, UINT64_MAX - 1), -1);
	wake_heap_set(&heap, 3, WAKE_HEAP_NEVER); /* removing an absent entry */
	assert_int_equal(heap.length, 0);
	wake_heap_set(&heap, WAKE_HEAP_CAPACITY, 5); /* out of range: ignored */
	assert_int_equal(heap.length, 0);
}

static void test_moves_and_removals(void **state)
{
	(void)state;
	reset();
	wake_heap_set(&heap, 7, 300);
	wake_heap_set(&heap, 2, 100);
	wake_heap_set(&heap, 9, 200);
	assert_true(wake_heap_earliest(&heap) == 100);
	wake_heap_set(&heap, 2, 400); /* later: 9 comes first now */
	assert_true(wake_heap_earliest(&heap) == 200);
	wake_heap_set(&heap, 7, 50); /* earlier */
	assert_true(wake_heap_earliest(&heap) == 50);
	wake_heap_set(&heap, 7, WAKE_HEAP_NEVER);
	assert_int_equal(heap.length, 2);
	assert_int_equal(wake_heap_take_due(&heap, 199), -1);
	assert_int_equal(wake_heap_take_due(&heap, 250), 9);
	assert_int_equal(wake_heap_take_due(&heap, 250), -1);
	assert_int_equal(wake_heap_take_due(&heap, 400), 2);
	assert_int_equal(heap.length, 0);
}

/* An entry set again after being taken is back, and only once. */
static void test_reinsert_after_take(void **state)
{
	(void)state;
	reset();
	wake_heap_set(&heap, 4, 10);
	assert_int_equal(wake_heap_take_due(&heap, 10), 4);
	wake_heap_set(&heap, 4, 20);
	wake_heap_set(&heap, 4, 30);
	assert_int_equal(heap.length, 1);
	assert_int_equal(wake_heap_take_due(&heap, 30), 4);
	assert_int_equal(wake_heap_take_due(&heap, 30), -1);
}

static void test_random_against_model(void **state)
{
	(void)state;
	reset();
	srand(11);
	uint64_t now = 0;
	unsigned taken = 0;
	for (unsigned round = 0; round < 200000; round++) {
		unsigned entry = (unsigned)rand() % WAKE_HEAP_CAPACITY;
		int op = rand() % 8;
		if (op < 5) {
			uint64_t at = now + (uint64_t)(rand() % 1000);
			wake_heap_set(&heap, entry, at);
			model[entry] = at;
		} else if (op == 5) {
			wake_heap_set(&heap, entry, WAKE_HEAP_NEVER);
			model[entry] = WAKE_HEAP_NEVER;
		} else {
			now += (uint64_t)(rand() % 50);
			int e;
			while ((e = wake_heap_take_due(&heap, now)) >= 0) {
				assert_true(model[e] <= now);
				model[e] = WAKE_HEAP_NEVER;
				taken++;
			}
			assert_true(model_earliest() > now || model_earliest() == WAKE_HEAP_NEVER);
		}
		assert_true(wake_heap_earliest(&heap) == model_earliest());
	}
	unsigned present = 0;
	for (unsigned i = 0; i < WAKE_HEAP_CAPACITY; i++)
		present += model[i] != WAKE_HEAP_NEVER;
	assert_int_equal(heap.length, present);
	assert_true(taken > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_heap_has_nothing_due),
	    cmocka_unit_test(test_moves_and_removals),
	    cmocka_unit_test(test_reinsert_after_take),
	    cmocka_unit_test(test_random_against_model),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}

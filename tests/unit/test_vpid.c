/*
 * Host tests for the VPID allocator (hypervisor/vmx/vpid.c): never 0, no
 * number handed out twice while held, freed numbers come back (as late as
 * possible), and exhaustion is an answer, not a wrap-around.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vmx/vpid.h"

static void test_all_distinct_then_exhausted_then_reused(void **state)
{
	(void)state;
	uint8_t *seen = calloc(65536, 1);
	assert_non_null(seen);
	for (unsigned i = 0; i < 65535; i++) {
		uint16_t v = vpid_alloc();
		assert_int_not_equal(v, 0);
		if (seen[v])
			fail_msg("VPID %u handed out twice", v);
		seen[v] = 1;
	}
	/* All 65535 are held: no wrap-around onto a live one. */
	assert_int_equal(vpid_alloc(), 0);
	vpid_free(4242);
	vpid_free(0); /* ignored */
	assert_int_equal(vpid_alloc(), 4242);
	assert_int_equal(vpid_alloc(), 0);
	/* Freed ones come back in the order the search meets them, after
	 * the last one handed out. */
	vpid_free(100);
	vpid_free(5000);
	assert_int_equal(vpid_alloc(), 5000);
	assert_int_equal(vpid_alloc(), 100);
	free(seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_distinct_then_exhausted_then_reused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

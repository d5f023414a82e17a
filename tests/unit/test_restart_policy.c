/*
 * Restart policies: which endings restart a partition under `no`,
 * `always`, `on-failure` and `on-failure:N`, and the backoff (100 ms,
 * doubling, capped at 10 s).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/restart_policy.h"

static struct restart_policy policy(enum config_restart mode, uint32_t max)
{
	return (struct restart_policy){mode, max};
}

static void test_no_never_restarts(void **state)
{
	(void)state;
	struct restart_policy p = policy(CONFIG_RESTART_NO, 0);
	assert_false(restart_decide(&p, true, 0).restart);
	assert_false(restart_decide(&p, false, 0).restart);
}

static void test_always_restarts_on_any_ending(void **state)
{
	(void)state;
	struct restart_policy p = policy(CONFIG_RESTART_ALWAYS, 0);
	struct restart_decision d = restart_decide(&p, false, 0);
	assert_true(d.restart);
	assert_int_equal(d.delay_ms, 100);
	assert_true(restart_decide(&p, true, 1000).restart);
}

static void test_on_failure_counts_retries(void **state)
{
	(void)state;
	struct restart_policy p = policy(CONFIG_RESTART_ON_FAILURE, 2);
	assert_false(restart_decide(&p, false, 0).restart); /* exit 0 */
	assert_true(restart_decide(&p, true, 0).restart);
	assert_true(restart_decide(&p, true, 1).restart);
	assert_false(restart_decide(&p, true, 2).restart); /* two retries used */
	struct restart_policy unlimited = policy(CONFIG_RESTART_ON_FAILURE, 0);
	assert_true(restart_decide(&unlimited, true, 500).restart);
}

static void test_backoff_doubles_and_caps(void **state)
{
	(void)state;
	struct restart_policy p = policy(CONFIG_RESTART_ALWAYS, 0);
	const uint64_t expected[] = {100, 200, 400, 800, 1600, 3200, 6400, 10000, 10000};
	for (unsigned i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		assert_int_equal(restart_decide(&p, true, i).delay_ms, expected[i]);
	assert_int_equal(restart_decide(&p, true, 4000000000u).delay_ms, 10000);
}

static void test_describe(void **state)
{
	(void)state;
	char buf[24];
	struct restart_policy a = policy(CONFIG_RESTART_ON_FAILURE, 3);
	struct restart_policy b = policy(CONFIG_RESTART_ON_FAILURE, 0);
	struct restart_policy c = policy(CONFIG_RESTART_ALWAYS, 0);
	struct restart_policy d = policy(CONFIG_RESTART_NO, 0);
	assert_string_equal(restart_policy_describe(&a, buf, sizeof(buf)), "on-failure:3");
	assert_string_equal(restart_policy_describe(&b, buf, sizeof(buf)), "on-failure");
	assert_string_equal(restart_policy_describe(&c, buf, sizeof(buf)), "always");
	assert_string_equal(restart_policy_describe(&d, buf, sizeof(buf)), "no");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_never_restarts),
	    cmocka_unit_test(test_always_restarts_on_any_ending),
	    cmocka_unit_test(test_on_failure_counts_retries),
	    cmocka_unit_test(test_backoff_doubles_and_caps),
	    cmocka_unit_test(test_describe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

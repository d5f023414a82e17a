/*
 * Host tests for the guest init's reading of solo's clone-point answer
 * (guest-kernel/init/clone_point.c): the two lines it knows, in any
 * order or alone, and every way the text can break the format, which is
 * refused whole rather than half applied.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "clone_point.h"

#define SEED_HEX "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210"

static int parse(const char *text, struct clone_answer *a)
{
	return clone_answer_parse(text, strlen(text), a);
}

static void test_both_lines(void **state)
{
	(void)state;
	struct clone_answer a;
	assert_int_equal(parse("hostname=twin-2\nseed=" SEED_HEX "\n", &a), 0);
	assert_string_equal(a.hostname, "twin-2");
	assert_true(a.has_seed);
	assert_int_equal(a.seed[0], 0x00);
	assert_int_equal(a.seed[1], 0x11);
	assert_int_equal(a.seed[15], 0xff);
	assert_int_equal(a.seed[31], 0x10);
	assert_int_equal(parse("seed=" SEED_HEX "\nhostname=a.b_c\n", &a), 0);
	assert_string_equal(a.hostname, "a.b_c");
}

static void test_one_line_or_none(void **state)
{
	(void)state;
	struct clone_answer a;
	assert_int_equal(parse("seed=" SEED_HEX "\n", &a), 0);
	assert_string_equal(a.hostname, "");
	assert_true(a.has_seed);
	assert_int_equal(parse("", &a), 0);
	assert_false(a.has_seed);
}

static void test_broken_answers(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "seed=" SEED_HEX,              /* no newline at the end */
	    "seed=" SEED_HEX "0\n",        /* 33 bytes */
	    "seed=00112233\n",             /* too short */
	    "seed=" SEED_HEX "\nname=x\n", /* unknown key */
	    "hostname=\n",                 /* empty name */
	    "hostname=a b\n",              /* not a host name */
	    "hostname=a/b\n",              /* nor this */
	    "just text\n",                 /* no key */
	    "SEED=" SEED_HEX "\n",         /* keys are lower case */
	    "seed=00112233445566778899AABBCCDDEEFF0123456789abcdeffedcba9876543210\n",
	    "hostname=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct clone_answer a;
		if (parse(bad[i], &a) != -1)
			fail_msg("accepted: %s", bad[i]);
	}
	/* Bytes after a NUL count: the length decides, not the string. */
	struct clone_answer a;
	assert_int_equal(clone_answer_parse("hostname=x\n\0", 12, &a), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_both_lines),
	    cmocka_unit_test(test_one_line_or_none),
	    cmocka_unit_test(test_broken_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

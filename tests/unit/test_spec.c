/*
 * Host tests for guest-kernel/init/spec.c, the parser of the container
 * spec solo-init reads: a full spec lands in the exact fields, values are
 * taken verbatim, defaults apply, and every rejection names its line.
 * AddressSanitizer's leak check covers the frees on the error paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "spec.h"

static struct spec spec;
static char text[1024];
static char err[SPEC_ERROR_SIZE];

static int parse(const char *s)
{
	snprintf(text, sizeof(text), "%s", s);
	strcpy(err, "untouched");
	return spec_parse(text, strlen(text), &spec, err);
}

static void expect_ok(const char *s)
{
	if (parse(s) != 0)
		fail_msg("rejected: %s", err);
	assert_string_equal(err, "");
}

static void expect_error(const char *s, const char *message)
{
	assert_int_equal(parse(s), -1);
	assert_string_equal(err, message);
	assert_null(spec.argv);
	assert_null(spec.env);
}

static void test_full_spec(void **state)
{
	(void)state;
	expect_ok("argv=/bin/sh\n"
	          "env=NAME=demo\n"
	          "argv=-c\n"
	          "argv=echo $NAME = a b  c; exit 3\n"
	          "env=EMPTY=\n"
	          "cwd=/tmp\n"
	          "uid=1000\n"
	          "gid=4294967294\n"
	          "hostname=box\n");
	assert_int_equal(spec.argc, 3);
	assert_string_equal(spec.argv[0], "/bin/sh");
	assert_string_equal(spec.argv[1], "-c");
	assert_string_equal(spec.argv[2], "echo $NAME = a b  c; exit 3");
	assert_null(spec.argv[3]);
	assert_int_equal(spec.envc, 2);
	assert_string_equal(spec.env[0], "NAME=demo");
	assert_string_equal(spec.env[1], "EMPTY=");
	assert_null(spec.env[2]);
	assert_string_equal(spec.cwd, "/tmp");
	assert_int_equal(spec.uid, 1000);
	assert_int_equal(spec.gid, 4294967294u);
	assert_string_equal(spec.hostname, "box");
	spec_free(&spec);
}

static void test_defaults(void **state)
{
	(void)state;
	/* No final newline, empty lines skipped, an empty later argument kept. */
	expect_ok("\nargv=/bin/true\n\nargv=");
	assert_int_equal(spec.argc, 2);
	assert_string_equal(spec.argv[1], "");
	assert_non_null(spec.env); /* execve() gets an empty list */
	assert_int_equal(spec.envc, 0);
	assert_null(spec.env[0]);
	assert_string_equal(spec.cwd, "/");
	assert_int_equal(spec.uid, 0);
	assert_int_equal(spec.gid, 0);
	assert_null(spec.hostname);
	spec_free(&spec);
}

static void test_many_arguments(void **state)
{
	(void)state;
	char many[1024] = "";

	for (int i = 0; i < 40; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "argv=%d\nenv=V%d=x\n",
		         i, i);
	expect_ok(many);
	assert_int_equal(spec.argc, 40);
	assert_int_equal(spec.envc, 40);
	assert_string_equal(spec.argv[39], "39");
	assert_string_equal(spec.env[39], "V39=x");
	spec_free(&spec);
}

static void test_rejections(void **state)
{
	(void)state;
	expect_error("argv=/bin/sh\nuser=root\n", "line 2: unknown key 'user'");
	expect_error("argv=/bin/sh\n# comment\n", "line 2: not key=value: '# comment'");
	expect_error("argv=/bin/sh\nARGV=x\n", "line 2: unknown key 'ARGV'");
	expect_error("cwd=/\n", "no argv line: nothing to run");
	expect_error("", "no argv line: nothing to run");
	expect_error("argv=\nargv=x\n", "argv[0] is empty");
	expect_error("argv=a\ncwd=tmp\n", "line 2: cwd is not an absolute path: 'tmp'");
	expect_error("argv=a\ncwd=/\ncwd=/tmp\n", "line 3: cwd given twice");
	expect_error("argv=a\nuid=1\nuid=1\n", "line 3: uid given twice");
	expect_error("argv=a\nuid=-1\n", "line 2: uid is not a number below 4294967295: '-1'");
	expect_error("argv=a\ngid=\n", "line 2: gid is not a number below 4294967295: ''");
	expect_error("argv=a\nuid= 1\n", "line 2: uid is not a number below 4294967295: ' 1'");
	expect_error("argv=a\nuid=4294967295\n",
	             "line 2: uid is not a number below 4294967295: '4294967295'");
	expect_error("argv=a\ngid=99999999999999999999\n",
	             "line 2: gid is not a number below 4294967295: '99999999999999999999'");
	expect_error("argv=a\nenv=NAME\n", "line 2: env is not NAME=value: 'NAME'");
	expect_error("argv=a\nenv==x\n", "line 2: env is not NAME=value: '=x'");
	expect_error("argv=a\nhostname=\n", "line 2: hostname must be 1 to 64 bytes long");
	expect_error("argv=a\nhostname="
	             "12345678901234567890123456789012345678901234567890123456789012345\n",
	             "line 2: hostname must be 1 to 64 bytes long");
	expect_error("argv=a\nhostname=x\nhostname=y\n", "line 3: hostname given twice");
}

static void test_nul_byte(void **state)
{
	(void)state;
	char with_nul[] = "argv=/bin/sh\0argv=x\n";

	assert_int_equal(spec_parse(with_nul, sizeof(with_nul) - 1, &spec, err), -1);
	assert_string_equal(err, "the spec holds a NUL byte");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_spec),      cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_many_arguments), cmocka_unit_test(test_rejections),
	    cmocka_unit_test(test_nul_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

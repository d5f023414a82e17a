/*
 * Host tests for the manifest parser (loader/manifest.c): a manifest as
 * solo build writes one, lookups regardless of case, and every refusal
 * with its line number: header, duplicates, bad digests, sizes and
 * paths, unknown lines, a missing line break, what is missing at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "manifest.h"

#define H64 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static struct manifest m;
static char err[200];

static void refused(const char *text, const char *why)
{
	assert_false(manifest_parse(text, strlen(text), &m, err, sizeof(err)));
	assert_string_equal(err, why);
}

static void test_a_manifest(void **state)
{
	(void)state;
	const char *text = "solo-manifest 1\n"
	                   "appliance edge-demo\n"
	                   "counter 1733300000\n"
	                   "file " H64 " 1234 \\solo\\appliance.conf\n"
	                   "file " H64 " 0 \\solo\\containers\\web.cpio\n";
	assert_true(manifest_parse(text, strlen(text), &m, err, sizeof(err)));
	assert_string_equal(m.appliance, "edge-demo");
	assert_int_equal(m.counter, 1733300000);
	assert_int_equal(m.count, 2);
	assert_int_equal(m.files[0].size, 1234);
	assert_int_equal(m.files[0].digest[0], 0x00);
	assert_int_equal(m.files[0].digest[1], 0x11);
	assert_int_equal(m.files[0].digest[31], 0xff);
	const struct manifest_file *f = manifest_find(&m, "\\SOLO\\Appliance.CONF");
	assert_ptr_equal(f, &m.files[0]);
	assert_ptr_equal(manifest_find(&m, "\\solo\\containers\\web.cpio"), &m.files[1]);
	assert_null(manifest_find(&m, "\\solo\\appliance.con"));
	assert_null(manifest_find(&m, "\\solo\\appliance.conf2"));
	/* Lines in another order are fine; the header is not optional. */
	const char *other = "solo-manifest 1\ncounter 7\nappliance a\n";
	assert_true(manifest_parse(other, strlen(other), &m, err, sizeof(err)));
	assert_int_equal(m.count, 0);
}

static void test_refusals(void **state)
{
	(void)state;
	refused("", "empty");
	refused("solo-manifest 2\n", "line 1: not 'solo-manifest 1'");
	refused("solo-manifest 1", "line 1: no line break at the end");
	refused("solo-manifest 1\nappliance a\n", "no counter line");
	refused("solo-manifest 1\ncounter 1\n", "no appliance line");
	refused("solo-manifest 1\nappliance a\nappliance b\ncounter 1\n",
	        "line 3: a second or bad appliance line");
	refused("solo-manifest 1\nappliance \ncounter 1\n",
	        "line 2: a second or bad appliance line");
	refused("solo-manifest 1\nappliance a\ncounter 0\n",
	        "line 3: a second or bad counter line");
	refused("solo-manifest 1\nappliance a\ncounter 01\n",
	        "line 3: a second or bad counter line");
	refused("solo-manifest 1\nappliance a\ncounter 9223372036854775808\n",
	        "line 3: a second or bad counter line");
	refused("solo-manifest 1\nappliance a\ncounter 1\r\n", "line 3: a NUL or CR byte");
	refused("solo-manifest 1\nappliance a\ncounter 1\nfiles x\n", "line 4: unknown line");
	const char *bad_files[] = {
	    "file " H64 " 12\n",                       /* no path */
	    "file " H64 "  \\a\n",                     /* no size */
	    "file " H64 " 1x \\a\n",                   /* a bad size */
	    "file " H64 " 18446744073709551616 \\a\n", /* too big */
	    "file " H64 " 1 a\\b\n",                   /* not absolute */
	    "file " H64 " 1 \\a/b\n",                  /* '/' */
	    "file " H64 " 1 \\a b\n",                  /* a blank */
	    "file 00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff 1 \\a\n",
	    "file 0011 1 \\a\n",
	};
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		char text[400];
		snprintf(text, sizeof(text), "solo-manifest 1\nappliance a\ncounter 1\n%s",
		         bad_files[i]);
		refused(text, "line 4: not 'file SHA256HEX SIZE PATH'");
	}
	refused("solo-manifest 1\nappliance a\ncounter 1\nfile " H64 " 1 \\a\nfile " H64 " 2 \\A\n",
	        "line 5: a file listed twice");
}

static void test_limits(void **state)
{
	(void)state;
	static char text[MANIFEST_MAX_SIZE + 1000];
	size_t n = (size_t)sprintf(text, "solo-manifest 1\nappliance a\ncounter 1\n");
	for (int i = 0; i < MANIFEST_MAX_FILES; i++)
		n += (size_t)sprintf(text + n, "file " H64 " %d \\solo\\f%d\n", i, i);
	assert_true(manifest_parse(text, n, &m, err, sizeof(err)));
	assert_int_equal(m.count, MANIFEST_MAX_FILES);
	assert_true(n <= MANIFEST_MAX_SIZE);
	sprintf(text + n, "file " H64 " 1 \\solo\\one-more\n");
	assert_int_equal(MANIFEST_MAX_FILES, 576);
	refused(text, "line 580: too many files");
	char path[CONFIG_PATH_MAX + 2];
	memset(path, 'p', sizeof(path));
	path[0] = '\\';
	path[CONFIG_PATH_MAX + 1] = '\0';
	snprintf(text, sizeof(text), "solo-manifest 1\nappliance a\ncounter 1\nfile " H64 " 1 %s\n",
	         path);
	refused(text, "line 4: not 'file SHA256HEX SIZE PATH'");
}

static void test_check(void **state)
{
	(void)state;
	/* The digest of "abc" (FIPS 180-4's example). */
	const char *text =
	    "solo-manifest 1\nappliance a\ncounter 3\n"
	    "file ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 3 "
	    "\\solo\\abc\n";
	char why[80];
	assert_true(manifest_parse(text, strlen(text), &m, err, sizeof(err)));
	assert_true(manifest_check(&m, "\\SOLO\\ABC", "abc", 3, why, sizeof(why)));
	assert_false(manifest_check(&m, "\\solo\\abd", "abc", 3, why, sizeof(why)));
	assert_string_equal(why, "not in the manifest");
	assert_false(manifest_check(&m, "\\solo\\abc", "abcd", 4, why, sizeof(why)));
	assert_string_equal(why, "not the size the manifest says");
	assert_false(manifest_check(&m, "\\solo\\abc", "abd", 3, why, sizeof(why)));
	assert_string_equal(why, "digest mismatch: changed since the build");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_manifest),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

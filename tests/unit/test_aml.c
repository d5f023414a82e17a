/*
 * Host tests for the AML encoder (loader/aml.c): the exact bytes of each
 * construct, package lengths at the boundaries of their one-, two- and
 * three-byte forms, the EISA ID encoding, and that running out of room or
 * closing what was never opened is reported, not written past.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aml.h"

static uint8_t buf[8192];
static struct aml a;

static int setup(void **state)
{
	(void)state;
	memset(buf, 0xee, sizeof(buf));
	aml_init(&a, buf, sizeof(buf));
	return 0;
}

static void expect_bytes(const uint8_t *want, size_t n)
{
	assert_true(aml_done(&a));
	assert_int_equal(a.used, n);
	assert_memory_equal(buf, want, n);
}

static void test_eisaid(void **state)
{
	(void)state;
	assert_int_equal(aml_eisaid("PNP0501"), 0x0105d041); /* as every BIOS has it */
	assert_int_equal(aml_eisaid("PNP0C0C"), 0x0c0cd041);
	assert_int_equal(aml_eisaid("PNP0A03"), 0x030ad041);
}

static void test_integers_use_the_shortest_form(void **state)
{
	(void)state;
	aml_integer(&a, 0);
	aml_integer(&a, 1);
	aml_integer(&a, 5);
	aml_integer(&a, 0x3f8);
	aml_integer(&a, 0xfec00000);
	aml_integer(&a, 0x100000000ull);
	static const uint8_t want[] = {0x00, 0x01, 0x0a, 0x05, 0x0b, 0xf8, 0x03,
	                               0x0c, 0x00, 0x00, 0xc0, 0xfe, 0x0e, 0x00,
	                               0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00};
	expect_bytes(want, sizeof(want));
}

static void test_scope_device_and_names(void **state)
{
	(void)state;
	aml_scope(&a, "\\_SB_");
	aml_device(&a, "COM1");
	aml_name_eisaid(&a, "_HID", "PNP0501");
	aml_name_string(&a, "_STR", "x");
	aml_name_integer(&a, "_UID", 1);
	aml_close(&a);
	aml_close(&a);
	static const uint8_t want[] = {0x10, 37,   0x5c, '_', 'S', 'B',  '_', /* Scope (\_SB) */
	                               0x5b, 0x82, 29,   'C', 'O', 'M',  '1', /* Device (COM1) */
	                               0x08, '_',  'H',  'I', 'D', 0x0c, 0x41, 0xd0,
	                               0x05, 0x01,                                   /* EisaId */
	                               0x08, '_',  'S',  'T', 'R', 0x0d, 'x',  0x00, /* a string */
	                               0x08, '_',  'U',  'I', 'D', 0x01};
	expect_bytes(want, sizeof(want));
}

static void test_method_and_notify(void **state)
{
	(void)state;
	aml_method(&a, "_EVT", 1);
	aml_notify(&a, "PWRB", 0x80);
	aml_close(&a);
	/* MethodOp, PkgLength 13, the name, one argument and not
	 * serialized; NotifyOp, the target, ByteConst 0x80. */
	static const uint8_t want[] = {0x14, 13,  '_', 'E', 'V', 'T',  0x01,
	                               0x86, 'P', 'W', 'R', 'B', 0x0a, 0x80};
	expect_bytes(want, sizeof(want));
}

static void test_short_names_are_padded(void **state)
{
	(void)state;
	aml_name_integer(&a, "\\_S5", 0);
	static const uint8_t want[] = {0x08, 0x5c, '_', 'S', '5', '_', 0x00};
	expect_bytes(want, sizeof(want));
}

static void test_buffer_and_package(void **state)
{
	(void)state;
	static const uint8_t data[3] = {0x22, 0x10, 0x00};
	aml_buffer(&a);
	aml_bytes(&a, data, sizeof(data));
	aml_close(&a);
	aml_package(&a, 2);
	aml_integer(&a, 5);
	aml_integer(&a, 0);
	aml_close(&a);
	static const uint8_t want[] = {0x11, 6, 0x0a, 3,    0x22, 0x10, 0x00, /* Buffer (3) */
	                               0x12, 5, 2,    0x0a, 5,    0x00};      /* Package (2) */
	expect_bytes(want, sizeof(want));
}

/* A buffer of n data bytes: its package length, as encoded. */
static size_t buffer_pkglength(size_t n, uint8_t out[4])
{
	static uint8_t data[5000];
	setup(NULL);
	aml_buffer(&a);
	aml_bytes(&a, data, n);
	aml_close(&a);
	assert_true(aml_done(&a));
	size_t len = (buf[1] >> 6) + 1;
	memcpy(out, buf + 1, len);
	/* Whatever the form, the length counts itself and all after it. */
	size_t value = len == 1 ? buf[1] : (buf[1] & 0xf);
	for (size_t i = 1; i < len; i++)
		value |= (size_t)buf[1 + i] << (4 + 8 * (i - 1));
	assert_int_equal(value, a.used - 1);
	return len;
}

static void test_package_length_forms(void **state)
{
	(void)state;
	uint8_t pl[4];
	/* 60 data bytes + 2 for the size + 1 for the length itself = 63. */
	assert_int_equal(buffer_pkglength(60, pl), 1);
	assert_int_equal(pl[0], 63);
	assert_int_equal(buffer_pkglength(61, pl), 2);
	assert_int_equal(buffer_pkglength(4000, pl), 2); /* 4000 + 3 + 2 < 4096 */
	assert_int_equal(buffer_pkglength(4092, pl), 3);
}

static void test_overflow_and_unbalanced(void **state)
{
	(void)state;
	uint8_t small[8];
	memset(small, 0xee, sizeof(small));
	aml_init(&a, small, 4);
	aml_name_integer(&a, "_UID", 0x1234);
	assert_false(aml_done(&a));
	assert_int_equal(small[4], 0xee); /* nothing past the end */

	setup(NULL);
	aml_scope(&a, "\\_SB_");
	assert_false(aml_done(&a)); /* left open */
	setup(NULL);
	aml_close(&a);
	assert_false(aml_done(&a)); /* closed what was never opened */
	setup(NULL);
	for (unsigned i = 0; i <= AML_MAX_DEPTH; i++)
		aml_scope(&a, "XXXX");
	assert_false(aml_done(&a)); /* too deep */
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_eisaid),
	    T(test_integers_use_the_shortest_form),
	    T(test_scope_device_and_names),
	    T(test_short_names_are_padded),
	    T(test_method_and_notify),
	    T(test_buffer_and_package),
	    T(test_package_length_forms),
	    T(test_overflow_and_unbalanced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

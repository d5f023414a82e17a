/*
 * Host tests for the VMX MSR bitmap layout (hypervisor/vmx/msr_bitmap.c):
 * the exact byte and bit of each MSR in the four 1 KiB quarters (SDM
 * 25.6.9: read-low, read-high, write-low, write-high), and MSRs outside
 * both ranges, which always exit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmx/msr_bitmap.h"

static uint8_t bitmap[MSR_BITMAP_SIZE];

static int setup(void **state)
{
	(void)state;
	memset(bitmap, 0x5a, sizeof(bitmap));
	msr_bitmap_intercept_all(bitmap);
	return 0;
}

static unsigned bytes_not_ff(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < MSR_BITMAP_SIZE; i++)
		n += bitmap[i] != 0xff;
	return n;
}

static void test_intercept_all(void **state)
{
	(void)state;
	assert_int_equal(bytes_not_ff(), 0);
	assert_true(msr_bitmap_intercepts(bitmap, 0, false));
	assert_true(msr_bitmap_intercepts(bitmap, 0xc0000080, true));
}

/* Passes `msr` through and checks exactly its read and write bits went. */
static void expect_bits(uint32_t msr, unsigned read_byte, unsigned bit)
{
	msr_bitmap_intercept_all(bitmap);
	assert_true(msr_bitmap_pass_through(bitmap, msr));
	assert_int_equal(bitmap[read_byte], (uint8_t) ~(1u << bit));
	assert_int_equal(bitmap[read_byte + 2048], (uint8_t) ~(1u << bit));
	assert_int_equal(bytes_not_ff(), 2);
	assert_false(msr_bitmap_intercepts(bitmap, msr, false));
	assert_false(msr_bitmap_intercepts(bitmap, msr, true));
	/* Its neighbours still exit. */
	assert_true(msr_bitmap_intercepts(bitmap, msr ^ 1, false));
	assert_true(msr_bitmap_intercepts(bitmap, msr ^ 8, true));
}

static void test_low_range_positions(void **state)
{
	(void)state;
	expect_bits(0, 0, 0);
	expect_bits(0x174, 46, 4); /* SYSENTER_CS */
	expect_bits(0x277, 78, 7); /* PAT */
	expect_bits(0x1fff, 1023, 7);
}

static void test_high_range_positions(void **state)
{
	(void)state;
	expect_bits(0xc0000000, 1024, 0);
	expect_bits(0xc0000082, 1040, 2); /* LSTAR */
	expect_bits(0xc0000102, 1056, 2); /* KERNEL_GS_BASE */
	expect_bits(0xc0001fff, 2047, 7);
}

static void test_read_and_write_halves_are_separate(void **state)
{
	(void)state;
	memset(bitmap, 0, sizeof(bitmap));
	bitmap[2048 + 2] = 1u << 0; /* write of MSR 0x10 (TSC) */
	assert_true(msr_bitmap_intercepts(bitmap, 0x10, true));
	assert_false(msr_bitmap_intercepts(bitmap, 0x10, false));
	bitmap[1024 + 16] = 1u << 0; /* read of 0xc0000080 (EFER) */
	assert_true(msr_bitmap_intercepts(bitmap, 0xc0000080, false));
	assert_false(msr_bitmap_intercepts(bitmap, 0xc0000080, true));
	/* The low and high ranges do not alias. */
	assert_false(msr_bitmap_intercepts(bitmap, 0x80, false));
	assert_false(msr_bitmap_intercepts(bitmap, 0xc0000010, true));
}

static void test_outside_both_ranges_always_exits(void **state)
{
	(void)state;
	const uint32_t outside[] = {0x2000, 0x40000000, 0xbfffffff, 0xc0002000, 0xffffffff};
	memset(bitmap, 0, sizeof(bitmap));
	for (unsigned i = 0; i < 5; i++) {
		assert_false(msr_bitmap_pass_through(bitmap, outside[i]));
		assert_true(msr_bitmap_intercepts(bitmap, outside[i], false));
		assert_true(msr_bitmap_intercepts(bitmap, outside[i], true));
	}
	for (unsigned i = 0; i < MSR_BITMAP_SIZE; i++)
		assert_int_equal(bitmap[i], 0);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_intercept_all),
	    T(test_low_range_positions),
	    T(test_high_range_positions),
	    T(test_read_and_write_halves_are_separate),
	    T(test_outside_both_ranges_always_exits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Host tests for the CMOS clock (hypervisor/devices/rtc_cmos.c): the
 * index/data port pair with the NMI-mask bit, the time and date
 * registers from the snapshot, the status registers a booting Linux
 * reads (no update in progress, 24-hour BCD, valid RAM and time), and
 * that the guest cannot set the clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "devices/rtc_cmos.h"

static struct rtc_cmos rtc;

/* Friday 2024-03-15 23:59:58, in BCD. */
static const struct rtc_time snapshot = {
    .seconds = 0x58,
    .minutes = 0x59,
    .hours = 0x23,
    .weekday = 0x06,
    .day = 0x15,
    .month = 0x03,
    .year = 0x24,
    .century = 0x20,
};

static int setup(void **state)
{
	(void)state;
	memset(&rtc, 0xa5, sizeof(rtc));
	rtc_init(&rtc, &snapshot);
	return 0;
}

/* What Linux's CMOS_READ() does: index out, data in. */
static uint8_t cmos(uint8_t index)
{
	rtc_write(&rtc, RTC_PORT_INDEX, index);
	return rtc_read(&rtc, RTC_PORT_DATA);
}

static void test_time_and_date(void **state)
{
	(void)state;
	assert_int_equal(cmos(0x00), 0x58);
	assert_int_equal(cmos(0x02), 0x59);
	assert_int_equal(cmos(0x04), 0x23);
	assert_int_equal(cmos(0x06), 0x06);
	assert_int_equal(cmos(0x07), 0x15);
	assert_int_equal(cmos(0x08), 0x03);
	assert_int_equal(cmos(0x09), 0x24);
	assert_int_equal(cmos(0x32), 0x20);
	/* Reading does not move the index: the same register again. */
	assert_int_equal(rtc_read(&rtc, RTC_PORT_DATA), 0x20);
	assert_int_equal(rtc_read(&rtc, RTC_PORT_DATA), 0x20);
}

static void test_status_registers(void **state)
{
	(void)state;
	/* A: divider 010 (32.768 kHz), rate 0110, UIP (bit 7) clear. */
	assert_int_equal(cmos(0x0a), 0x26);
	assert_int_equal(cmos(0x0a) & 0x80, 0);
	/* B: 24-hour mode (bit 1), BCD (bit 2 clear), no interrupts. */
	assert_int_equal(cmos(0x0b), 0x02);
	/* C: no interrupt flags. */
	assert_int_equal(cmos(0x0c), 0x00);
	/* D: valid RAM and time. */
	assert_int_equal(cmos(0x0d), 0x80);
}

static void test_alarm_and_other_bytes_read_zero(void **state)
{
	(void)state;
	const uint8_t zero[] = {0x01, 0x03, 0x05, 0x0e, 0x0f, 0x10, 0x31, 0x33, 0x7f};
	for (unsigned i = 0; i < sizeof(zero); i++)
		assert_int_equal(cmos(zero[i]), 0);
}

static void test_nmi_mask_bit_ignored(void **state)
{
	(void)state;
	/* Linux sets bit 7 of the index (NMI disable) on some paths. */
	assert_int_equal(cmos(0x80 | 0x00), 0x58);
	assert_int_equal(cmos(0x80 | 0x0a), 0x26);
	assert_int_equal(cmos(0x80 | 0x32), 0x20);
	assert_int_equal(rtc.index, 0x32);
	/* 0xb2 is CMOS byte 0x32, not a register of its own. */
	assert_int_equal(cmos(0xb2), 0x20);
}

static void test_index_port_write_only(void **state)
{
	(void)state;
	rtc_write(&rtc, RTC_PORT_INDEX, 0x04);
	assert_int_equal(rtc_read(&rtc, RTC_PORT_INDEX), 0xff);
	assert_int_equal(rtc_read(&rtc, RTC_PORT_DATA), 0x23);
}

static void test_guest_cannot_set_the_clock(void **state)
{
	(void)state;
	const uint8_t registers[] = {0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09,
	                             0x32, 0x0a, 0x0b, 0x0c, 0x0d, 0x01, 0x10};
	for (unsigned i = 0; i < sizeof(registers); i++) {
		rtc_write(&rtc, RTC_PORT_INDEX, registers[i]);
		rtc_write(&rtc, RTC_PORT_DATA, 0x11);
	}
	assert_memory_equal(&rtc.time, &snapshot, sizeof(snapshot));
	assert_int_equal(cmos(0x00), 0x58);
	assert_int_equal(cmos(0x0b), 0x02); /* not switched to binary or 12-hour */
	assert_int_equal(cmos(0x0a), 0x26);
	assert_int_equal(cmos(0x10), 0);
}

static void test_init_resets_the_index(void **state)
{
	(void)state;
	assert_int_equal(rtc.index, 0);
	assert_int_equal(rtc_read(&rtc, RTC_PORT_DATA), 0x58); /* seconds */
	const struct rtc_time other = {.seconds = 0x01, .year = 0x99, .century = 0x19};
	rtc_write(&rtc, RTC_PORT_INDEX, 0x09);
	rtc_init(&rtc, &other);
	assert_int_equal(rtc.index, 0);
	assert_int_equal(cmos(0x09), 0x99);
	assert_int_equal(cmos(0x32), 0x19);
	assert_int_equal(cmos(0x00), 0x01);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_time_and_date),
	    T(test_status_registers),
	    T(test_alarm_and_other_bytes_read_zero),
	    T(test_nmi_mask_bit_ignored),
	    T(test_index_port_write_only),
	    T(test_guest_cannot_set_the_clock),
	    T(test_init_resets_the_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

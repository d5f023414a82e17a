/*
 * Host tests for the CMOS clock (hypervisor/devices/rtc_cmos.c): the
 * index/data port pair with the NMI-mask bit, the time and date
 * registers from the reading solo took at boot, the clock advancing with
 * the TSC across minutes, days, leap days, years and centuries (against
 * the host's gmtime), the update-in-progress window, the status
 * registers a booting Linux reads, and that the guest cannot set it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

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

/* A TSC of 1 MHz, so ticks are microseconds; the reading at tick 5000. */
#define HZ 1000000ULL
#define BASE_TSC 5000ULL
static uint64_t tsc = BASE_TSC;

static int setup(void **state)
{
	(void)state;
	memset(&rtc, 0xa5, sizeof(rtc));
	const struct rtc_clock clock = {.at = snapshot, .tsc = BASE_TSC, .hz = HZ};
	rtc_init(&rtc, &clock);
	tsc = BASE_TSC;
	return 0;
}

/* What Linux's CMOS_READ() does: index out, data in. */
static uint8_t cmos(uint8_t index)
{
	rtc_write(&rtc, RTC_PORT_INDEX, index);
	return rtc_read(&rtc, RTC_PORT_DATA, tsc);
}

static unsigned bcd(unsigned v)
{
	return (v / 10) << 4 | (v % 10);
}

/* The RTC's registers against the host C library's calendar. */
static void assert_time_is(int64_t seconds)
{
	time_t t = (time_t)seconds;
	struct tm tm;
	assert_non_null(gmtime_r(&t, &tm));
	assert_int_equal(cmos(0x00), bcd((unsigned)tm.tm_sec));
	assert_int_equal(cmos(0x02), bcd((unsigned)tm.tm_min));
	assert_int_equal(cmos(0x04), bcd((unsigned)tm.tm_hour));
	assert_int_equal(cmos(0x06), bcd((unsigned)tm.tm_wday + 1));
	assert_int_equal(cmos(0x07), bcd((unsigned)tm.tm_mday));
	assert_int_equal(cmos(0x08), bcd((unsigned)tm.tm_mon + 1));
	assert_int_equal(cmos(0x09), bcd((unsigned)(tm.tm_year + 1900) % 100));
	assert_int_equal(cmos(0x32), bcd((unsigned)(tm.tm_year + 1900) / 100));
}

/* The RTC started from the calendar time of `seconds`. */
static void start_at(int64_t seconds)
{
	struct rtc_clock clock = {.tsc = BASE_TSC, .hz = HZ};
	rtc_time_from_seconds(seconds, &clock.at);
	rtc_init(&rtc, &clock);
	tsc = BASE_TSC;
}

static void test_the_clock_advances_with_the_tsc(void **state)
{
	(void)state;
	const int64_t base = rtc_seconds_from_time(&snapshot);
	assert_time_is(base);
	tsc = BASE_TSC + 1 * HZ;
	assert_time_is(base + 1);
	tsc = BASE_TSC + 2 * HZ; /* Saturday 2024-03-16 00:00:00 */
	assert_int_equal(cmos(0x07), 0x16);
	assert_int_equal(cmos(0x06), 0x07);
	assert_int_equal(cmos(0x04), 0x00);
	tsc = BASE_TSC + 3 * HZ + 86400 * 400 * HZ;
	assert_time_is(base + 3 + 86400 * 400);
	/* A TSC from before the reading (another CPU's) reads the reading. */
	tsc = BASE_TSC - 10;
	assert_time_is(base);
}

static void test_calendar_edges(void **state)
{
	(void)state;
	/* Leap days (2024, 2000), a non-leap century (2100), a year end. */
	const int64_t edges[] = {951782399,  1709164799, 1735689599,
	                         4107542399, 4102444799, 0};
	for (unsigned i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		start_at(edges[i]);
		for (unsigned s = 0; s < 3; s++) {
			tsc = BASE_TSC + s * HZ;
			assert_time_is(edges[i] + s);
		}
	}
}

static void test_conversions_match_the_c_library(void **state)
{
	(void)state;
	/* Every 997,003 s (11.5 days, drifting through hours) to 2199. */
	for (int64_t s = 0; s < 7258118400; s += 997003) {
		struct rtc_time t;
		rtc_time_from_seconds(s, &t);
		assert_int_equal(rtc_seconds_from_time(&t), s);
		start_at(s);
		assert_time_is(s);
	}
}

static void test_update_in_progress_before_each_second(void **state)
{
	(void)state;
	const uint64_t second = BASE_TSC + 7 * HZ;
	tsc = second - 245; /* 245 us before the change: no update yet */
	assert_int_equal(cmos(0x0a) & 0x80, 0);
	tsc = second - 244;
	assert_int_equal(cmos(0x0a) & 0x80, 0x80);
	tsc = second - 1;
	assert_int_equal(cmos(0x0a), 0x26 | 0x80);
	tsc = second;
	assert_int_equal(cmos(0x0a), 0x26);
	/* Outside the window the time stays whole: read it, all of it. */
	assert_time_is(rtc_seconds_from_time(&snapshot) + 7);
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
	assert_int_equal(rtc_read(&rtc, RTC_PORT_DATA, tsc), 0x20);
	assert_int_equal(rtc_read(&rtc, RTC_PORT_DATA, tsc), 0x20);
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
	assert_int_equal(rtc_read(&rtc, RTC_PORT_INDEX, tsc), 0xff);
	assert_int_equal(rtc_read(&rtc, RTC_PORT_DATA, tsc), 0x23);
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
	assert_time_is(rtc_seconds_from_time(&snapshot));
	assert_int_equal(cmos(0x0b), 0x02); /* not switched to binary or 12-hour */
	assert_int_equal(cmos(0x0a), 0x26);
	assert_int_equal(cmos(0x10), 0);
}

static void test_init_resets_the_index(void **state)
{
	(void)state;
	assert_int_equal(rtc.index, 0);
	assert_int_equal(rtc_read(&rtc, RTC_PORT_DATA, tsc), 0x58); /* seconds */
	const struct rtc_clock other = {
	    .at = {.seconds = 0x01, .day = 0x01, .month = 0x01, .year = 0x99, .century = 0x19},
	    .tsc = tsc,
	    .hz = HZ};
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
	    T(test_the_clock_advances_with_the_tsc),
	    T(test_calendar_edges),
	    T(test_conversions_match_the_c_library),
	    T(test_update_in_progress_before_each_second),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

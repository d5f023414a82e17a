/* CMOS RTC registers (MC146818 layout): time registers 0x00-0x09, status
 * A-D at 0x0a-0x0d, century at 0x32; other CMOS bytes read as zero. */
#include <stdbool.h>

#include "devices/rtc_cmos.h"

#define STATUS_A 0x0a
#define STATUS_B 0x0b
#define STATUS_C 0x0c
#define STATUS_D 0x0d
#define CENTURY 0x32
#define STATUS_A_DIVIDER 0x26	   /* 32.768 kHz base, 1024 Hz rate */
#define STATUS_A_UIP 0x80
#define STATUS_B_24_HOUR_BCD 0x02 /* 24-hour mode, BCD values */
#define STATUS_D_VALID 0x80
#define UIP_BEFORE_UPDATE_US 244 /* the MC146818's warning time */
#define SECONDS_PER_DAY 86400

static unsigned from_bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 15u);
}

static uint8_t to_bcd(unsigned v)
{
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

/* Days since 1970-01-01 of a Gregorian date: years counted from March,
 * so the leap day ends a year (the usual era arithmetic). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t rtc_seconds_from_time(const struct rtc_time *t)
{
	int64_t year = from_bcd(t->century) * 100 + from_bcd(t->year);
	int64_t days = days_from_civil(year, from_bcd(t->month), from_bcd(t->day));
	return days * SECONDS_PER_DAY + from_bcd(t->hours) * 3600 + from_bcd(t->minutes) * 60 +
	       from_bcd(t->seconds);
}

void rtc_time_from_seconds(int64_t seconds, struct rtc_time *t)
{
	int64_t days = seconds / SECONDS_PER_DAY;
	int64_t rest = seconds % SECONDS_PER_DAY;
	if (rest < 0) {
		rest += SECONDS_PER_DAY;
		days--;
	}
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned day = doy - (153 * mp + 2) / 5 + 1;
	unsigned month = mp < 10 ? mp + 3 : mp - 9;
	int64_t year = (int64_t)yoe + era * 400 + (month <= 2);
	/* 1970-01-01 was a Thursday; the RTC counts Sunday as 1. */
	int64_t weekday = (days % 7 + 7 + 4) % 7 + 1;
	*t = (struct rtc_time){
	    .seconds = to_bcd((unsigned)(rest % 60)),
	    .minutes = to_bcd((unsigned)(rest / 60 % 60)),
	    .hours = to_bcd((unsigned)(rest / 3600)),
	    .weekday = to_bcd((unsigned)weekday),
	    .day = to_bcd(day),
	    .month = to_bcd(month),
	    .year = to_bcd((unsigned)(year % 100)),
	    .century = to_bcd((unsigned)(year / 100 % 100)),
	};
}

void rtc_init(struct rtc_cmos *rtc, const struct rtc_clock *clock)
{
	*rtc = (struct rtc_cmos){
	    .base_seconds = rtc_seconds_from_time(&clock->at),
	    .base_tsc = clock->tsc,
	    .hz = clock->hz ? clock->hz : 1,
	};
}

/* The time now, and whether an update is in progress (the last 244 us of
 * the second). A TSC behind the base reads as the base. */
static void now(const struct rtc_cmos *rtc, uint64_t tsc, struct rtc_time *t, bool *updating)
{
	uint64_t ticks = tsc > rtc->base_tsc ? tsc - rtc->base_tsc : 0;
	uint64_t whole = ticks / rtc->hz;
	uint64_t fraction_us = (ticks % rtc->hz) * 1000000 / rtc->hz;
	rtc_time_from_seconds(rtc->base_seconds + (int64_t)whole, t);
	*updating = fraction_us >= 1000000 - UIP_BEFORE_UPDATE_US;
}

uint8_t rtc_read(struct rtc_cmos *rtc, uint16_t port, uint64_t now_tsc)
{
	if (port == RTC_PORT_INDEX)
		return 0xff; /* the index register is write-only */
	struct rtc_time t;
	bool updating;
	now(rtc, now_tsc, &t, &updating);
	switch (rtc->index) {
	case 0x00:
		return t.seconds;
	case 0x02:
		return t.minutes;
	case 0x04:
		return t.hours;
	case 0x06:
		return t.weekday;
	case 0x07:
		return t.day;
	case 0x08:
		return t.month;
	case 0x09:
		return t.year;
	case CENTURY:
		return t.century;
	case STATUS_A:
		return STATUS_A_DIVIDER | (updating ? STATUS_A_UIP : 0);
	case STATUS_B:
		return STATUS_B_24_HOUR_BCD;
	case STATUS_C:
		return 0;
	case STATUS_D:
		return STATUS_D_VALID;
	default:
		return 0;
	}
}

void rtc_write(struct rtc_cmos *rtc, uint16_t port, uint8_t value)
{
	if (port == RTC_PORT_INDEX)
		rtc->index = value & 0x7f; /* bit 7 is the NMI mask */
	/* Writes to the clock itself are ignored: the guest does not get to
	 * set the machine's time. */
}

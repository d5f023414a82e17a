/*
 * The CMOS real-time clock at ports 0x70/0x71, as a guest reads it: the
 * date and time, running from the host's clock as solo read it at boot
 * and advanced by the TSC, so a partition started hours later still
 * reads the right time; status A's update-in-progress bit in the 244 us
 * before each second changes, as on the MC146818, so a guest that waits
 * for it never reads a torn time; 24-hour BCD and the "valid RAM and
 * time" bit. Without it Linux spends a second waiting for an
 * update-in-progress bit that an empty port reads as set.
 */
#ifndef SOLO_DEVICES_RTC_CMOS_H
#define SOLO_DEVICES_RTC_CMOS_H

#include <stdint.h>

#define RTC_PORT_INDEX 0x70
#define RTC_PORT_DATA 0x71

/* Calendar time in BCD, as the CMOS registers hold it. */
struct rtc_time {
	uint8_t seconds, minutes, hours, weekday, day, month, year, century;
};

/* A clock reading: the calendar time `at` was read when the TSC read
 * `tsc`, and the TSC ticks `hz` times a second. */
struct rtc_clock {
	struct rtc_time at;
	uint64_t tsc;
	uint64_t hz;
};

struct rtc_cmos {
	uint8_t index;
	int64_t base_seconds; /* clock.at in seconds since 1970 */
	uint64_t base_tsc;
	uint64_t hz;
};

void rtc_init(struct rtc_cmos *rtc, const struct rtc_clock *clock);
/* A register read at the moment the TSC reads now_tsc. */
uint8_t rtc_read(struct rtc_cmos *rtc, uint16_t port, uint64_t now_tsc);
void rtc_write(struct rtc_cmos *rtc, uint16_t port, uint8_t value);

/* Calendar conversions (proleptic Gregorian, UTC), exposed for tests. */
int64_t rtc_seconds_from_time(const struct rtc_time *time);
void rtc_time_from_seconds(int64_t seconds, struct rtc_time *time);

#endif

/*
 * The CMOS real-time clock at ports 0x70/0x71, as far as a guest reads it
 * at boot: the date and time (a snapshot of the host's clock taken when
 * solo started), the status registers saying no update is in progress,
 * and the "valid RAM and time" bit. Without it Linux spends a second
 * waiting for an update-in-progress bit that an empty port reads as set.
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

struct rtc_cmos {
	uint8_t index;
	struct rtc_time time;
};

void rtc_init(struct rtc_cmos *rtc, const struct rtc_time *time);
uint8_t rtc_read(struct rtc_cmos *rtc, uint16_t port);
void rtc_write(struct rtc_cmos *rtc, uint16_t port, uint8_t value);

#endif

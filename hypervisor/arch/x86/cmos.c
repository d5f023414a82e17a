/*
 * The host's CMOS clock, read twice until two reads agree so an update
 * between register reads cannot tear the result. Values are converted to
 * BCD when the RTC runs in binary mode.
 */
#include "arch/cmos.h"
#include "arch/cpu.h"

static uint8_t cmos(uint8_t reg)
{
	cpu_outb(RTC_PORT_INDEX, reg);
	return cpu_inb(RTC_PORT_DATA);
}

static uint8_t to_bcd(uint8_t v, int binary)
{
	return binary ? (uint8_t)(((v / 10) << 4) | (v % 10)) : v;
}

static void read_once(struct rtc_time *t)
{
	for (int spins = 0; spins < 100000 && (cmos(0x0a) & 0x80); spins++)
		cpu_pause();
	int binary = cmos(0x0b) & 0x04;
	*t = (struct rtc_time){
	    .seconds = to_bcd(cmos(0x00), binary),
	    .minutes = to_bcd(cmos(0x02), binary),
	    .hours = to_bcd(cmos(0x04), binary),
	    .weekday = to_bcd(cmos(0x06), binary),
	    .day = to_bcd(cmos(0x07), binary),
	    .month = to_bcd(cmos(0x08), binary),
	    .year = to_bcd(cmos(0x09), binary),
	    .century = to_bcd(cmos(0x32), binary),
	};
}

void cmos_read_time(struct rtc_time *time)
{
	struct rtc_time again;
	read_once(time);
	for (int tries = 0; tries < 3; tries++) {
		read_once(&again);
		if (again.seconds == time->seconds && again.minutes == time->minutes)
			return;
		*time = again;
	}
}

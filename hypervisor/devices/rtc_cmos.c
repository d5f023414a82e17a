/* CMOS RTC registers (MC146818 layout): time registers 0x00-0x09, status
 * A-D at 0x0a-0x0d, century at 0x32; other CMOS bytes read as zero. */
#include "devices/rtc_cmos.h"

#define STATUS_A 0x0a
#define STATUS_B 0x0b
#define STATUS_C 0x0c
#define STATUS_D 0x0d
#define CENTURY 0x32
#define STATUS_A_DIVIDER 0x26	   /* 32.768 kHz base, 1024 Hz rate; UIP clear */
#define STATUS_B_24_HOUR_BCD 0x02 /* 24-hour mode, BCD values */
#define STATUS_D_VALID 0x80

void rtc_init(struct rtc_cmos *rtc, const struct rtc_time *time)
{
	*rtc = (struct rtc_cmos){.time = *time};
}

uint8_t rtc_read(struct rtc_cmos *rtc, uint16_t port)
{
	if (port == RTC_PORT_INDEX)
		return 0xff; /* the index register is write-only */
	switch (rtc->index) {
	case 0x00:
		return rtc->time.seconds;
	case 0x02:
		return rtc->time.minutes;
	case 0x04:
		return rtc->time.hours;
	case 0x06:
		return rtc->time.weekday;
	case 0x07:
		return rtc->time.day;
	case 0x08:
		return rtc->time.month;
	case 0x09:
		return rtc->time.year;
	case CENTURY:
		return rtc->time.century;
	case STATUS_A:
		return STATUS_A_DIVIDER;
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

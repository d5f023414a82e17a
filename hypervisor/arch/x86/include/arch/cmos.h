/* Reading the host's CMOS real-time clock once at boot. */
#ifndef SOLO_ARCH_CMOS_H
#define SOLO_ARCH_CMOS_H

#include "devices/rtc_cmos.h"

/* Reads the date and time (BCD) from the host RTC, waiting (bounded) for
 * an update in progress to end. */
void cmos_read_time(struct rtc_time *time);

#endif

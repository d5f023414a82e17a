/* The TSC as solo's clock: its frequency is measured at boot, never taken
 * from CPUID leaves 0x15/0x16 (emulators and some CPUs report them wrong). */
#ifndef SOLO_ARCH_TSC_H
#define SOLO_ARCH_TSC_H

#include <stdint.h>

/* Measures the TSC against the PIT; returns ticks per second. */
uint64_t tsc_calibrate(void);
uint64_t tsc_hz(void);
void tsc_delay_us(uint64_t microseconds);

#endif

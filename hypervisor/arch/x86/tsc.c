/*
 * TSC calibration against PIT channel 2, which needs no interrupts and no
 * ACPI (Bochs with OVMF has no ACPI tables). The PIT counts a fixed
 * 1.193182 MHz; gating channel 2 for 50 ms and counting TSC ticks meanwhile
 * gives the TSC rate to well under 0.1%.
 */
#include "arch/cpu.h"
#include "arch/tsc.h"

#define PIT_HZ         1193182ULL
#define PIT_CHANNEL2   0x42
#define PIT_COMMAND    0x43
#define PORT_61        0x61 /* bit 0: channel 2 gate, bit 1: speaker, bit 5: OUT2 */
#define CALIBRATION_MS 50

static uint64_t measured_hz;

uint64_t tsc_calibrate(void)
{
	uint16_t count = (uint16_t)(PIT_HZ * CALIBRATION_MS / 1000);
	uint8_t p61 = cpu_inb(PORT_61);
	cpu_outb(PORT_61, (uint8_t)((p61 & ~0x02) & ~0x01)); /* gate low, speaker off */
	cpu_outb(PIT_COMMAND, 0xb0);                         /* channel 2, lobyte/hibyte, mode 0 */
	cpu_outb(PIT_CHANNEL2, (uint8_t)count);
	cpu_outb(PIT_CHANNEL2, (uint8_t)(count >> 8));
	uint64_t start = cpu_rdtsc();
	cpu_outb(PORT_61, (uint8_t)((p61 & ~0x02) | 0x01)); /* gate high: count */
	/* OUT2 rises at terminal count; bound the wait in TSC ticks in case
	 * there is no PIT (10 G ticks is seconds on any real CPU). */
	while (!(cpu_inb(PORT_61) & 0x20))
		if (cpu_rdtsc() - start > 10000000000ULL)
			break;
	uint64_t elapsed = cpu_rdtsc() - start;
	cpu_outb(PORT_61, p61);
	measured_hz = elapsed * 1000 / CALIBRATION_MS;
	return measured_hz;
}

uint64_t tsc_hz(void)
{
	return measured_hz;
}

void tsc_delay_us(uint64_t microseconds)
{
	uint64_t ticks = measured_hz / 1000000 * microseconds;
	uint64_t start = cpu_rdtsc();
	while (cpu_rdtsc() - start < ticks)
		cpu_pause();
}

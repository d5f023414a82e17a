/*
 * The fake local APIC: counts EOIs (exit_external_interrupt must
 * acknowledge the interrupt it took), records INIT/SIPI targets, and
 * sleeps by moving the fake TSC on when allowed to.
 */
#include <stdbool.h>
#include <string.h>

#include "fake/cpu.h"
#include "fake/lapic.h"

struct fake_lapic_state fake_lapic;

void fake_lapic_reset(void)
{
	memset(&fake_lapic, 0, sizeof(fake_lapic));
}

void lapic_init(void)
{
}

uint32_t lapic_id(void)
{
	return fake_lapic.id;
}

void lapic_send_init(uint32_t apic_id)
{
	fake_lapic.init_calls++;
	fake_lapic.last_init_target = apic_id;
}

void lapic_send_sipi(uint32_t apic_id, uint8_t vector)
{
	fake_lapic.sipi_calls++;
	fake_lapic.last_sipi_target = apic_id;
	fake_lapic.last_sipi_vector = vector;
}

void lapic_enable(void)
{
}

bool lapic_sleep_until(uint64_t tsc_deadline)
{
	if (!fake_lapic.can_sleep)
		return false;
	fake_lapic.sleeps++;
	if (fake_cpu.tsc < tsc_deadline)
		fake_cpu.tsc = tsc_deadline;
	return true;
}

void lapic_eoi(void)
{
	fake_lapic.eoi_calls++;
}

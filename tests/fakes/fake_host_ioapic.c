/*
 * The machine's I/O APIC for host tests: records what solo asks of it
 * (fake/host_ioapic.h) and touches no hardware.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "arch/host_ioapic.h"
#include "fake/host_ioapic.h"

struct fake_host_ioapic fake_host_ioapic;

bool host_ioapic_init(uint64_t base)
{
	assert_int_equal(base, HOST_IOAPIC_DEFAULT_BASE);
	return fake_host_ioapic.present;
}

bool host_ioapic_route(unsigned pin, uint32_t apic_id)
{
	fake_host_ioapic.routes++;
	fake_host_ioapic.route_pin = pin;
	fake_host_ioapic.route_apic = apic_id;
	return true;
}

void host_ioapic_unmask(unsigned pin)
{
	fake_host_ioapic.unmasks++;
	fake_host_ioapic.unmask_pin = pin;
}

void host_ioapic_interrupt(void)
{
	fake_host_ioapic.interrupts++;
}

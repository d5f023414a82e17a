/*
 * A partition's devices and their wiring: COM1's interrupt goes to pin 4
 * of the partition's I/O APIC (as on a PC), which sends it to the local
 * APIC its redirection entry names. The MP table and the ACPI tables the
 * guest reads are built from the same machine description
 * (loader/guest_machine.h), which the device models must match.
 */
#include "core/partition.h"
#include "core/partition_ipi.h"
#include "devices/uart16550.h"
#include "guest_machine.h"

_Static_assert(IOAPIC_MMIO_BASE == GUEST_IOAPIC_ADDRESS, "the I/O APIC the tables describe");
_Static_assert(IOAPIC_PINS == GUEST_IOAPIC_PINS, "its pins");
_Static_assert(XAPIC_MMIO_BASE == GUEST_LOCAL_APIC_ADDRESS, "the local APIC the tables describe");
_Static_assert(UART_COM1_BASE == GUEST_COM1_PORT, "COM1 where the tables say");

static void uart_interrupt(void *partition)
{
	struct partition *p = partition;
	struct apic_ipi message;
	/* Devices change state only in exits of the vCPU driving them. */
	struct vcpu *from = p->device_vcpu ? p->device_vcpu : &p->vcpus[0];
	if (ioapic_raise(&p->ioapic, GUEST_COM1_IRQ, &message))
		partition_route_interrupt(from, &message);
}

static struct rtc_clock wall_clock;

void partition_devices_set_time(const struct rtc_clock *time)
{
	wall_clock = *time;
}

void partition_devices_init(struct partition *p)
{
	rtc_init(&p->rtc, &wall_clock);
	uart_init(&p->uart, partition_console_byte, uart_interrupt, p);
	/* The I/O APIC's ID follows the vCPUs' APIC IDs, as in the MP table. */
	ioapic_init(&p->ioapic, 1);
}

/*
 * A partition's devices and their wiring: COM1's interrupt goes to pin 4
 * of the partition's I/O APIC (as on a PC), which sends it to the local
 * APIC its redirection entry names. The MP table the guest reads
 * (loader/mptable.c) describes the same wiring.
 */
#include "core/partition.h"
#include "core/partition_ipi.h"
#include "mptable.h"

static void uart_interrupt(void *partition)
{
	struct partition *p = partition;
	struct apic_ipi message;
	/* Devices change state only in exits of the vCPU driving them. */
	struct vcpu *from = p->device_vcpu ? p->device_vcpu : &p->vcpus[0];
	if (ioapic_raise(&p->ioapic, MPTABLE_COM1_IRQ, &message))
		partition_route_interrupt(from, &message);
}

static struct rtc_time wall_clock;

void partition_devices_set_time(const struct rtc_time *time)
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

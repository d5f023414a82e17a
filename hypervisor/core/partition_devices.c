/*
 * A partition's devices and their wiring: COM1's interrupt goes to pin 4
 * of the partition's I/O APIC (as on a PC), which delivers to its local
 * APIC. The MP table the guest reads (loader/mptable.c) describes the
 * same wiring.
 */
#include "core/partition.h"
#include "mptable.h"

static void uart_interrupt(void *partition)
{
	struct partition *p = partition;
	ioapic_raise(&p->ioapic, MPTABLE_COM1_IRQ, &p->vcpu.apic);
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

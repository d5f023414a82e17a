/*
 * A partition's devices and their wiring: COM1's interrupt goes to pin 4
 * of the partition's I/O APIC (as on a PC), the control line's (COM2) to
 * pin 3 and the power button's event device to pin 5; the I/O APIC sends
 * each to the local APIC its redirection entry names. The MP table and the ACPI tables the
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

static void raise(struct partition *p, unsigned pin)
{
	struct apic_ipi message;
	/* Devices change state in exits of the vCPU driving them, or on the
	 * home CPU between slices (no device_vcpu): vCPU 0 is not running. */
	struct vcpu *from = p->device_vcpu ? p->device_vcpu : &p->vcpus[0];
	if (ioapic_raise(&p->ioapic, pin, &message))
		partition_route_interrupt(from, &message);
}

static void uart_interrupt(void *partition)
{
	raise(partition, GUEST_COM1_IRQ);
}

static void control_interrupt(void *partition)
{
	raise(partition, GUEST_CONTROL_IRQ);
}

/* What a guest writes to its control line: nothing listens there yet. */
static void control_output(void *partition, uint8_t byte)
{
	(void)partition;
	(void)byte;
}

bool partition_ask_to_stop(struct partition *p, bool again)
{
	static const char request[] = PARTITION_STOP_REQUEST;
	const unsigned n = sizeof(request) - 1;
	struct uart16550 *line = &p->control;
	spin_lock(&p->device_lock);
	p->device_vcpu = 0;
	/* A request waiting unread is not repeated, so the line never
	 * fills; asked again, only one that was lost (the driver clears the
	 * FIFO when it opens the port) is repeated, not one that was read. */
	bool lost = !line->rx_count && line->bytes_read < line->bytes_in;
	unsigned taken = line->rx_count || (again && !lost)
	                     ? n
	                     : uart_receive(line, (const uint8_t *)request, n);
	/* The power button is pressed once, for guests that listen there
	 * (ACPI kernels with a user space that handles it; for the others
	 * the pin stays masked and nothing happens). */
	if (!again)
		raise(p, GUEST_GED_GSI);
	spin_unlock(&p->device_lock);
	return taken == n;
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
	uart_init(&p->control, control_output, control_interrupt, p);
	/* The I/O APIC's ID follows the vCPUs' APIC IDs, as in the MP table. */
	ioapic_init(&p->ioapic, 1);
}

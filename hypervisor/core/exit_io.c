/*
 * Port I/O. Every port exits (the I/O bitmaps are all ones). COM1 and the
 * control line (COM2) go to the partition's 16550 models, ports
 * 0x70/0x71 to its CMOS clock; a reset
 * through the keyboard controller (0xfe to port 0x64) or the reset
 * control register (port 0xcf9, also ACPI's reset register) ends the
 * partition as a reboot request; writing SLP_EN with S5's sleep type to
 * ACPI's sleep control register powers it off (guest_machine.h; its sleep
 * status register reads 0); 0xCF8-0xCFF reach an empty PCI host bridge.
 * Every other port is unclaimed: IN reads all ones as an empty bus does,
 * OUT is dropped. String I/O is refused until
 * a device needs it.
 */
#include "arch/cpu.h"
#include "core/exit_handlers.h"
#include "core/partition.h"
#include "devices/pci_host.h"
#include "devices/uart16550.h"
#include "guest_machine.h"

/* Exit qualification for I/O instructions (SDM Table 28-5). */
#define IO_SIZE(q)   ((unsigned)((q)&7) + 1)
#define IO_IN(q)     (((q) >> 3) & 1)
#define IO_STRING(q) (((q) >> 4) & 1)
#define IO_PORT(q)   ((uint16_t)((q) >> 16))

#define PORT_KBD_COMMAND        0x64
#define KBD_PULSE_RESET         0xfe
#define RESET_CONTROL_RESET_CPU 0x04

static bool is_uart_port(uint16_t port)
{
	return port >= UART_COM1_BASE && port < UART_COM1_BASE + UART_PORT_COUNT;
}

static bool is_control_port(uint16_t port)
{
	return port >= GUEST_CONTROL_PORT && port < GUEST_CONTROL_PORT + UART_PORT_COUNT;
}

static bool is_rtc_port(uint16_t port)
{
	return port == RTC_PORT_INDEX || port == RTC_PORT_DATA;
}

static uint32_t port_in(struct partition *p, uint16_t port, unsigned size)
{
	if (is_uart_port(port) && size == 1)
		return uart_read(&p->uart, port - UART_COM1_BASE);
	if (is_control_port(port) && size == 1)
		return uart_read(&p->control, port - GUEST_CONTROL_PORT);
	if (is_rtc_port(port) && size == 1)
		return rtc_read(&p->rtc, port, cpu_rdtsc());
	if (port == GUEST_SLEEP_STATUS_PORT && size == 1)
		return 0; /* never asleep, never woken */
	if (pci_host_claims(port, size))
		return pci_host_read(&p->pci, port, size);
	return 0xffffffffu;
}

/* Returns false when the write ended the partition. */
static bool port_out(struct partition *p, uint16_t port, unsigned size, uint32_t value)
{
	if (is_uart_port(port) && size == 1) {
		uart_write(&p->uart, port - UART_COM1_BASE, (uint8_t)value);
		return !p->ended; /* a kernel panic line ends it */
	}
	if (is_control_port(port) && size == 1) {
		uart_write(&p->control, port - GUEST_CONTROL_PORT, (uint8_t)value);
		return true;
	}
	if (is_rtc_port(port) && size == 1) {
		rtc_write(&p->rtc, port, (uint8_t)value);
		return true;
	}
	if (pci_host_claims(port, size)) {
		pci_host_write(&p->pci, port, size, value);
		return true;
	}
	if (port == GUEST_SLEEP_CONTROL_PORT && size == 1 && (value & GUEST_SLEEP_SLP_EN) &&
	    GUEST_SLEEP_SLP_TYP(value) == GUEST_SLP_TYP_S5) {
		partition_end(p, PARTITION_STOPPED, "power-off");
		return false;
	}
	if ((port == PORT_KBD_COMMAND && (uint8_t)value == KBD_PULSE_RESET) ||
	    (port == GUEST_RESET_PORT && (value & RESET_CONTROL_RESET_CPU))) {
		partition_end(p, PARTITION_STOPPED, "reboot requested");
		return false;
	}
	return true;
}

enum exit_action exit_io(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint64_t q = exit->qualification;
	unsigned size = IO_SIZE(q);
	if (IO_STRING(q) || (size != 1 && size != 2 && size != 4)) {
		partition_end(vcpu->partition, PARTITION_CRASHED,
		              "unsupported %s I/O on port 0x%x at RIP 0x%llx",
		              IO_STRING(q) ? "string" : "odd-sized", IO_PORT(q),
		              (unsigned long long)exit->guest_rip);
		return EXIT_ACTION_STOP;
	}
	uint64_t mask = size == 4 ? 0xffffffffULL : (1ULL << (size * 8)) - 1;
	struct partition *p = vcpu->partition;
	bool running = true;
	spin_lock(&p->device_lock);
	p->device_vcpu = vcpu;
	if (IO_IN(q)) {
		uint64_t value = port_in(p, IO_PORT(q), size) & mask;
		/* A 32-bit IN zero-extends into RAX; narrower ones merge. */
		if (size == 4)
			vcpu->regs.rax = value;
		else
			vcpu->regs.rax = (vcpu->regs.rax & ~mask) | value;
	} else {
		vcpu->last_out_port = IO_PORT(q);
		vcpu->last_out_value = (uint32_t)(vcpu->regs.rax & mask);
		running = port_out(p, IO_PORT(q), size, vcpu->last_out_value);
	}
	spin_unlock(&p->device_lock);
	if (!running)
		return EXIT_ACTION_STOP;
	exit_skip_instruction(exit);
	return EXIT_ACTION_RESUME;
}

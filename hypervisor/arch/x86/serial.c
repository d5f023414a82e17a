/*
 * The physical 16550 UART on COM1, polled: solo takes no interrupts in its
 * own context. 115200 baud 8N1, matching what firmware and guests use.
 */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/serial.h"
#include "lib/console.h"

#define COM1             0x3f8
#define UART_THR         0 /* transmit holding register */
#define UART_IER         1
#define UART_FCR         2
#define UART_IIR         2 /* read: interrupt identification, FIFO state */
#define UART_IIR_FIFO_ON 0xc0
#define UART_LCR         3
#define UART_MCR         4
#define UART_LSR         5
#define UART_LSR_DR      0x01 /* a received byte is waiting */
#define UART_LSR_THRE    0x20
#define UART_LCR_DLAB    0x80

void serial_init(void)
{
	cpu_outb(COM1 + UART_IER, 0);
	cpu_outb(COM1 + UART_LCR, UART_LCR_DLAB);
	cpu_outb(COM1 + 0, 1); /* divisor 1: 115200 baud */
	cpu_outb(COM1 + 1, 0);
	cpu_outb(COM1 + UART_LCR, 0x03); /* 8N1 */
	cpu_outb(COM1 + UART_FCR, 0x07); /* enable and clear FIFOs */
	cpu_outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
	/* Bounded wait: a missing UART reads 0xff and never blocks us. */
	for (int spins = 0; spins < 100000; spins++) {
		if (cpu_inb(COM1 + UART_LSR) & UART_LSR_THRE)
			break;
		cpu_pause();
	}
	cpu_outb(COM1 + UART_THR, (uint8_t)c);
}

bool serial_read_byte(uint8_t *byte)
{
	uint8_t lsr = cpu_inb(COM1 + UART_LSR);
	/* A missing UART reads 0xff: never take that for data. */
	if (lsr == 0xff || !(lsr & UART_LSR_DR))
		return false;
	*byte = cpu_inb(COM1 + UART_THR); /* the receive buffer, same port */
	return true;
}

/* What the transmitter takes now without waiting: its whole FIFO once
 * it has emptied (16 bytes on a 16550A with FIFOs on, 1 on a UART
 * without), nothing while it is still sending. */
static size_t transmit_room(void)
{
	uint8_t lsr = cpu_inb(COM1 + UART_LSR);
	if (lsr == 0xff)
		return SIZE_MAX; /* no UART: everything goes nowhere at once */
	if (!(lsr & UART_LSR_THRE))
		return 0;
	return (cpu_inb(COM1 + UART_IIR) & UART_IIR_FIFO_ON) == UART_IIR_FIFO_ON ? 16 : 1;
}

size_t console_sink_offer(const char *bytes, size_t len)
{
	size_t room = transmit_room(), taken = 0;
	for (; taken < len; taken++) {
		size_t need = bytes[taken] == '\n' ? 2 : 1;
		if (room < need)
			break;
		if (room != SIZE_MAX) {
			if (need == 2)
				cpu_outb(COM1 + UART_THR, '\r');
			cpu_outb(COM1 + UART_THR, (uint8_t)bytes[taken]);
			room -= need;
		}
	}
	return taken;
}

void console_sink_write(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			serial_putc('\r');
		serial_putc(text[i]);
	}
}

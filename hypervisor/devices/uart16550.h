/*
 * A 16550A UART model: what a guest's serial driver needs to print and
 * read. Output bytes go to a sink the owner provides; input is what the
 * owner hands to uart_receive, held in the 16-byte receive FIFO. The
 * model keeps only register state, so it is tested on the host byte by
 * byte. The transmitter-empty and received-data interrupts are modelled
 * (output leaves at once, so the transmitter is always empty again right
 * after a write): their edges go to an interrupt callback, which the
 * owner routes to an I/O APIC pin.
 */
#ifndef SOLO_DEVICES_UART16550_H
#define SOLO_DEVICES_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#define UART_COM1_BASE  0x3f8
#define UART_PORT_COUNT 8
#define UART_FIFO_SIZE  16

typedef void (*uart_output_fn)(void *owner, uint8_t byte);
typedef void (*uart_irq_fn)(void *owner);

struct uart16550 {
	uint8_t ier, lcr, mcr, scr, fcr;
	uint16_t divisor;
	uart_output_fn output;
	uart_irq_fn irq; /* may be NULL: no interrupt line */
	void *owner;
	bool thre_pending; /* the THRE interrupt is asserted in IIR */
	uint64_t bytes_out;
	uint8_t rx[UART_FIFO_SIZE]; /* received, not yet read: a ring */
	unsigned rx_head, rx_count;
	uint64_t bytes_in, bytes_read; /* taken from the line; read by the guest */
};

void uart_init(struct uart16550 *uart, uart_output_fn output, uart_irq_fn irq, void *owner);

/* Input arriving on the line: takes what fits in the receive FIFO and
 * returns how many bytes that was. */
unsigned uart_receive(struct uart16550 *uart, const uint8_t *bytes, unsigned n);

/* Register access at offset 0..7 from the base port. */
uint8_t uart_read(struct uart16550 *uart, unsigned offset);
void uart_write(struct uart16550 *uart, unsigned offset, uint8_t value);

#endif

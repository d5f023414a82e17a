/*
 * A 16550A UART model: what a guest's serial driver needs to print (and,
 * later, read). Output bytes go to a sink the owner provides; the model
 * keeps only register state, so it is tested on the host byte by byte.
 * The transmitter-empty interrupt is modelled (output leaves at once, so
 * the transmitter is always empty again right after a write): its edges
 * go to an interrupt callback, which the owner routes to an I/O APIC pin.
 */
#ifndef SOLO_DEVICES_UART16550_H
#define SOLO_DEVICES_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#define UART_COM1_BASE 0x3f8
#define UART_PORT_COUNT 8

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
};

void uart_init(struct uart16550 *uart, uart_output_fn output, uart_irq_fn irq, void *owner);

/* Register access at offset 0..7 from the base port. */
uint8_t uart_read(struct uart16550 *uart, unsigned offset);
void uart_write(struct uart16550 *uart, unsigned offset, uint8_t value);

#endif

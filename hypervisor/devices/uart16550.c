/*
 * 16550A register semantics (per the National Semiconductor data sheet):
 * DLAB in LCR switches offsets 0 and 1 to the divisor latch; the
 * transmitter is always empty because output leaves at once. Interrupt
 * priority in IIR: received data before the transmitter (line and modem
 * status interrupts never happen here).
 */
#include "devices/uart16550.h"

#define REG_DATA    0 /* THR on write, RBR on read; DLL with DLAB */
#define REG_IER     1 /* DLM with DLAB */
#define REG_IIR_FCR 2
#define REG_LCR     3
#define REG_MCR     4
#define REG_LSR     5
#define REG_MSR     6
#define REG_SCR     7

#define LCR_DLAB         0x80
#define LSR_DATA_READY   0x01
#define LSR_THRE         0x20
#define LSR_TEMT         0x40
#define IIR_NO_INTERRUPT 0x01
#define IIR_FIFO_ENABLED 0xc0
#define MCR_LOOPBACK     0x10
#define MSR_CTS_DSR_DCD  0xb0

#define IER_RDI      0x01
#define IER_THRI     0x02
#define IIR_THRI     0x02
#define IIR_RDI      0x04
#define FCR_CLEAR_RX 0x02

void uart_init(struct uart16550 *uart, uart_output_fn output, uart_irq_fn irq, void *owner)
{
	*uart = (struct uart16550){.divisor = 1, .output = output, .irq = irq, .owner = owner};
}

/* The transmitter just became empty: assert THRE, with an interrupt edge
 * when enabled and not already asserted (one edge per assertion, as the
 * driver clears it by reading IIR or writing THR). */
static void transmitter_empty(struct uart16550 *uart)
{
	bool was = uart->thre_pending;
	uart->thre_pending = true;
	if (!was && (uart->ier & IER_THRI) && uart->irq)
		uart->irq(uart->owner);
}

static bool data_interrupt(const struct uart16550 *uart)
{
	return (uart->ier & IER_RDI) && uart->rx_count;
}

/* Takes bytes into the receive FIFO; an interrupt edge when data became
 * available with its interrupt enabled. */
static unsigned receive(struct uart16550 *uart, const uint8_t *bytes, unsigned n)
{
	bool was = data_interrupt(uart);
	unsigned taken = 0;
	for (; taken < n && uart->rx_count < UART_FIFO_SIZE; taken++)
		uart->rx[(uart->rx_head + uart->rx_count++) % UART_FIFO_SIZE] = bytes[taken];
	if (!was && data_interrupt(uart) && uart->irq)
		uart->irq(uart->owner);
	return taken;
}

unsigned uart_receive(struct uart16550 *uart, const uint8_t *bytes, unsigned n)
{
	if (uart->mcr & MCR_LOOPBACK)
		return 0; /* the line is cut off from the receiver */
	unsigned taken = receive(uart, bytes, n);
	uart->bytes_in += taken;
	return taken;
}

static uint8_t take_received(struct uart16550 *uart)
{
	if (!uart->rx_count)
		return 0;
	uint8_t byte = uart->rx[uart->rx_head];
	uart->rx_head = (uart->rx_head + 1) % UART_FIFO_SIZE;
	uart->rx_count--;
	uart->bytes_read++;
	return byte;
}

uint8_t uart_read(struct uart16550 *uart, unsigned offset)
{
	bool dlab = uart->lcr & LCR_DLAB;
	switch (offset) {
	case REG_DATA:
		return dlab ? (uint8_t)uart->divisor : take_received(uart);
	case REG_IER:
		return dlab ? (uint8_t)(uart->divisor >> 8) : uart->ier;
	case REG_IIR_FCR: {
		uint8_t fifo = (uart->fcr & 1) ? IIR_FIFO_ENABLED : 0;
		if (data_interrupt(uart))
			return IIR_RDI | fifo; /* cleared by reading the data */
		if ((uart->ier & IER_THRI) && uart->thre_pending) {
			uart->thre_pending = false; /* reading IIR acknowledges THRE */
			return IIR_THRI | fifo;
		}
		return IIR_NO_INTERRUPT | fifo;
	}
	case REG_LCR:
		return uart->lcr;
	case REG_MCR:
		return uart->mcr;
	case REG_LSR:
		return LSR_THRE | LSR_TEMT | (uart->rx_count ? LSR_DATA_READY : 0);
	case REG_MSR:
		/* Modem lines up (or looped back from MCR in loopback mode,
		 * which drivers use to detect the chip). */
		if (uart->mcr & MCR_LOOPBACK)
			return (uint8_t)(((uart->mcr & 0x0c) << 4) | ((uart->mcr & 0x01) << 5) |
			                 ((uart->mcr & 0x02) << 3));
		return MSR_CTS_DSR_DCD;
	case REG_SCR:
		return uart->scr;
	}
	return 0xff;
}

void uart_write(struct uart16550 *uart, unsigned offset, uint8_t value)
{
	bool dlab = uart->lcr & LCR_DLAB;
	switch (offset) {
	case REG_DATA:
		if (dlab) {
			uart->divisor = (uint16_t)((uart->divisor & 0xff00) | value);
		} else {
			uart->thre_pending = false;
			if (!(uart->mcr & MCR_LOOPBACK)) {
				uart->bytes_out++;
				uart->output(uart->owner, value);
			} else {
				receive(uart, &value, 1); /* looped back to the receiver */
			}
			transmitter_empty(uart);
		}
		break;
	case REG_IER:
		if (dlab)
			uart->divisor = (uint16_t)((uart->divisor & 0x00ff) | (value << 8));
		else {
			bool enabling = (value & IER_THRI) && !(uart->ier & IER_THRI);
			bool had_data_interrupt = data_interrupt(uart);
			uart->ier = value & 0x0f;
			if (!had_data_interrupt && data_interrupt(uart) && uart->irq)
				uart->irq(uart->owner);
			/* A 16550 raises THRE again when its interrupt is enabled
			 * with the transmitter empty (Linux's probe relies on it). */
			if (enabling) {
				uart->thre_pending = false;
				transmitter_empty(uart);
			}
		}
		break;
	case REG_IIR_FCR:
		uart->fcr = value;
		if (value & FCR_CLEAR_RX)
			uart->rx_head = uart->rx_count = 0;
		break;
	case REG_LCR:
		uart->lcr = value;
		break;
	case REG_MCR:
		uart->mcr = value & 0x1f;
		break;
	case REG_SCR:
		uart->scr = value;
		break;
	default:
		break; /* LSR and MSR are read-only */
	}
}

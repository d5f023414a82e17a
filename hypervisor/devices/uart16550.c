/*
 * 16550A register semantics (per the National Semiconductor data sheet):
 * DLAB in LCR switches offsets 0 and 1 to the divisor latch; the
 * transmitter is always empty because output leaves at once.
 */
#include "devices/uart16550.h"

#define REG_DATA 0 /* THR on write, RBR on read; DLL with DLAB */
#define REG_IER 1  /* DLM with DLAB */
#define REG_IIR_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_MSR 6
#define REG_SCR 7

#define LCR_DLAB 0x80
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define IIR_NO_INTERRUPT 0x01
#define IIR_FIFO_ENABLED 0xc0
#define MCR_LOOPBACK 0x10
#define MSR_CTS_DSR_DCD 0xb0

#define IER_THRI 0x02
#define IIR_THRI 0x02

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

uint8_t uart_read(struct uart16550 *uart, unsigned offset)
{
	bool dlab = uart->lcr & LCR_DLAB;
	switch (offset) {
	case REG_DATA:
		return dlab ? (uint8_t)uart->divisor : 0; /* no input yet */
	case REG_IER:
		return dlab ? (uint8_t)(uart->divisor >> 8) : uart->ier;
	case REG_IIR_FCR: {
		uint8_t fifo = (uart->fcr & 1) ? IIR_FIFO_ENABLED : 0;
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
		return LSR_THRE | LSR_TEMT;
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
			}
			transmitter_empty(uart);
		}
		break;
	case REG_IER:
		if (dlab)
			uart->divisor = (uint16_t)((uart->divisor & 0x00ff) | (value << 8));
		else {
			bool enabling = (value & IER_THRI) && !(uart->ier & IER_THRI);
			uart->ier = value & 0x0f;
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

/*
 * libFuzzer target for the port-I/O device models a guest drives with
 * whatever it likes: the 16550 (COM1 and the control line), the CMOS
 * clock and the PCI host bridge. The input is a script of 4-byte steps
 * [op, offset, value, extra]: a register write or read on the UART, solo
 * taking input on the line (up to `extra` & 31 bytes of the script), an
 * index/data access to the clock at a TSC the step moves on, and a
 * config-space access of any size and port to the bridge. After every
 * step the UART's FIFO must be in bounds, LSR's data-ready must match
 * it, IIR must name one of the causes the model raises (or none), and
 * every clock register must hold valid BCD (or be a status register).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pci_host.h"
#include "devices/rtc_cmos.h"
#include "devices/uart16550.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int ok)
{
	if (!ok)
		abort();
}

static unsigned edges;
static void sink(void *owner, uint8_t byte)
{
	(void)owner;
	(void)byte;
}
static void irq(void *owner)
{
	(void)owner;
	edges++;
}

static void check_uart(struct uart16550 *u)
{
	require(u->rx_count <= UART_FIFO_SIZE && u->rx_head < UART_FIFO_SIZE);
	uint8_t lcr = u->lcr;
	uint8_t lsr = uart_read(u, 5);
	require((lsr & 1) == (u->rx_count > 0));
	uint8_t iir = uart_read(u, 2) & 0x0f;
	require(iir == 0x01 || iir == 0x02 || iir == 0x04);
	require(u->lcr == lcr);
}

static int valid_bcd(uint8_t v)
{
	return (v & 0x0f) <= 9 && (v >> 4) <= 9;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uart16550 uart;
	struct rtc_cmos rtc;
	struct pci_host pci;
	uint64_t tsc = 1000;
	const struct rtc_clock clock = {
	    .at = {.seconds = 0x59, .minutes = 0x59, .hours = 0x23, .weekday = 0x05, .day = 0x31,
	           .month = 0x12, .year = 0x99, .century = 0x20},
	    .tsc = tsc,
	    .hz = 1000000};
	uart_init(&uart, sink, irq, NULL);
	rtc_init(&rtc, &clock);
	memset(&pci, 0, sizeof(pci));
	for (size_t i = 0; i + 4 <= size; i += 4) {
		uint8_t op = data[i] % 6, offset = data[i + 1], value = data[i + 2];
		uint8_t extra = data[i + 3];
		switch (op) {
		case 0:
			uart_write(&uart, offset & 7, value);
			break;
		case 1:
			uart_read(&uart, offset & 7);
			break;
		case 2: {
			size_t n = extra & 31, left = size - i - 4;
			uart_receive(&uart, data + i + 4, (unsigned)(n < left ? n : left));
			break;
		}
		case 3: {
			tsc += (uint64_t)extra << (value & 31);
			rtc_write(&rtc, RTC_PORT_INDEX, offset);
			uint8_t v = rtc_read(&rtc, RTC_PORT_DATA, tsc);
			unsigned index = offset & 0x7f;
			if (index <= 9 || index == 0x32)
				require(valid_bcd(v));
			break;
		}
		case 4:
		case 5: {
			uint16_t port = (uint16_t)(0xcf8 + (offset & 7));
			unsigned width = 1u << (extra % 3);
			uint32_t word = (uint32_t)value << 24 | (uint32_t)extra << 16 | offset << 8 | value;
			if (!pci_host_claims(port, width))
				break;
			if (op == 4)
				pci_host_write(&pci, port, width, word);
			else
				pci_host_read(&pci, port, width);
			break;
		}
		}
		check_uart(&uart);
	}
	return 0;
}

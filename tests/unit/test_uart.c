/*
 * Host tests for the 16550A model (hypervisor/devices/uart16550.c): bytes
 * out through the owner's sink, the divisor latch behind DLAB, the status
 * registers Linux's 8250 driver polls, the FIFO bits it probes, the
 * loopback modem-status mapping its autoconfig test relies on, and the
 * transmitter-empty interrupt: its edges on the irq callback and its IIR
 * identification, including the sequence of Linux's THRE test; and the
 * receiver: the FIFO's order and bound, data ready in LSR, the
 * received-data interrupt and its priority over THRE, FIFO clearing and
 * loopback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "devices/uart16550.h"

/* Register offsets (PC16550D data sheet, Table II). */
#define THR 0
#define IER 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

#define DLAB 0x80

static struct uart16550 uart;
static uint8_t sunk[64];
static unsigned sunk_count;
static void *sunk_owner;

static void sink(void *owner, uint8_t byte)
{
	assert_true(sunk_count < sizeof(sunk));
	sunk[sunk_count++] = byte;
	sunk_owner = owner;
}

static int owner_token;
static unsigned edges;
static void *edge_owner;

static void interrupt(void *owner)
{
	edges++;
	edge_owner = owner;
}

static int setup(void **state)
{
	(void)state;
	sunk_count = 0;
	sunk_owner = NULL;
	edges = 0;
	edge_owner = NULL;
	uart_init(&uart, sink, interrupt, &owner_token);
	return 0;
}

static void test_output_reaches_the_sink(void **state)
{
	(void)state;
	const uint8_t bytes[] = {'h', 'i', '\n', 0x00, 0xff};
	for (unsigned i = 0; i < sizeof(bytes); i++)
		uart_write(&uart, THR, bytes[i]);
	assert_int_equal(sunk_count, 5);
	assert_memory_equal(sunk, bytes, sizeof(bytes));
	assert_ptr_equal(sunk_owner, &owner_token);
	assert_int_equal(uart.bytes_out, 5);
	/* Other registers never produce output. */
	uart_write(&uart, IER, 'x');
	uart_write(&uart, SCR, 'y');
	uart_write(&uart, LCR, 0x03);
	assert_int_equal(sunk_count, 5);
}

static void test_divisor_latch(void **state)
{
	(void)state;
	/* Reset divisor 1 (115200 baud). */
	uart_write(&uart, LCR, DLAB | 0x03);
	assert_int_equal(uart_read(&uart, THR), 1);
	assert_int_equal(uart_read(&uart, IER), 0);
	/* With DLAB set, offsets 0 and 1 are DLL and DLM: no output, IER
	 * untouched. */
	uart_write(&uart, THR, 0x0c);
	uart_write(&uart, IER, 0x02);
	assert_int_equal(uart.divisor, 0x020c);
	assert_int_equal(uart_read(&uart, THR), 0x0c);
	assert_int_equal(uart_read(&uart, IER), 0x02);
	assert_int_equal(sunk_count, 0);
	assert_int_equal(uart_read(&uart, LCR), DLAB | 0x03);

	uart_write(&uart, LCR, 0x03); /* 8N1, DLAB off */
	assert_int_equal(uart_read(&uart, IER), 0);
	assert_int_equal(uart_read(&uart, THR), 0); /* nothing received */
	uart_write(&uart, IER, 0xff);
	assert_int_equal(uart_read(&uart, IER), 0x0f); /* 4 interrupt enables */
	uart_write(&uart, THR, 'A');
	assert_int_equal(sunk_count, 1);
	assert_int_equal(sunk[0], 'A');
	assert_int_equal(uart.divisor, 0x020c); /* kept */
}

static void test_lsr_transmitter_always_ready(void **state)
{
	(void)state;
	/* THRE | TEMT, no data ready, whatever happened before. */
	assert_int_equal(uart_read(&uart, LSR), 0x60);
	for (unsigned i = 0; i < 40; i++)
		uart_write(&uart, THR, 'x');
	assert_int_equal(uart_read(&uart, LSR), 0x60);
	uart_write(&uart, LSR, 0x00); /* read-only */
	assert_int_equal(uart_read(&uart, LSR), 0x60);
	uart_write(&uart, LCR, DLAB);
	assert_int_equal(uart_read(&uart, LSR), 0x60);
}

static void test_iir_reflects_fifo_enable(void **state)
{
	(void)state;
	/* No interrupt pending; FIFOs off. */
	assert_int_equal(uart_read(&uart, IIR), 0x01);
	/* FCR bit 0 enables the FIFOs: IIR bits 7:6 read 11, as the 8250
	 * autoconfig expects of a 16550A. */
	uart_write(&uart, FCR, 0x07);
	assert_int_equal(uart_read(&uart, IIR), 0xc1);
	uart_write(&uart, FCR, 0xc1);
	assert_int_equal(uart_read(&uart, IIR), 0xc1);
	uart_write(&uart, FCR, 0x06); /* clear FIFOs, but disabled */
	assert_int_equal(uart_read(&uart, IIR), 0x01);
}

static void test_modem_status_and_loopback(void **state)
{
	(void)state;
	/* Outside loopback: CTS, DSR and DCD up, RI down. */
	assert_int_equal(uart_read(&uart, MSR), 0xb0);
	uart_write(&uart, MCR, 0x0b); /* DTR | RTS | OUT2, as Linux runs it */
	assert_int_equal(uart_read(&uart, MCR), 0x0b);
	assert_int_equal(uart_read(&uart, MSR), 0xb0);

	/* Loopback: DTR->DSR (5), RTS->CTS (4), OUT1->RI (6), OUT2->DCD (7).
	 * Linux's 8250 probe writes 0x1a and wants MSR & 0xf0 == 0x90. */
	uart_write(&uart, MCR, 0x1a);
	assert_int_equal(uart_read(&uart, MSR) & 0xf0, 0x90);
	uart_write(&uart, MCR, 0x1f);
	assert_int_equal(uart_read(&uart, MSR) & 0xf0, 0xf0);
	const struct {
		uint8_t mcr, msr;
	} lines[] = {{0x10, 0x00}, {0x11, 0x20}, {0x12, 0x10}, {0x14, 0x40}, {0x18, 0x80}};
	for (unsigned i = 0; i < 5; i++) {
		uart_write(&uart, MCR, lines[i].mcr);
		assert_int_equal(uart_read(&uart, MSR), lines[i].msr);
	}
	/* MCR keeps 5 bits. */
	uart_write(&uart, MCR, 0xff);
	assert_int_equal(uart_read(&uart, MCR), 0x1f);
	uart_write(&uart, MSR, 0x00); /* read-only */
	assert_int_equal(uart_read(&uart, MSR), 0xf0);
}

static void test_no_output_in_loopback(void **state)
{
	(void)state;
	uart_write(&uart, MCR, 0x10);
	uart_write(&uart, THR, 'x');
	assert_int_equal(sunk_count, 0);
	assert_int_equal(uart.bytes_out, 0);
	uart_write(&uart, MCR, 0x03);
	uart_write(&uart, THR, 'y');
	assert_int_equal(sunk_count, 1);
	assert_int_equal(sunk[0], 'y');
}

static void test_scratch_register(void **state)
{
	(void)state;
	assert_int_equal(uart_read(&uart, SCR), 0);
	uart_write(&uart, SCR, 0x5a);
	assert_int_equal(uart_read(&uart, SCR), 0x5a);
	uart_write(&uart, SCR, 0xa5);
	assert_int_equal(uart_read(&uart, SCR), 0xa5);
	/* DLAB does not hide it. */
	uart_write(&uart, LCR, DLAB);
	assert_int_equal(uart_read(&uart, SCR), 0xa5);
	assert_int_equal(sunk_count, 0);
}

static void test_offsets_past_the_registers(void **state)
{
	(void)state;
	assert_int_equal(uart_read(&uart, 8), 0xff);
	uart_write(&uart, 8, 'z');
	assert_int_equal(sunk_count, 0);
}

#define IER_THRI 0x02
#define IIR_THRI 0x02
#define IIR_NONE 0x01

static void test_thre_test_of_linux_8250(void **state)
{
	(void)state;
	/* serial8250_do_startup(): IER = THRI, read IIR, IER = 0, twice;
	 * a UART whose second IIR says "no interrupt" gets UART_BUG_THRE. */
	uart_write(&uart, IER, IER_THRI);
	assert_int_equal(edges, 1);
	assert_int_equal(uart_read(&uart, IIR), IIR_THRI);
	uart_write(&uart, IER, 0);
	uart_write(&uart, IER, IER_THRI);
	assert_int_equal(edges, 2);
	assert_int_equal(uart_read(&uart, IIR), IIR_THRI);
	uart_write(&uart, IER, 0);
	assert_int_equal(uart_read(&uart, IIR), IIR_NONE);
	assert_int_equal(edges, 2);
	assert_ptr_equal(edge_owner, &owner_token);
	assert_int_equal(sunk_count, 0);
}

static void test_iir_read_acknowledges_thre(void **state)
{
	(void)state;
	uart_write(&uart, IER, IER_THRI);
	assert_true(uart.thre_pending);
	assert_int_equal(uart_read(&uart, IIR), IIR_THRI);
	assert_false(uart.thre_pending);
	/* Reported once: the next reads say nothing is pending. */
	assert_int_equal(uart_read(&uart, IIR), IIR_NONE);
	assert_int_equal(uart_read(&uart, IIR), IIR_NONE);
	/* Other registers do not acknowledge it. */
	uart_write(&uart, IER, 0);
	uart_write(&uart, IER, IER_THRI);
	assert_int_equal(uart_read(&uart, LSR), 0x60);
	assert_int_equal(uart_read(&uart, MSR), 0xb0);
	assert_int_equal(uart_read(&uart, IER), IER_THRI);
	assert_int_equal(uart_read(&uart, IIR), IIR_THRI);
	assert_int_equal(edges, 2);
}

static void test_thr_write_reasserts(void **state)
{
	(void)state;
	uart_write(&uart, IER, IER_THRI);
	assert_int_equal(uart_read(&uart, IIR), IIR_THRI);
	/* Each byte empties the transmitter again at once: one edge and one
	 * THRE identification per byte, as the driver's transmit loop
	 * expects. */
	for (unsigned i = 0; i < 5; i++) {
		uart_write(&uart, THR, (uint8_t)('a' + i));
		assert_int_equal(edges, 2 + i);
		assert_int_equal(uart_read(&uart, IIR), IIR_THRI);
		assert_int_equal(uart_read(&uart, IIR), IIR_NONE);
	}
	assert_int_equal(sunk_count, 5);
	/* Not acknowledged: a write still clears and re-asserts it, so it
	 * is another edge. */
	uart_write(&uart, THR, 'x');
	uart_write(&uart, THR, 'y');
	assert_int_equal(edges, 8);
	assert_int_equal(uart_read(&uart, IIR), IIR_THRI);
	assert_int_equal(uart_read(&uart, IIR), IIR_NONE);
}

static void test_no_edges_with_thri_disabled(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 4; i++)
		uart_write(&uart, THR, 'x');
	assert_int_equal(sunk_count, 4);
	assert_int_equal(edges, 0);
	assert_int_equal(uart_read(&uart, IIR), IIR_NONE);
	/* Other interrupt enables alone do not raise THRE. */
	uart_write(&uart, IER, 0x0d);
	uart_write(&uart, THR, 'x');
	assert_int_equal(edges, 0);
	assert_int_equal(uart_read(&uart, IIR), IIR_NONE);
	/* Enabling THRI with the transmitter empty does. */
	uart_write(&uart, IER, 0x0f);
	assert_int_equal(edges, 1);
	assert_int_equal(uart_read(&uart, IIR), IIR_THRI);
}

static void test_ier_rewrite_keeps_thri_quiet(void **state)
{
	(void)state;
	uart_write(&uart, IER, IER_THRI);
	assert_int_equal(edges, 1);
	/* THRI stays set: no new edge, the pending state unchanged. */
	uart_write(&uart, IER, IER_THRI | 0x01);
	uart_write(&uart, IER, IER_THRI);
	assert_int_equal(edges, 1);
	assert_int_equal(uart_read(&uart, IIR), IIR_THRI);
	uart_write(&uart, IER, IER_THRI | 0x08);
	assert_int_equal(edges, 1);
	assert_int_equal(uart_read(&uart, IIR), IIR_NONE);
	/* Disabled, THRE is not reported even if asserted. */
	uart_write(&uart, THR, 'x');
	assert_int_equal(edges, 2);
	uart_write(&uart, IER, 0);
	assert_int_equal(uart_read(&uart, IIR), IIR_NONE);
}

static void test_thre_identification_with_fifos(void **state)
{
	(void)state;
	uart_write(&uart, FCR, 0x07);
	uart_write(&uart, IER, IER_THRI);
	assert_int_equal(uart_read(&uart, IIR), 0xc0 | IIR_THRI);
	assert_int_equal(uart_read(&uart, IIR), 0xc0 | IIR_NONE);
	/* FCR writes do not touch the interrupt. */
	uart_write(&uart, FCR, 0x01);
	assert_int_equal(edges, 1);
	assert_int_equal(uart_read(&uart, IIR), 0xc1);
}

static void test_divisor_latch_does_not_enable_thri(void **state)
{
	(void)state;
	uart_write(&uart, LCR, DLAB | 0x03);
	uart_write(&uart, IER, IER_THRI); /* DLM */
	assert_int_equal(edges, 0);
	uart_write(&uart, THR, 0x01); /* DLL: no transmission */
	assert_int_equal(edges, 0);
	assert_int_equal(uart.divisor, 0x0201);
	uart_write(&uart, LCR, 0x03);
	assert_int_equal(uart_read(&uart, IER), 0);
	assert_int_equal(uart_read(&uart, IIR), IIR_NONE);
}

static void test_no_interrupt_line(void **state)
{
	(void)state;
	uart_init(&uart, sink, NULL, &owner_token);
	assert_null(uart.irq);
	uart_write(&uart, IER, IER_THRI);
	uart_write(&uart, THR, 'z');
	assert_int_equal(edges, 0);
	/* The register view is the same. */
	assert_int_equal(uart_read(&uart, IIR), IIR_THRI);
	assert_int_equal(uart_read(&uart, IIR), IIR_NONE);
	assert_int_equal(sunk_count, 1);
}

static void receive_text(const char *text, unsigned expect_taken)
{
	assert_int_equal(uart_receive(&uart, (const uint8_t *)text, (unsigned)strlen(text)),
	                 expect_taken);
}

static void test_received_bytes_in_order(void **state)
{
	(void)state;
	assert_int_equal(uart_read(&uart, THR), 0); /* nothing yet */
	receive_text("stop\n", 5);
	assert_int_equal(uart_read(&uart, LSR), 0x61); /* data ready */
	const char *want = "stop\n";
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(uart_read(&uart, THR), want[i]);
	assert_int_equal(uart_read(&uart, LSR), 0x60);
	assert_int_equal(uart_read(&uart, THR), 0);
	assert_int_equal(uart.bytes_in, 5);
	assert_int_equal(uart.bytes_read, 5);
	/* DLAB hides the receive buffer behind the divisor latch. */
	receive_text("a", 1);
	uart_write(&uart, LCR, DLAB);
	assert_int_equal(uart_read(&uart, THR), 1);
	uart_write(&uart, LCR, 0x03);
	assert_int_equal(uart_read(&uart, THR), 'a');
	assert_int_equal(sunk_count, 0); /* input is not output */
}

static void test_fifo_holds_sixteen(void **state)
{
	(void)state;
	receive_text("0123456789abcdefXYZ", 16);
	receive_text("Q", 0);
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(uart_read(&uart, THR), '0' + i);
	/* Room again, taken after what is still there: the ring wraps. */
	receive_text("ghijklmnopqrstu", 10);
	const char *want = "abcdefghijklmnop";
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(uart_read(&uart, THR), want[i]);
	assert_int_equal(uart_read(&uart, LSR) & 1, 0);
}

static void test_received_data_interrupt(void **state)
{
	(void)state;
	uart_write(&uart, FCR, 0x01);
	uart_write(&uart, IER, 0x01);
	assert_int_equal(edges, 0); /* enabled with nothing received */
	receive_text("ab", 2);
	assert_int_equal(edges, 1);
	assert_ptr_equal(edge_owner, &owner_token);
	assert_int_equal(uart_read(&uart, IIR), 0xc4);
	assert_int_equal(uart_read(&uart, IIR), 0xc4); /* reading IIR does not clear it */
	receive_text("c", 1);
	assert_int_equal(edges, 1); /* still asserted: no new edge */
	uart_read(&uart, THR);
	uart_read(&uart, THR);
	assert_int_equal(uart_read(&uart, IIR), 0xc4);
	uart_read(&uart, THR);
	assert_int_equal(uart_read(&uart, IIR), 0xc1);
	receive_text("d", 1);
	assert_int_equal(edges, 2);
}

static void test_data_before_thre(void **state)
{
	(void)state;
	uart_write(&uart, IER, 0x02);
	assert_int_equal(edges, 1); /* THRE */
	uart_write(&uart, IER, 0x03);
	receive_text("x", 1);
	assert_int_equal(edges, 2);
	assert_int_equal(uart_read(&uart, IIR), 0x04);
	assert_int_equal(uart_read(&uart, THR), 'x');
	assert_int_equal(uart_read(&uart, IIR), 0x02); /* THRE still asserted */
	assert_int_equal(uart_read(&uart, IIR), 0x01);
}

static void test_enabling_with_data_waiting(void **state)
{
	(void)state;
	receive_text("x", 1);
	assert_int_equal(edges, 0);
	uart_write(&uart, IER, 0x01);
	assert_int_equal(edges, 1);
	uart_write(&uart, IER, 0x01); /* already enabled: no edge */
	assert_int_equal(edges, 1);
	uart_write(&uart, IER, 0x00);
	assert_int_equal(uart_read(&uart, IIR), 0x01);
	uart_write(&uart, IER, 0x01);
	assert_int_equal(edges, 2);
}

static void test_fcr_clears_the_receiver(void **state)
{
	(void)state;
	receive_text("abc", 3);
	uart_write(&uart, FCR, 0x01); /* enable only: kept */
	assert_int_equal(uart_read(&uart, LSR) & 1, 1);
	uart_write(&uart, FCR, 0x03);
	assert_int_equal(uart_read(&uart, LSR) & 1, 0);
	assert_int_equal(uart_read(&uart, THR), 0);
	receive_text("d", 1);
	assert_int_equal(uart_read(&uart, THR), 'd');
}

static void test_loopback_receives_its_own_output(void **state)
{
	(void)state;
	uart_write(&uart, MCR, 0x10);
	receive_text("line", 0); /* the line is cut off in loopback */
	uart_write(&uart, THR, 'L');
	assert_int_equal(uart_read(&uart, LSR), 0x61);
	assert_int_equal(uart_read(&uart, THR), 'L');
	uart_write(&uart, MCR, 0x00);
	receive_text("line", 4);
}

static void test_receive_without_interrupt_line(void **state)
{
	(void)state;
	uart_init(&uart, sink, NULL, &owner_token);
	uart_write(&uart, IER, 0x01);
	receive_text("ab", 2);
	assert_int_equal(uart_read(&uart, IIR), 0x04);
	assert_int_equal(edges, 0);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_output_reaches_the_sink),
	    T(test_divisor_latch),
	    T(test_lsr_transmitter_always_ready),
	    T(test_iir_reflects_fifo_enable),
	    T(test_modem_status_and_loopback),
	    T(test_no_output_in_loopback),
	    T(test_scratch_register),
	    T(test_offsets_past_the_registers),
	    T(test_thre_test_of_linux_8250),
	    T(test_iir_read_acknowledges_thre),
	    T(test_thr_write_reasserts),
	    T(test_no_edges_with_thri_disabled),
	    T(test_ier_rewrite_keeps_thri_quiet),
	    T(test_thre_identification_with_fifos),
	    T(test_divisor_latch_does_not_enable_thri),
	    T(test_no_interrupt_line),
	    T(test_received_bytes_in_order),
	    T(test_fifo_holds_sixteen),
	    T(test_received_data_interrupt),
	    T(test_data_before_thre),
	    T(test_enabling_with_data_waiting),
	    T(test_fcr_clears_the_receiver),
	    T(test_loopback_receives_its_own_output),
	    T(test_receive_without_interrupt_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

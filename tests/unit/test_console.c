/*
 * Host tests for hypervisor/lib/console.c over the capturing sink
 * (tests/fakes/fake_console.c): every call reaches the sink as one write
 * of the whole formatted text, and text longer than a console line is cut
 * to CONSOLE_LINE_MAX - 1 bytes rather than split into two writes;
 * and what the port cannot take at once waits, in order, for a pump, a
 * later line or a flush.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake/console.h"
#include "lib/console.h"

static int reset(void **state)
{
	(void)state;
	fake_console_reset();
	return 0;
}

static void test_line_written_whole(void **state)
{
	(void)state;
	console_printf("solo: %u of %u CPUs in VMX root operation\n", 3u, 4u);
	assert_int_equal(fake_console_writes(), 1);
	assert_string_equal(fake_console_text(), "solo: 3 of 4 CPUs in VMX root operation\n");
	assert_int_equal(fake_console_last_write_length(), 40);
}

static void test_lines_in_order(void **state)
{
	(void)state;
	console_printf("first\n");
	console_printf("[%s] %s: %s\n", "probe-cpu0", "stopped", "halted");
	console_printf("%s", ""); /* an empty write is still one call */
	assert_int_equal(fake_console_writes(), 3);
	assert_string_equal(fake_console_text(), "first\n[probe-cpu0] stopped: halted\n");
	assert_int_equal(fake_console_last_write_length(), 0);
}

static void test_partial_lines_are_not_completed(void **state)
{
	(void)state;
	/* main.c prints the APIC ID list one number at a time. */
	console_printf("APIC IDs:");
	console_printf(" %u", 0u);
	console_printf(" %u", 2u);
	console_printf("\n");
	assert_string_equal(fake_console_text(), "APIC IDs: 0 2\n");
	assert_int_equal(fake_console_writes(), 4);
}

static void test_long_text_cut_at_line_max(void **state)
{
	(void)state;
	char longer[CONSOLE_LINE_MAX * 2];
	for (size_t i = 0; i < sizeof(longer) - 1; i++)
		longer[i] = (char)('a' + i % 26);
	longer[sizeof(longer) - 1] = 0;
	console_printf("%s\n", longer);
	assert_int_equal(fake_console_writes(), 1);
	/* Cut to the buffer, but the line break survives so the next line
	 * starts on a line of its own. */
	assert_int_equal(fake_console_length(), CONSOLE_LINE_MAX - 1);
	assert_memory_equal(fake_console_text(), longer, CONSOLE_LINE_MAX - 2);
	assert_int_equal(fake_console_text()[CONSOLE_LINE_MAX - 2], '\n');
}

static void test_exact_fit(void **state)
{
	(void)state;
	/* 254 characters and a newline fill the line buffer exactly. */
	char text[CONSOLE_LINE_MAX - 1];
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = 0;
	console_printf("%s\n", text);
	assert_int_equal(fake_console_length(), CONSOLE_LINE_MAX - 1);
	assert_int_equal(fake_console_text()[CONSOLE_LINE_MAX - 2], '\n');
	/* One more character: the text is cut, the newline kept. */
	fake_console_reset();
	console_printf("%sy\n", text);
	assert_int_equal(fake_console_length(), CONSOLE_LINE_MAX - 1);
	assert_int_equal(fake_console_text()[CONSOLE_LINE_MAX - 3], 'x');
	assert_int_equal(fake_console_text()[CONSOLE_LINE_MAX - 2], '\n');
	/* Text without a line break is cut without inventing one. */
	fake_console_reset();
	console_printf("%sy", text);
	assert_int_equal(fake_console_text()[CONSOLE_LINE_MAX - 2], 'y');
}

static void vprintf_wrapper(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
}

static void test_vprintf(void **state)
{
	(void)state;
	vprintf_wrapper("%s=%llu\n", "CPUID", 3ULL);
	assert_string_equal(fake_console_text(), "CPUID=3\n");
	assert_int_equal(fake_console_writes(), 1);
}

/* Nothing waits for the wire: a line the port cannot take waits in the
 * ring, the next one behind it, and a pump sends both in order. */
static void test_waiting_output_goes_out_in_order(void **state)
{
	(void)state;
	fake_console_set_room(6);
	console_printf("first line\n");
	assert_string_equal(fake_console_text(), "first ");
	assert_true(console_pending());
	console_printf("second\n");
	assert_string_equal(fake_console_text(), "first "); /* not ahead of the first */
	console_pump();
	assert_string_equal(fake_console_text(), "first "); /* the port is still full */
	fake_console_set_room(3);
	console_pump();
	assert_string_equal(fake_console_text(), "first lin");
	fake_console_set_room(SIZE_MAX);
	console_pump();
	assert_string_equal(fake_console_text(), "first line\nsecond\n");
	assert_false(console_pending());
	/* An empty ring: the next line goes straight out, in one write. */
	unsigned writes = fake_console_writes();
	console_printf("third\n");
	assert_int_equal(fake_console_writes(), writes + 1);
}

/* A flush sends everything, waiting as it must; more than the ring holds
 * also waits for the wire rather than losing or reordering a byte. */
static void test_flush_and_a_full_ring(void **state)
{
	(void)state;
	fake_console_set_room(0);
	console_printf("held\n");
	assert_string_equal(fake_console_text(), "");
	console_flush();
	assert_string_equal(fake_console_text(), "held\n");
	assert_false(console_pending());

	char line[101];
	memset(line, 'x', 99);
	line[99] = '\n';
	line[100] = 0;
	unsigned lines = CONSOLE_RING_SIZE / 100 + 50;
	for (unsigned i = 0; i < lines; i++) {
		line[0] = (char)('a' + i % 26);
		console_printf("%s", line);
	}
	console_flush();
	const char *t = fake_console_text();
	assert_int_equal(fake_console_length(), 5 + (size_t)lines * 100);
	for (unsigned i = 0; i < lines; i++)
		assert_int_equal(t[5 + i * 100], 'a' + i % 26);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_line_written_whole, reset),
	    cmocka_unit_test_setup(test_lines_in_order, reset),
	    cmocka_unit_test_setup(test_partial_lines_are_not_completed, reset),
	    cmocka_unit_test_setup(test_long_text_cut_at_line_max, reset),
	    cmocka_unit_test_setup(test_exact_fit, reset),
	    cmocka_unit_test_setup(test_vprintf, reset),
	    cmocka_unit_test_setup(test_waiting_output_goes_out_in_order, reset),
	    cmocka_unit_test_setup(test_flush_and_a_full_ring, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

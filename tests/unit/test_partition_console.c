/*
 * Host tests for a partition's console (hypervisor/core/partition_console.c)
 * and its log ring (hypervisor/core/log_ring.c): whole prefixed lines on
 * the physical console, control characters dropped, long lines split,
 * a kernel panic ending the partition, and the ring keeping the tail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/log_ring.h"
#include "core/partition.h"
#include "fake/console.h"

static struct partition part;

static int setup(void **state)
{
	(void)state;
	fake_console_reset();
	memset(&part, 0, sizeof(part));
	strcpy(part.name, "web");
	part.state = PARTITION_RUNNING;
	return 0;
}

static void feed(struct partition *p, const char *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
		partition_console_byte(p, (uint8_t)bytes[i]);
}

static void say(const char *text)
{
	feed(&part, text, strlen(text));
}

static const char *log_tail(void)
{
	static char tail[LOG_RING_SIZE + 1];
	log_ring_tail(&part.log, tail, sizeof(tail));
	return tail;
}

static void test_lines_get_the_prefix(void **state)
{
	(void)state;
	say("hello\n");
	assert_string_equal(fake_console_text(), "[web] hello\n");
	assert_int_equal(fake_console_writes(), 1);
	say("second line\n\n");
	assert_string_equal(fake_console_text(), "[web] hello\n[web] second line\n[web] \n");
	assert_string_equal(log_tail(), "hello\nsecond line\n\n");
	assert_int_equal(part.state, PARTITION_RUNNING);
}

static void test_partial_line_waits_for_newline_or_flush(void **state)
{
	(void)state;
	say("no newline yet");
	assert_int_equal(fake_console_length(), 0);
	assert_int_equal(part.log.written, 0);
	partition_console_flush(&part);
	assert_string_equal(fake_console_text(), "[web] no newline yet\n");
	assert_string_equal(log_tail(), "no newline yet\n");
	/* Nothing left: a second flush prints nothing. */
	partition_console_flush(&part);
	assert_int_equal(fake_console_writes(), 1);
}

static void test_control_characters_dropped(void **state)
{
	(void)state;
	/* CR, ESC, BEL, NUL, DEL and backspace go; tab and UTF-8 stay. */
	const char bytes[] = "a\rb\x1b[31mc\x07\td\x7f\x00\be\xc3\xa9\r\n";
	feed(&part, bytes, sizeof(bytes) - 1);
	assert_string_equal(fake_console_text(), "[web] ab[31mc\tde\xc3\xa9\n");
	assert_string_equal(log_tail(), "ab[31mc\tde\xc3\xa9\n");
}

static void test_long_lines_split(void **state)
{
	(void)state;
	char line[451];
	memset(line, 'x', 450);
	line[450] = '\n';
	feed(&part, line, sizeof(line));
	assert_int_equal(fake_console_writes(), 3);
	char expected[600], xs[PARTITION_LINE_MAX + 1];
	memset(xs, 'x', PARTITION_LINE_MAX);
	xs[PARTITION_LINE_MAX] = 0;
	snprintf(expected, sizeof(expected), "[web] %s\n[web] %s\n[web] %.50s\n", xs, xs, xs);
	assert_string_equal(fake_console_text(), expected);
	assert_int_equal(fake_console_last_write_length(), strlen("[web] ") + 50 + 1);
	assert_int_equal(part.log.written, 450 + 3);
}

static void test_kernel_panic_ends_the_partition(void **state)
{
	(void)state;
	say("[    1.234567] Kernel panic - not syncing: VFS: Unable to mount root fs");
	assert_int_equal(part.state, PARTITION_RUNNING); /* not a line yet */
	say("\n");
	assert_string_equal(partition_state_name(part.state), "crashed");
	assert_string_equal(part.reason, "kernel panic: VFS: Unable to mount root fs");
	/* The line itself still reaches the console and the log. */
	assert_true(fake_console_contains("[web] [    1.234567] Kernel panic - not syncing: VFS"));
	assert_true(strstr(log_tail(), "Unable to mount root fs\n") != NULL);
	/* The first cause stays. */
	say("Kernel panic - not syncing: Attempted to kill init!\n");
	assert_string_equal(part.reason, "kernel panic: VFS: Unable to mount root fs");
}

static void test_panic_lookalikes_do_not_end_it(void **state)
{
	(void)state;
	say("Kernel panic - not syncing\n");
	say("kernel panic - not syncing: lower case\n");
	say("Kernel panic - not syncing:no space\n");
	assert_int_equal(part.state, PARTITION_RUNNING);
	assert_string_equal(part.reason, "");
}

static void test_partitions_do_not_mix_mid_line(void **state)
{
	(void)state;
	struct partition other;
	memset(&other, 0, sizeof(other));
	strcpy(other.name, "db");
	const char *a = "alpha\n", *b = "beta\n";
	for (unsigned i = 0; i < 6; i++) {
		if (i < strlen(a))
			partition_console_byte(&part, (uint8_t)a[i]);
		if (i < strlen(b))
			partition_console_byte(&other, (uint8_t)b[i]);
	}
	assert_string_equal(fake_console_text(), "[db] beta\n[web] alpha\n");
	assert_int_equal(other.log.written, 5);
	assert_int_equal(part.log.written, 6);
}

static void test_log_ring_keeps_the_tail(void **state)
{
	(void)state;
	struct log_ring ring = {.written = 0};
	char out[16];
	memset(out, '#', sizeof(out));
	assert_int_equal(log_ring_tail(&ring, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	log_ring_write(&ring, "abcdef", 6);
	assert_int_equal(log_ring_tail(&ring, out, sizeof(out)), 6);
	assert_string_equal(out, "abcdef");
	/* Room for len - 1 bytes: the most recent ones. */
	assert_int_equal(log_ring_tail(&ring, out, 4), 3);
	assert_string_equal(out, "def");
	assert_int_equal(log_ring_tail(&ring, out, 1), 0);
	assert_string_equal(out, "");
	memset(out, '#', sizeof(out));
	assert_int_equal(log_ring_tail(&ring, out, 0), 0);
	assert_int_equal(out[0], '#'); /* nothing written at all */
}

static void test_log_ring_wraps(void **state)
{
	(void)state;
	static struct log_ring ring;
	static char big[LOG_RING_SIZE + 100];
	memset(&ring, 0, sizeof(ring));
	for (unsigned i = 0; i < LOG_RING_SIZE; i++)
		log_ring_write(&ring, i % 2 ? "b" : "a", 1);
	log_ring_write(&ring, "XYZ", 3);
	assert_int_equal(ring.written, LOG_RING_SIZE + 3);
	/* The oldest three bytes were overwritten in place. */
	assert_memory_equal(ring.bytes, "XYZ", 3);
	assert_int_equal(log_ring_tail(&ring, big, sizeof(big)), LOG_RING_SIZE);
	assert_int_equal(strlen(big), LOG_RING_SIZE);
	assert_memory_equal(big, "baba", 4); /* byte 3 of the stream ('b') first */
	assert_string_equal(big + LOG_RING_SIZE - 5, "abXYZ");
	char small[6];
	assert_int_equal(log_ring_tail(&ring, small, sizeof(small)), 5);
	assert_string_equal(small, "abXYZ");

	/* One write longer than the ring keeps its last LOG_RING_SIZE bytes. */
	memset(&ring, 0, sizeof(ring));
	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (char)('0' + i % 10);
	log_ring_write(&ring, big, sizeof(big));
	char tail[12];
	assert_int_equal(log_ring_tail(&ring, tail, sizeof(tail)), 11);
	assert_memory_equal(tail, big + sizeof(big) - 11, 11);
}

static void test_panic_line_goes_to_the_log_ring_in_a_long_run(void **state)
{
	(void)state;
	char line[64];
	for (unsigned i = 0; i < 1000; i++) {
		snprintf(line, sizeof(line), "line %u\n", i);
		say(line);
	}
	say("Kernel panic - not syncing: Out of memory\n");
	assert_string_equal(part.reason, "kernel panic: Out of memory");
	const char *tail = log_tail();
	assert_int_equal(strlen(tail), LOG_RING_SIZE);
	const char *end = "line 999\nKernel panic - not syncing: Out of memory\n";
	assert_string_equal(tail + strlen(tail) - strlen(end), end);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_lines_get_the_prefix),
	    T(test_partial_line_waits_for_newline_or_flush),
	    T(test_control_characters_dropped),
	    T(test_long_lines_split),
	    T(test_kernel_panic_ends_the_partition),
	    T(test_panic_lookalikes_do_not_end_it),
	    T(test_partitions_do_not_mix_mid_line),
	    T(test_log_ring_keeps_the_tail),
	    T(test_log_ring_wraps),
	    T(test_panic_line_goes_to_the_log_ring_in_a_long_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

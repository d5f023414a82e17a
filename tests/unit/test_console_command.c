/*
 * The management console's line editor and command parser: every verb,
 * every way a line can be wrong, and the editing keys a serial terminal
 * sends.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/console_command.h"

static void test_verbs_without_name(void **state)
{
	(void)state;
	struct console_command c;
	assert_null(console_command_parse("list", &c));
	assert_int_equal(c.verb, CONSOLE_LIST);
	assert_string_equal(c.name, "");
	assert_null(console_command_parse("  stats\t", &c));
	assert_int_equal(c.verb, CONSOLE_STATS);
	assert_null(console_command_parse("help", &c));
	assert_int_equal(c.verb, CONSOLE_HELP);
	assert_null(console_command_parse("shutdown", &c));
	assert_int_equal(c.verb, CONSOLE_SHUTDOWN);
	assert_string_equal(c.name, "");
	assert_string_equal(console_command_parse("shutdown now", &c), "too many arguments");
}

static void test_verbs_with_name(void **state)
{
	(void)state;
	struct console_command c;
	assert_null(console_command_parse("log hello", &c));
	assert_int_equal(c.verb, CONSOLE_LOG);
	assert_string_equal(c.name, "hello");
	assert_null(console_command_parse("stop  a-b", &c));
	assert_int_equal(c.verb, CONSOLE_STOP);
	assert_string_equal(c.name, "a-b");
	assert_null(console_command_parse("start x", &c));
	assert_int_equal(c.verb, CONSOLE_START);
	assert_null(console_command_parse("restart sleeper ", &c));
	assert_int_equal(c.verb, CONSOLE_RESTART);
	assert_string_equal(c.name, "sleeper");
	assert_null(console_command_parse("kill web", &c));
	assert_int_equal(c.verb, CONSOLE_KILL);
	assert_string_equal(c.name, "web");
	assert_string_equal(console_command_parse("kill", &c), "missing partition name");
	assert_null(console_command_parse("attest web", &c));
	assert_int_equal(c.verb, CONSOLE_ATTEST);
	assert_string_equal(c.name, "web");
	assert_null(console_command_parse("net", &c));
	assert_int_equal(c.verb, CONSOLE_NET);
	assert_string_equal(console_command_parse("net web", &c), "too many arguments");
}

static void test_errors(void **state)
{
	(void)state;
	struct console_command c = {.verb = CONSOLE_HELP};
	assert_string_equal(console_command_parse("", &c), "empty command");
	assert_string_equal(console_command_parse("   ", &c), "empty command");
	assert_string_equal(console_command_parse("lis", &c), "unknown command (type help)");
	assert_string_equal(console_command_parse("lists", &c), "unknown command (type help)");
	assert_string_equal(console_command_parse("LIST", &c), "unknown command (type help)");
	assert_string_equal(console_command_parse("log", &c), "missing partition name");
	assert_string_equal(console_command_parse("list x", &c), "too many arguments");
	assert_string_equal(console_command_parse("stop a b", &c), "too many arguments");
	assert_string_equal(console_command_parse("stop a b c d", &c), "too many arguments");
	char longest[64] = "stop ", too_long[64] = "stop ";
	memset(longest + 5, 'n', CONSOLE_COMMAND_NAME_MAX);
	memset(too_long + 5, 'n', CONSOLE_COMMAND_NAME_MAX + 1);
	assert_string_equal(console_command_parse(too_long, &c), "partition name too long");
	assert_int_equal(c.verb, CONSOLE_HELP); /* untouched on error */
	assert_null(console_command_parse(longest, &c));
	assert_int_equal(strlen(c.name), CONSOLE_COMMAND_NAME_MAX);
}

static enum console_line_event feed(struct console_line *l, const char *bytes)
{
	enum console_line_event e = CONSOLE_LINE_MORE;
	for (; *bytes; bytes++)
		e = console_line_feed(l, (uint8_t)*bytes);
	return e;
}

static void test_line_ends_and_empty_lines(void **state)
{
	(void)state;
	struct console_line l = {0};
	assert_int_equal(feed(&l, "list"), CONSOLE_LINE_MORE);
	assert_int_equal(feed(&l, "\r"), CONSOLE_LINE_READY);
	assert_string_equal(l.text, "list");
	assert_int_equal(feed(&l, "\n"), CONSOLE_LINE_MORE); /* the LF of CRLF */
	assert_int_equal(feed(&l, "\r\n\r\n"), CONSOLE_LINE_MORE);
	assert_int_equal(feed(&l, "stats\n"), CONSOLE_LINE_READY);
	assert_string_equal(l.text, "stats");
}

static void test_backspace_and_control_bytes(void **state)
{
	(void)state;
	struct console_line l = {0};
	assert_int_equal(feed(&l, "lsx\b\x7f"
	                          "ist\x1b\x01\r"),
	                 CONSOLE_LINE_READY);
	assert_string_equal(l.text, "list");
	assert_int_equal(feed(&l, "\b\b\ba\r"), CONSOLE_LINE_READY); /* backspace on empty */
	assert_string_equal(l.text, "a");
	assert_int_equal(feed(&l, "\xff\x80 b\r"), CONSOLE_LINE_READY);
	assert_string_equal(l.text, " b");
}

static void test_overlong_line_refused_whole(void **state)
{
	(void)state;
	struct console_line l = {0};
	char fits[CONSOLE_INPUT_MAX + 2], over[CONSOLE_INPUT_MAX + 3];
	memset(fits, 'a', CONSOLE_INPUT_MAX);
	strcpy(fits + CONSOLE_INPUT_MAX, "\r");
	memset(over, 'b', CONSOLE_INPUT_MAX + 1);
	strcpy(over + CONSOLE_INPUT_MAX + 1, "\r");
	assert_int_equal(feed(&l, fits), CONSOLE_LINE_READY);
	assert_int_equal(strlen(l.text), CONSOLE_INPUT_MAX);
	assert_int_equal(feed(&l, over), CONSOLE_LINE_TOO_LONG);
	/* Backspace cannot bring an overlong line back under the limit. */
	over[CONSOLE_INPUT_MAX + 1] = 0;
	assert_int_equal(feed(&l, over), CONSOLE_LINE_MORE);
	assert_int_equal(feed(&l, "\b\b\r"), CONSOLE_LINE_TOO_LONG);
	assert_int_equal(feed(&l, "help\r"), CONSOLE_LINE_READY);
	assert_string_equal(l.text, "help");
}

static void test_help_covers_every_verb(void **state)
{
	(void)state;
	const char *words[] = {"list", "log", "stop", "start", "restart", "stats", "help"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		bool found = false;
		for (const char *const *h = console_command_help; *h; h++)
			found |= !strncmp(*h, words[i], strlen(words[i])) &&
			         (*h)[strlen(words[i])] == ' ';
		assert_true(found);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_verbs_without_name),
	    cmocka_unit_test(test_verbs_with_name),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_line_ends_and_empty_lines),
	    cmocka_unit_test(test_backspace_and_control_bytes),
	    cmocka_unit_test(test_overlong_line_refused_whole),
	    cmocka_unit_test(test_help_covers_every_verb),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}

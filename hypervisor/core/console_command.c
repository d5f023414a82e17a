/*
 * Parsing of management-console lines. A command is decoded and checked
 * completely here, so the code that carries it out only ever sees a known
 * verb with a name of a valid length.
 */
#include <stdbool.h>
#include <string.h>

#include "core/console_command.h"

#define MAX_WORDS 3 /* one more than any command takes, to see extras */

struct verb_entry {
	const char *word;
	enum console_verb verb;
	bool takes_name;
};

static const struct verb_entry verbs[] = {
    {"list", CONSOLE_LIST, false},         {"log", CONSOLE_LOG, true},
    {"stop", CONSOLE_STOP, true},          {"start", CONSOLE_START, true},
    {"restart", CONSOLE_RESTART, true},    {"stats", CONSOLE_STATS, false},
    {"help", CONSOLE_HELP, false},         {"kill", CONSOLE_KILL, true},
    {"shutdown", CONSOLE_SHUTDOWN, false}, {"attest", CONSOLE_ATTEST, true},
    {"net", CONSOLE_NET, false},
};

const char *const console_command_help[] = {
    "list           partitions: state, CPU, RAM, exits, restarts, uptime, addresses",
    "log NAME       the last lines NAME printed (kept until it is started again)",
    "stop NAME      ask NAME to shut down, by force after its stop_timeout (no restart)",
    "kill NAME      end NAME at once (no restart)",
    "start NAME     start a partition that has ended",
    "restart NAME   stop NAME, then start it afresh",
    "shutdown       stop every partition, then halt the machine",
    "stats          free memory, solo's memory per partition, exits by reason",
    "attest NAME    the SHA-256 of what NAME boots: kernel, initrd, cmdline, config",
    "net            each interface: MAC, address, network, frames, bytes and drops",
    "help           this text",
    0,
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

const char *console_command_parse(const char *line, struct console_command *out)
{
	const char *word[MAX_WORDS];
	size_t word_len[MAX_WORDS];
	unsigned words = 0;
	for (const char *p = line; *p;) {
		if (is_space(*p)) {
			p++;
			continue;
		}
		if (words == MAX_WORDS)
			return "too many arguments";
		word[words] = p;
		while (*p && !is_space(*p))
			p++;
		word_len[words] = (size_t)(p - word[words]);
		words++;
	}
	if (!words)
		return "empty command";
	const struct verb_entry *v = 0;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strlen(verbs[i].word) == word_len[0] &&
		    !memcmp(verbs[i].word, word[0], word_len[0]))
			v = &verbs[i];
	if (!v)
		return "unknown command (type help)";
	unsigned wanted = v->takes_name ? 2 : 1;
	if (words < wanted)
		return "missing partition name";
	if (words > wanted)
		return "too many arguments";
	struct console_command c = {.verb = v->verb};
	if (v->takes_name) {
		if (word_len[1] > CONSOLE_COMMAND_NAME_MAX)
			return "partition name too long";
		memcpy(c.name, word[1], word_len[1]);
		c.name[word_len[1]] = 0;
	}
	*out = c;
	return 0;
}

enum console_line_event console_line_feed(struct console_line *line, uint8_t byte)
{
	if (line->complete) {
		line->len = 0;
		line->complete = 0;
	}
	if (byte == '\r' || byte == '\n') {
		if (line->overlong) {
			line->overlong = 0;
			line->len = 0;
			return CONSOLE_LINE_TOO_LONG;
		}
		if (!line->len)
			return CONSOLE_LINE_MORE;
		line->text[line->len] = 0;
		line->complete = 1;
		return CONSOLE_LINE_READY;
	}
	if (line->overlong)
		return CONSOLE_LINE_MORE;
	if (byte == 0x08 || byte == 0x7f) {
		if (line->len)
			line->len--;
		return CONSOLE_LINE_MORE;
	}
	if (byte < 0x20 || byte > 0x7e)
		return CONSOLE_LINE_MORE;
	if (line->len == CONSOLE_INPUT_MAX) {
		line->overlong = 1;
		return CONSOLE_LINE_MORE;
	}
	line->text[line->len++] = (char)byte;
	return CONSOLE_LINE_MORE;
}

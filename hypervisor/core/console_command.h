/*
 * The management console's language, kept free of hardware so the host
 * tests cover it whole: a line editor that turns the bytes typed on the
 * physical serial port into lines, and a parser that turns a line into
 * one fully validated command (or an error phrase) before anything acts
 * on it.
 */
#ifndef SOLO_CORE_CONSOLE_COMMAND_H
#define SOLO_CORE_CONSOLE_COMMAND_H

#include <stdint.h>

/* The longest line an operator may type; longer ones are refused whole
 * rather than cut, so a truncated name can never name another partition. */
#define CONSOLE_INPUT_MAX 64
/* The longest partition name (struct partition holds 31 bytes plus NUL). */
#define CONSOLE_COMMAND_NAME_MAX 31

enum console_verb {
	CONSOLE_LIST,
	CONSOLE_LOG,
	CONSOLE_STOP,
	CONSOLE_START,
	CONSOLE_RESTART,
	CONSOLE_STATS,
	CONSOLE_HELP,
	CONSOLE_KILL,
	CONSOLE_SHUTDOWN,
	CONSOLE_ATTEST,
	CONSOLE_NET,
};

struct console_command {
	enum console_verb verb;
	char name[CONSOLE_COMMAND_NAME_MAX + 1]; /* empty for verbs without one */
};

/* Parses one line. Returns NULL with *out filled in, or an error phrase
 * (and *out untouched) when the line is not exactly one known command
 * with the arguments it takes. */
const char *console_command_parse(const char *line, struct console_command *out);

/* The help text, one command per line without line breaks. */
extern const char *const console_command_help[];

enum console_line_event {
	CONSOLE_LINE_MORE,     /* keep feeding */
	CONSOLE_LINE_READY,    /* text holds a complete, non-empty line */
	CONSOLE_LINE_TOO_LONG, /* a line longer than CONSOLE_INPUT_MAX ended */
};

struct console_line {
	char text[CONSOLE_INPUT_MAX + 1];
	unsigned len;
	int overlong; /* swallowing the rest of a line that did not fit */
	int complete; /* text was handed out: the next byte starts afresh */
};

/* Feeds one byte typed by the operator. CR or LF ends a line (so CRLF
 * gives one line and empty lines are ignored); backspace and DEL remove
 * the last character; other control bytes are dropped. */
enum console_line_event console_line_feed(struct console_line *line, uint8_t byte);

#endif

/*
 * The console sink for host tests: instead of the 16550, one growing
 * buffer. Each console_sink_write() is one line as the console handed it
 * over, so counting calls shows whether a line was split.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake/console.h"
#include "lib/console.h"

static char text[FAKE_CONSOLE_SIZE];
static size_t room = SIZE_MAX; /* what offer takes before it must wait */
static size_t length;
static unsigned writes;
static size_t last_write;

void fake_console_reset(void)
{
	length = 0;
	text[0] = 0;
	room = SIZE_MAX;
	writes = 0;
	last_write = 0;
}

void console_sink_write(const char *data, size_t len)
{
	assert_true(length + len < sizeof(text));
	memcpy(text + length, data, len);
	length += len;
	text[length] = 0;
	writes++;
	last_write = len;
}

size_t console_sink_offer(const char *data, size_t len)
{
	size_t n = len < room ? len : room;
	if (room != SIZE_MAX)
		room -= n;
	console_sink_write(data, n); /* even empty: one call, one write */
	return n;
}

void fake_console_set_room(size_t bytes)
{
	room = bytes;
}

const char *fake_console_text(void)
{
	return text;
}

size_t fake_console_length(void)
{
	return length;
}

unsigned fake_console_writes(void)
{
	return writes;
}

size_t fake_console_last_write_length(void)
{
	return last_write;
}

bool fake_console_contains(const char *needle)
{
	return strstr(text, needle) != NULL;
}

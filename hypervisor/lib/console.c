/*
 * Line-atomic console output. Formatting happens before the lock is taken
 * so a slow vsnprintf never holds up other CPUs; only the byte copy to the
 * serial port is serialised.
 */
#include <stdio.h>
#include <string.h>

#include "lib/console.h"
#include "lib/spinlock.h"

static struct spinlock console_lock = SPINLOCK_INIT;

void console_vprintf(const char *fmt, va_list ap)
{
	char line[CONSOLE_LINE_MAX];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	/* A cut line keeps its line break, so the next line starts clean. */
	if ((size_t)n > len && fmt[0] && fmt[strlen(fmt) - 1] == '\n')
		line[len - 1] = '\n';
	spin_lock(&console_lock);
	console_sink_write(line, len);
	spin_unlock(&console_lock);
}

void console_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
}

/*
 * The hypervisor's console: whole lines to the serial port, one CPU at a
 * time, so lines from different CPUs never interleave mid-line.
 */
#ifndef SOLO_LIB_CONSOLE_H
#define SOLO_LIB_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

#define CONSOLE_LINE_MAX 256

/* Formats and writes text atomically with respect to other CPUs. The text
 * is cut at CONSOLE_LINE_MAX bytes, never split. */
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_vprintf(const char *fmt, va_list ap);

/* The byte sink below the console: the 16550 on real hardware, a buffer
 * in host tests. */
void console_sink_write(const char *text, size_t len);

#endif

/*
 * The hypervisor's console: whole lines to the serial port, one CPU at a
 * time, so lines from different CPUs never interleave mid-line. Output
 * does not wait for the wire: what the port cannot take at once waits in
 * a ring, in order, until a pump or a later line sends it.
 */
#ifndef SOLO_LIB_CONSOLE_H
#define SOLO_LIB_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define CONSOLE_LINE_MAX  256
#define CONSOLE_RING_SIZE 65536
/* How long the 16-byte FIFO of a 16550 takes to send at 115200 baud:
 * how soon a CPU with output waiting comes back to pump. */
#define CONSOLE_FIFO_DRAIN_US 1400

/* Formats and writes text atomically with respect to other CPUs. The text
 * is cut at CONSOLE_LINE_MAX bytes, never split. */
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_vprintf(const char *fmt, va_list ap);

/* Raw bytes, in order with the lines (newlib's stdout). */
void console_write(const char *text, size_t len);

/* Whether bytes wait in the ring. */
bool console_pending(void);

/* Sends what the port takes now; never waits (a CPU already at it is
 * left to it). The scheduler calls it between slices and exits. */
void console_pump(void);

/* Sends everything, waiting for the wire: before a halt. */
void console_flush(void);

/* The byte sink below the console: the 16550 on real hardware, a buffer
 * in host tests. `offer` takes as many bytes as it can without waiting
 * and returns how many; `write` takes them all, waiting as it must. */
size_t console_sink_offer(const char *bytes, size_t len);
void console_sink_write(const char *text, size_t len);

#endif

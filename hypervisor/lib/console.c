/*
 * Line-atomic console output that does not wait for the wire. A byte at
 * 115200 baud takes 87 us; written synchronously, every line solo printed
 * held up the CPU printing it (a vCPU's exit, a partition's start) for
 * milliseconds. So lines go to the sink as far as it takes them at once,
 * the rest into a ring that later prints and the scheduler's pumps drain;
 * a full ring, a flush and a halt fall back to waiting. Formatting
 * happens before the lock is taken.
 */
#include <stdio.h>
#include <string.h>

#include "lib/console.h"
#include "lib/spinlock.h"

static struct spinlock console_lock = SPINLOCK_INIT;
static char ring[CONSOLE_RING_SIZE];
static size_t ring_head, ring_used; /* ring_head: the oldest byte */

/* The ring's oldest bytes, as many as lie contiguously. */
static size_t ring_chunk(const char **bytes)
{
	*bytes = ring + ring_head;
	size_t to_end = CONSOLE_RING_SIZE - ring_head;
	return ring_used < to_end ? ring_used : to_end;
}

static void ring_drop(size_t n)
{
	ring_head = (ring_head + n) % CONSOLE_RING_SIZE;
	ring_used -= n;
}

/* Offers the ring's bytes to the sink until it takes no more. */
static void pump_locked(void)
{
	while (ring_used) {
		const char *bytes;
		size_t n = ring_chunk(&bytes);
		size_t taken = console_sink_offer(bytes, n);
		ring_drop(taken);
		if (taken < n)
			return;
	}
}

/* Everything in the ring out, waiting for the wire, a little at a time
 * so that a CPU waiting to flush sees it move. */
static void drain_locked(void)
{
	while (ring_used) {
		const char *bytes;
		size_t n = ring_chunk(&bytes);
		if (n > 64)
			n = 64;
		console_sink_write(bytes, n);
		ring_drop(n);
	}
}

static void append_locked(const char *text, size_t len)
{
	size_t done = ring_used ? 0 : console_sink_offer(text, len);
	if (len - done > CONSOLE_RING_SIZE - ring_used) {
		/* No room: the wire sets the pace, as it would unbuffered. */
		drain_locked();
		console_sink_write(text + done, len - done);
		return;
	}
	for (; done < len; done++) {
		ring[(ring_head + ring_used) % CONSOLE_RING_SIZE] = text[done];
		ring_used++;
	}
}

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
	append_locked(line, len);
	spin_unlock(&console_lock);
}

void console_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
}

void console_write(const char *text, size_t len)
{
	spin_lock(&console_lock);
	append_locked(text, len);
	spin_unlock(&console_lock);
}

bool console_pending(void)
{
	return __atomic_load_n(&ring_used, __ATOMIC_RELAXED) != 0;
}

void console_pump(void)
{
	if (!console_pending() || !spin_trylock(&console_lock))
		return; /* another CPU is at it */
	pump_locked();
	spin_unlock(&console_lock);
}

void console_flush(void)
{
	/* Waits while another CPU makes progress; a CPU that failed holding
	 * the lock (no progress for long) must not keep this one's last
	 * lines from going out on its way to halting. */
	bool locked = false;
	size_t seen = ring_used;
	for (unsigned still = 0; still < 10000000 && !locked; still++) {
		locked = spin_trylock(&console_lock);
		size_t now = __atomic_load_n(&ring_used, __ATOMIC_RELAXED);
		if (now != seen) {
			seen = now;
			still = 0;
		}
	}
	drain_locked();
	if (locked)
		spin_unlock(&console_lock);
}

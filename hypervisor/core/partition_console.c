/*
 * A partition's console output, muxed onto the one physical serial port:
 * bytes collect into a line, and whole lines go out prefixed "[name] ", so
 * output from partitions on different CPUs never mixes mid-line. Control
 * characters other than tab are dropped, so a guest cannot move the
 * operator's cursor or forge another partition's prefix on a new line.
 */
#include <string.h>

#include "arch/cpu.h"
#include "core/partition.h"
#include "lib/console.h"

#define PANIC_MARKER "Kernel panic - not syncing: "

static void emit_line(struct partition *p)
{
	if (!p->first_output_tsc)
		p->first_output_tsc = cpu_rdtsc();
	p->recording_writes = false; /* a template's write set ends here */
	p->line[p->line_len] = 0;
	console_printf("[%s] %s\n", p->name, p->line);
	log_ring_write(&p->log, p->line, p->line_len);
	log_ring_write(&p->log, "\n", 1);
	const char *panic = strstr(p->line, PANIC_MARKER);
	if (panic)
		partition_end(p, PARTITION_CRASHED, "kernel panic: %s",
		              panic + strlen(PANIC_MARKER));
	p->line_len = 0;
}

void partition_console_byte(void *partition, uint8_t byte)
{
	struct partition *p = partition;
	if (byte == '\n') {
		emit_line(p);
		return;
	}
	if (byte == '\r' || (byte < 0x20 && byte != '\t') || byte == 0x7f)
		return;
	p->line[p->line_len++] = (char)byte;
	if (p->line_len == PARTITION_LINE_MAX)
		emit_line(p);
}

void partition_console_flush(struct partition *p)
{
	if (p->line_len)
		emit_line(p);
}

/*
 * The management console's commands. It reads slots and partitions that
 * other CPUs are changing without a lock: every figure it prints is a
 * snapshot that may be a slice old, which is all an operator needs, and
 * it never writes anything but a slot's request flags. A partition's log
 * ring lives in struct partition and outlives the partition's end, so
 * `log` shows the last run's output until the partition is started again
 * (a new run starts with an empty ring).
 */
#include <stdio.h>
#include <string.h>

#include "arch/cpu.h"
#include "arch/serial.h"
#include "core/console_command.h"
#include "core/linux_partition.h"
#include "core/management_console.h"
#include "core/net_uplink.h"
#include "core/partition.h"
#include "core/partition_ipi.h"
#include "core/pcpu.h"
#include "core/placement.h"
#include "core/scheduler.h"
#include "core/template.h"
#include "core/vcpu_run.h"
#include "lib/console.h"
#include "mm/page_alloc.h"
#include "mm/page_pool.h"

_Static_assert(CONSOLE_COMMAND_NAME_MAX < PARTITION_NAME_LEN, "a name must fit a partition");

#define LOG_SHOWN_BYTES   1024            /* the tail `log` prints: a screenful */
#define CONSOLE_MAX_SLOTS PCPU_MAX_QUEUED /* main.c holds no more partitions */

static struct partition_slot *slots;
static unsigned slot_count;
static uint64_t baseline;
static uint64_t hz;
static struct console_line input;
static int all_ended_reported;
/* A shutdown under way: when it began, and which slots it stopped. */
static bool shutting_down;
static uint64_t shutdown_tsc;
static bool stopped_by_shutdown[CONSOLE_MAX_SLOTS];

void console_attach(struct partition_slot *s, unsigned count, uint64_t baseline_pages,
                    uint64_t tsc_hz)
{
	slots = s;
	slot_count = count < CONSOLE_MAX_SLOTS ? count : CONSOLE_MAX_SLOTS;
	baseline = baseline_pages;
	hz = tsc_hz;
}

static struct partition_slot *find(const char *name)
{
	for (unsigned i = 0; i < slot_count; i++)
		if (!strcmp(slots[i].spec.name, name))
			return &slots[i];
	return 0;
}

/* Whether every vCPU that runs sleeps (a snapshot: they run elsewhere). */
static bool all_halted(const struct partition *p)
{
	for (unsigned i = 0; i < p->vcpu_count; i++) {
		int state = p->vcpus[i].run_state;
		if (state == VCPU_STATE_STARTING || state == VCPU_STATE_RUNNABLE)
			return false;
	}
	return true;
}

static const char *slot_state_name(const struct partition_slot *s)
{
	switch (s->state) {
	case SLOT_CREATED:
		return "created";
	case SLOT_RUNNABLE:
		return all_halted(s->partition) ? "halted" : "running";
	case SLOT_BACKOFF:
		return "backoff";
	case SLOT_WAITING:
		return "waiting";
	case SLOT_DONE:
		break;
	}
	return s->partition->state == PARTITION_CRASHED ? "crashed" : "stopped";
}

static bool is_running(const struct partition_slot *s)
{
	return s->state == SLOT_RUNNABLE;
}

static void list(void)
{
	console_printf("solo: %-16s %-8s %-4s %5s %8s %10s %8s %10s  %s\n", "NAME", "STATE", "CPU",
	               "VCPUS", "RAM MiB", "EXITS", "RESTARTS", "UPTIME ms", "ADDRESSES");
	for (unsigned i = 0; i < slot_count; i++) {
		const struct partition_slot *s = &slots[i];
		const struct partition *p = s->partition;
		char cpu[8] = "-";
		if (s->spec.cpus[0] != PLACEMENT_NONE)
			snprintf(cpu, sizeof(cpu), "%u", s->spec.cpus[0]);
		uint64_t up = is_running(s) && hz ? (cpu_rdtsc() - p->started_tsc) * 1000 / hz : 0;
		uint64_t counts[EXIT_REASON_COUNT], exits;
		partition_exit_totals(p, counts, &exits);
		char addresses[100];
		partition_net_addresses(p, addresses, sizeof(addresses));
		console_printf("solo: %-16s %-8s %-4s %5u %8llu %10llu %8u %10llu  %s\n",
		               s->spec.name, slot_state_name(s), cpu, s->spec.vcpus,
		               (unsigned long long)(s->spec.memory / MIB),
		               (unsigned long long)exits, s->restarts, (unsigned long long)up,
		               addresses[0] ? addresses : "-");
	}
}

static void print_net_line(const char *line)
{
	console_printf("solo: %s\n", line);
}

/* Every running partition's interfaces with their counters. */
static void net(void)
{
	unsigned shown = 0;
	for (unsigned i = 0; i < slot_count; i++) {
		const struct partition *p = slots[i].partition;
		if (!is_running(&slots[i]) || !p->nic_count)
			continue;
		partition_net_report(p, print_net_line);
		shown++;
	}
	if (!shown)
		console_printf("solo: no running partition has a network interface\n");
	net_uplink_report(print_net_line);
}

static void show_log(const struct partition_slot *s)
{
	static char tail[LOG_SHOWN_BYTES];
	size_t n = log_ring_tail(&s->partition->log, tail, sizeof(tail));
	if (!n) {
		console_printf("solo: [%s] no log\n", s->spec.name);
		return;
	}
	char *line = tail;
	/* The tail may start mid-line when the ring held more: skip that. */
	if (s->partition->log.written > n) {
		char *nl = memchr(tail, '\n', n);
		line = nl ? nl + 1 : tail + n;
	}
	while (line < tail + n) {
		char *nl = memchr(line, '\n', (size_t)(tail + n - line));
		int len = (int)(nl ? nl - line : tail + n - line);
		console_printf("solo: [%s] log: %.*s\n", s->spec.name, len, line);
		line += len + 1;
	}
}

/* What the scheduler's choosing costs on each CPU, with how many entries
 * it has to look at: the figure that says whether a switch stays cheap
 * as partitions grow. */
static void scheduler_costs(void)
{
	for (unsigned i = 0; i < pcpu_count; i++) {
		const struct pcpu *c = &pcpus[i];
		if (!c->sched_steps)
			continue;
		unsigned long long tenths = c->sched_looks * 10 / c->sched_steps;
		console_printf("solo: cpu%u scheduler: %llu steps, %llu TSC ticks each to choose, "
		               "%u entries queued, %llu.%llu looked at a step\n",
		               c->index, (unsigned long long)c->sched_steps,
		               (unsigned long long)(c->sched_ticks / c->sched_steps),
		               c->run_queue_length, tenths / 10, tenths % 10);
	}
}

/* Free pages as a user means it: idle templates are a cache that a
 * start short of memory frees first, so their pages count as free. */
static uint64_t available_pages(void)
{
	return page_alloc_free_pages() + template_idle_pages();
}

static void stats(void)
{
	uint64_t total[EXIT_REASON_COUNT] = {0}, all = 0;
	char counts[CONSOLE_LINE_MAX];
	console_printf("solo: free pages: %llu (%llu before any partition)\n",
	               (unsigned long long)available_pages(), (unsigned long long)baseline);
	for (unsigned i = 0; i < slot_count; i++) {
		const struct partition *p = slots[i].partition;
		uint64_t overhead = is_running(&slots[i]) ? partition_overhead_bytes(p) : 0;
		console_printf("solo: [%s] solo's memory for it: %llu KiB\n", slots[i].spec.name,
		               (unsigned long long)(overhead / 1024));
		if (is_running(&slots[i])) {
			uint64_t pages = p->ram_size / PAGE_SIZE;
			uint64_t own = p->template ? p->private_pages : pages;
			console_printf("solo: [%s] RAM: %llu private pages, %llu shared with its "
			               "template\n",
			               slots[i].spec.name, (unsigned long long)own,
			               (unsigned long long)(pages - own));
		}
		uint64_t mine[EXIT_REASON_COUNT], exits;
		partition_exit_totals(p, mine, &exits);
		all += exits;
		for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
			total[r] += mine[r];
	}
	console_printf("solo: exits, all partitions (current or last run): %llu: %s\n",
	               (unsigned long long)all, format_exit_counts(total, counts, sizeof(counts)));
	for (unsigned i = 0; i < template_count(); i++) {
		const struct template *t = template_at(i);
		console_printf("solo: template %u: %llu MiB, %u clones started, %u running\n", i,
		               (unsigned long long)(t->ram_size / MIB), t->clones_started,
		               t->clones_running);
	}
	struct page_pool_stats pool = page_pool_stats();
	console_printf("solo: clone pages: %llu in use, %llu free in the pool\n",
	               (unsigned long long)pool.in_use, (unsigned long long)pool.free);
	scheduler_costs();
}

/* What the partition boots, as SHA-256 digests (docs/verified-launch.md). */
static void attest(const struct partition_slot *s)
{
	const struct partition_measurements *m = &s->measurements;
	for (unsigned i = 0; i < MEASUREMENT_COUNT; i++) {
		char hex[65];
		for (unsigned j = 0; j < 32; j++)
			snprintf(hex + 2 * j, 3, "%02x", m->digest[i][j]);
		const char *what = i == MEASUREMENT_INITRD && !s->spec.initrd ? "none"
		                   : m->known[i]                              ? hex
		                                 : "not measured (an unverified build)";
		console_printf("solo: [%s] %-8s %s%s\n", s->spec.name, measurement_name(i),
		               m->known[i] ? "sha256:" : "", what);
	}
}

/* The slot's home CPU is to look at its requests: now, not at its next
 * poll (it may be asleep or in a guest). */
static void tell_home(const struct partition_slot *s)
{
	sched_notice_post(&s->spec.notices[0]);
	cpu_kick(s->spec.cpus[0]);
}

/* Stop, kill and start are requests the slot's own CPU acts on between
 * slices; the outcome ("[name] asked to shut down", "[name] stopped: ...")
 * comes from there. */
static void request(const struct console_command *c, struct partition_slot *s)
{
	if (s->spec.cpus[0] == PLACEMENT_NONE) {
		console_printf("solo: [%s] has no CPU to run on\n", s->spec.name);
		return;
	}
	if (shutting_down) {
		console_printf("solo: error: the machine is shutting down\n");
		return;
	}
	if ((c->verb == CONSOLE_STOP || c->verb == CONSOLE_KILL) && s->state == SLOT_DONE) {
		console_printf("solo: [%s] is not running\n", s->spec.name);
		return;
	}
	if (c->verb == CONSOLE_KILL) {
		s->kill_requested = 1;
		tell_home(s);
		all_ended_reported = 0;
		console_printf("solo: [%s] kill requested\n", s->spec.name);
		return;
	}
	if (c->verb == CONSOLE_START && s->state != SLOT_DONE) {
		console_printf("solo: [%s] is already %s\n", s->spec.name, slot_state_name(s));
		return;
	}
	if (c->verb != CONSOLE_START)
		s->stop_requested = 1;
	if (c->verb != CONSOLE_STOP)
		s->start_requested = 1;
	tell_home(s);
	all_ended_reported = 0;
	console_printf("solo: [%s] %s requested\n", s->spec.name,
	               c->verb == CONSOLE_STOP    ? "stop"
	               : c->verb == CONSOLE_START ? "start"
	                                          : "restart");
}

/* Every partition is asked to shut down at once, each by its own CPU;
 * console_poll halts the machine when all have ended. */
static void shutdown(void)
{
	unsigned asked = 0;
	shutting_down = true;
	shutdown_tsc = cpu_rdtsc();
	for (unsigned i = 0; i < slot_count; i++) {
		struct partition_slot *s = &slots[i];
		s->start_requested = 0;
		if (s->spec.cpus[0] == PLACEMENT_NONE || s->state == SLOT_DONE)
			continue;
		stopped_by_shutdown[i] = true;
		s->stop_requested = 1;
		tell_home(s);
		asked++;
	}
	all_ended_reported = 0;
	console_printf("solo: shutdown: stopping %u partition%s\n", asked, asked == 1 ? "" : "s");
}

/* The end of a shutdown: one summary line, then every CPU halts. */
static __attribute__((noreturn)) void finish_shutdown(void)
{
	unsigned stopped = 0, forced = 0;
	for (unsigned i = 0; i < slot_count; i++) {
		if (!stopped_by_shutdown[i])
			continue;
		stopped++;
		forced += slots[i].stop_outcome == STOP_FORCED;
	}
	uint64_t took = cpu_rdtsc() - shutdown_tsc;
	template_reclaim_idle(); /* nothing will start again */
	page_pool_release();
	console_printf(
	    "solo: shutdown: %u partition%s stopped (%u when asked, %u by force) in %llu "
	    "ms; free pages: %llu (%llu before); halting\n",
	    stopped, stopped == 1 ? "" : "s", stopped - forced, forced,
	    (unsigned long long)(hz ? took * 1000 / hz : 0),
	    (unsigned long long)page_alloc_free_pages(), (unsigned long long)baseline);
	scheduler_halt_all();
	for (unsigned i = 0; i < pcpu_count; i++)
		if (&pcpus[i] != this_cpu())
			cpu_kick(i);
	console_flush();
	cpu_halt_forever();
}

static void run(const char *line)
{
	struct console_command c;
	console_printf("solo> %s\n", line);
	const char *error = console_command_parse(line, &c);
	if (error) {
		console_printf("solo: error: %s\n", error);
		return;
	}
	if (c.verb == CONSOLE_LIST) {
		list();
	} else if (c.verb == CONSOLE_STATS) {
		stats();
	} else if (c.verb == CONSOLE_NET) {
		net();
	} else if (c.verb == CONSOLE_SHUTDOWN) {
		if (shutting_down)
			console_printf("solo: error: the machine is shutting down\n");
		else
			shutdown();
	} else if (c.verb == CONSOLE_HELP) {
		for (const char *const *h = console_command_help; *h; h++)
			console_printf("solo: %s\n", *h);
	} else {
		struct partition_slot *s = find(c.name);
		if (!s)
			console_printf("solo: error: no partition named '%s'\n", c.name);
		else if (c.verb == CONSOLE_LOG)
			show_log(s);
		else if (c.verb == CONSOLE_ATTEST)
			attest(s);
		else
			request(&c, s);
	}
}

/* Every CPU that runs partitions has seen all of its own end, and no
 * request is still on its way to one. */
static bool all_ended(void)
{
	for (unsigned i = 0; i < slot_count; i++)
		if (slots[i].start_requested || slots[i].stop_requested)
			return false;
	for (unsigned i = 0; i < pcpu_count; i++)
		if (pcpus[i].state == PCPU_SELFTEST_DONE && !pcpus[i].run_queue_done)
			return false;
	return true;
}

void console_poll(void)
{
	uint8_t byte;
	/* A bounded batch: the UART's FIFO, so typing cannot starve guests. */
	for (int i = 0; i < 16 && serial_read_byte(&byte); i++) {
		enum console_line_event e = console_line_feed(&input, byte);
		if (e == CONSOLE_LINE_READY)
			run(input.text);
		else if (e == CONSOLE_LINE_TOO_LONG)
			console_printf("solo: error: line longer than %u characters\n",
			               CONSOLE_INPUT_MAX);
	}
	if (!all_ended_reported && all_ended()) {
		if (shutting_down)
			finish_shutdown();
		/* Nothing runs: the clones' pool gives its runs back; idle
		 * templates stay, so the next start is still a clone. */
		page_pool_release();
		all_ended_reported = 1;
		console_printf("solo: all partitions have ended; free pages: %llu (%llu before)\n",
		               (unsigned long long)available_pages(), (unsigned long long)baseline);
		scheduler_costs();
		if (template_count())
			console_printf(
			    "solo: %u template%s kept for the next starts: %llu of those "
			    "pages, freed when a start needs them\n",
			    template_count(), template_count() == 1 ? "" : "s",
			    (unsigned long long)template_idle_pages());
		console_printf("solo: console ready (type help)\n");
	}
}

/*
 * A partition's life as its home CPU (the CPU of its vCPU 0) carries it
 * out for the scheduler: the console's stop, kill and start requests,
 * a stop's grace period and the end by force after it, taking an ended
 * partition down with its report, and building it again, at once, after
 * its restart policy's backoff, or never.
 */
#include "core/slot_lifecycle.h"

#include "arch/cpu.h"
#include "core/linux_partition.h"
#include "core/partition.h"
#include "core/partition_ipi.h"
#include "core/pcpu.h"
#include "core/restart_policy.h"
#include "core/template.h"
#include "lib/console.h"

static bool ended_in_failure(const struct partition *p)
{
	return p->state == PARTITION_CRASHED || (p->has_exit_status && p->exit_status != 0);
}

/* How a stop the guest was asked for ended. Its init kills the command
 * when stop_timeout is over, so an end that late was forced, whoever
 * reported it; solo's own forced end says so in its reason. */
static void report_stop(struct partition_slot *slot, uint64_t tsc_hz)
{
	slot->stopping = false;
	if (slot->stop_outcome == STOP_FORCED)
		return;
	uint64_t took = cpu_rdtsc() - slot->stop_asked_tsc;
	unsigned long long ms = tsc_hz ? took * 1000 / tsc_hz : 0;
	if (took < slot->stop_timeout_s * tsc_hz) {
		slot->stop_outcome = STOP_GRACEFUL;
		console_printf("solo: [%s] shut down when asked, in %llu ms\n", slot->spec.name,
		               ms);
		return;
	}
	slot->stop_outcome = STOP_FORCED;
	console_printf("solo: [%s] did not shut down within its stop_timeout of %u s: ended by "
	               "force, in %llu ms\n",
	               slot->spec.name, slot->stop_timeout_s, ms);
}

/* The partition ended and all its vCPUs have left: report, free, and
 * decide about a restart (none when the console stopped it). */
void slot_retire(struct partition_slot *slot, uint64_t tsc_hz)
{
	bool by_console = slot->stopped_by_console;
	struct partition *p = slot->partition;
	char policy[24];
	linux_partition_report(p, tsc_hz);
	if (slot->stopping)
		report_stop(slot, tsc_hz);
	bool failed = ended_in_failure(p);
	partition_destroy(p);
	struct restart_decision next = restart_decide(&slot->policy, failed, slot->restarts);
	if (!next.restart || by_console) {
		if (slot->policy.mode != CONFIG_RESTART_NO && !by_console)
			console_printf(
			    "solo: [%s] not restarted (restart policy %s, %u restart%s so "
			    "far)\n",
			    slot->spec.name,
			    restart_policy_describe(&slot->policy, policy, sizeof(policy)),
			    slot->restarts, slot->restarts == 1 ? "" : "s");
		slot->state = SLOT_DONE;
		return;
	}
	slot->restarts++;
	console_printf("solo: [%s] restarting in %llu ms (restart %u, policy %s)\n",
	               slot->spec.name, (unsigned long long)next.delay_ms, slot->restarts,
	               restart_policy_describe(&slot->policy, policy, sizeof(policy)));
	slot->state = SLOT_BACKOFF;
	slot->wake_tsc = cpu_rdtsc() + next.delay_ms * (tsc_hz / 1000);
}

/* Builds the partition afresh (as a clone of its template where it
 * can, template.h), or leaves it waiting for its template; false (and
 * done) if it cannot be. */
bool slot_recreate(struct partition_slot *s, const char *failure)
{
	char err[160];
	s->stopped_by_console = false;
	/* Read before asking: a template made meanwhile changes it, and the
	 * slot asks again (tend). */
	s->templates_asked = template_generation();
	switch (linux_partition_launch(s->partition, &s->spec, err, sizeof(err))) {
	case PARTITION_LAUNCH_BUILT:
		s->state = SLOT_CREATED;
		return true;
	case PARTITION_LAUNCH_WAITING:
		s->state = SLOT_WAITING;
		return true;
	case PARTITION_LAUNCH_FAILED:
		break;
	}
	console_printf("solo: [%s] %s: %s\n", s->spec.name, failure, err);
	s->state = SLOT_DONE;
	return false;
}

/* A running partition is asked to shut down, and given its stop timeout
 * (plus the margin) before stop_running ends it by force. With no
 * timeout, or no room on its control line, it ends now. */
static void ask_to_stop(struct partition_slot *s, uint64_t now, uint64_t tsc_hz)
{
	struct partition *p = s->partition;
	s->stopped_by_console = true;
	s->stop_outcome = STOP_NONE;
	if (s->stop_timeout_s && partition_ask_to_stop(p, false)) {
		uint32_t wait = s->stop_timeout_s + STOP_FORCE_MARGIN_S;
		s->stopping = true;
		s->stop_asked_tsc = now;
		s->stop_resend_tsc = now + tsc_hz;
		s->stop_deadline_tsc = now + wait * tsc_hz;
		console_printf(
		    "solo: [%s] asked to shut down; ended by force in %u s if it has not\n",
		    s->spec.name, wait);
		return;
	}
	partition_end(p, PARTITION_STOPPED, "by the console");
	partition_alert_all(p);
}

/* A stop under way: each second the request again if it was lost (a
 * guest that had not opened its control line yet drops what came
 * before), and the end by force at the deadline. */
static void tend_stop(struct partition_slot *s, uint64_t now, uint64_t tsc_hz)
{
	struct partition *p = s->partition;
	if (now >= s->stop_deadline_tsc) {
		s->stop_outcome = STOP_FORCED;
		partition_end(p, PARTITION_STOPPED,
		              "by the console, by force: no shutdown within %u s",
		              s->stop_timeout_s + STOP_FORCE_MARGIN_S);
		partition_alert_all(p);
	} else if (now >= s->stop_resend_tsc) {
		partition_ask_to_stop(p, true);
		s->stop_resend_tsc = now + tsc_hz;
	}
}

/* Carries out what the management console asked of a partition this
 * CPU is home to: a stop asks a running partition to shut down (no
 * restart after it), a kill ends it where it stands, a start builds an
 * ended one afresh. run_queue_done drops before a start request is
 * cleared, so the console never sees every CPU idle in between. */
void slot_take_requests(struct pcpu *cpu, struct partition_slot *s, uint64_t now, uint64_t tsc_hz)
{
	struct partition *p = s->partition;
	bool running = s->state == SLOT_RUNNABLE && !p->ended;
	if (s->kill_requested) {
		s->kill_requested = 0;
		if (running) {
			s->stopped_by_console = true;
			s->stop_outcome = STOP_FORCED;
			partition_end(p, PARTITION_STOPPED, "killed by the console");
			partition_alert_all(p);
			running = false;
		} else if (s->state != SLOT_DONE && s->state != SLOT_RUNNABLE) {
			s->stop_requested = 1; /* nothing runs: the same as a stop */
		}
	}
	if (s->stop_requested) {
		if (running) {
			if (!s->stopping)
				ask_to_stop(s, now, tsc_hz);
		} else if (s->state == SLOT_RUNNABLE) {
			/* Ending already: it leaves without a restart. */
			s->stopped_by_console = true;
		} else if (s->state != SLOT_DONE) {
			/* Not started yet, or waiting out a backoff: there
			 * is no vCPU to stop, only memory to give back. */
			if (s->state == SLOT_CREATED)
				partition_destroy(p);
			partition_end(p, PARTITION_STOPPED, "by the console");
			console_printf("solo: [%s] stopped by the console before it ran\n",
			               s->spec.name);
			s->state = SLOT_DONE;
		}
		s->stop_requested = 0;
	}
	if (s->start_requested) {
		cpu->run_queue_done = 0;
		/* A restart's stop takes effect once every vCPU has
		 * left: the start waits for that (the leaving vCPU's
		 * notice brings it back here). */
		bool ending = s->state == SLOT_RUNNABLE && (p->ended || s->stopping);
		if (s->state == SLOT_DONE)
			slot_recreate(s, "not started");
		if (!ending)
			s->start_requested = 0;
	}
	if (s->stopping && s->state == SLOT_RUNNABLE && !p->ended)
		tend_stop(s, now, tsc_hz);
}

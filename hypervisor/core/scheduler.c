/*
 * Round-robin scheduling of one-vCPU partitions on a physical CPU. Every
 * partition stays on the CPU it was placed on, so its VMCS stays launched
 * there; switching between them is vcpu_context_load/save.
 */
#include "arch/cpu.h"
#include "core/linux_partition.h"
#include "core/partition.h"
#include "core/pcpu.h"
#include "core/restart_policy.h"
#include "core/scheduler.h"
#include "core/vcpu_context.h"
#include "core/vcpu_run.h"
#include "core/vcpu_events.h"
#include "lib/console.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_cpu.h"

#define MISC_ACTIVITY_HLT (1ULL << 6)

static bool ended_in_failure(const struct partition *p)
{
	return p->state == PARTITION_CRASHED || (p->has_exit_status && p->exit_status != 0);
}

/* The partition ended: report, free, and decide about a restart (none
 * when the console stopped it). */
static void retire(struct partition_slot *slot, uint64_t tsc_hz)
{
	bool by_console = slot->stop_requested;
	struct partition *p = slot->partition;
	char policy[24];
	linux_partition_report(p, tsc_hz);
	bool failed = ended_in_failure(p);
	partition_destroy(p);
	struct restart_decision next = restart_decide(&slot->policy, failed, slot->restarts);
	if (!next.restart || by_console) {
		if (slot->policy.mode != CONFIG_RESTART_NO && !by_console)
			console_printf("solo: [%s] not restarted (restart policy %s, %u restart%s so "
				       "far)\n",
				       slot->spec.name,
				       restart_policy_describe(&slot->policy, policy, sizeof(policy)),
				       slot->restarts, slot->restarts == 1 ? "" : "s");
		slot->state = SLOT_DONE;
		return;
	}
	slot->restarts++;
	console_printf("solo: [%s] restarting in %llu ms (restart %u, policy %s)\n", slot->spec.name,
		       (unsigned long long)next.delay_ms, slot->restarts,
		       restart_policy_describe(&slot->policy, policy, sizeof(policy)));
	slot->state = SLOT_BACKOFF;
	slot->wake_tsc = cpu_rdtsc() + next.delay_ms * (tsc_hz / 1000);
}

/* Carries out what the management console asked of this CPU's slots:
 * a stop ends the partition where it stands (no restart), a start builds
 * an ended one afresh. run_queue_done drops before a start request is
 * cleared, so the console never sees every CPU idle in between. */
static void take_requests(struct pcpu *cpu, uint64_t tsc_hz)
{
	char err[160];
	for (unsigned i = 0; i < cpu->run_queue_length; i++) {
		struct partition_slot *s = cpu->run_queue[i];
		struct partition *p = s->partition;
		if (s->stop_requested) {
			if (s->state == SLOT_RUNNABLE || s->state == SLOT_HALTED) {
				partition_end(p, PARTITION_STOPPED, "by the console");
				retire(s, tsc_hz);
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
			if (s->state == SLOT_DONE) {
				if (linux_partition_create(p, &s->spec, err, sizeof(err)))
					s->state = SLOT_CREATED;
				else
					console_printf("solo: [%s] not started: %s\n", s->spec.name,
						       err);
			}
			s->start_requested = 0;
		}
	}
}

/* Moves sleeping slots whose time has come back to work. */
static void wake_due(struct pcpu *cpu, uint64_t now)
{
	char err[160];
	for (unsigned i = 0; i < cpu->run_queue_length; i++) {
		struct partition_slot *s = cpu->run_queue[i];
		struct vcpu *v = &s->partition->vcpu;
		if (s->state == SLOT_HALTED) {
			x2apic_timer_update(&v->apic, now);
			if (x2apic_pending_vector(&v->apic) >= 0 || !v->apic.timer_deadline)
				s->state = SLOT_RUNNABLE;
		} else if (s->state == SLOT_BACKOFF && now >= s->wake_tsc) {
			if (linux_partition_create(s->partition, &s->spec, err, sizeof(err))) {
				s->state = SLOT_CREATED;
			} else {
				console_printf("solo: [%s] not restarted: %s\n", s->spec.name, err);
				s->state = SLOT_DONE;
			}
		}
	}
}

/* The earliest time a sleeping slot wants the CPU back. */
static uint64_t next_wake(const struct pcpu *cpu)
{
	uint64_t earliest = UINT64_MAX;
	for (unsigned i = 0; i < cpu->run_queue_length; i++) {
		const struct partition_slot *s = cpu->run_queue[i];
		uint64_t t = s->state == SLOT_BACKOFF ? s->wake_tsc
			     : s->state == SLOT_HALTED ? s->partition->vcpu.apic.timer_deadline
						       : UINT64_MAX;
		if (t < earliest)
			earliest = t;
	}
	return earliest;
}

static unsigned count_active(const struct pcpu *cpu)
{
	unsigned active = 0;
	for (unsigned i = 0; i < cpu->run_queue_length; i++)
		active += cpu->run_queue[i]->state != SLOT_DONE;
	return active;
}

static int pick(const struct pcpu *cpu, unsigned from)
{
	unsigned n = cpu->run_queue_length;
	for (unsigned k = 0; k < n; k++) {
		unsigned i = (from + k) % n;
		enum slot_state st = cpu->run_queue[i]->state;
		if (st == SLOT_RUNNABLE || st == SLOT_CREATED)
			return (int)i;
	}
	return -1;
}

static struct partition_slot *earliest_halted(const struct pcpu *cpu)
{
	struct partition_slot *best = 0;
	for (unsigned i = 0; i < cpu->run_queue_length; i++) {
		struct partition_slot *s = cpu->run_queue[i];
		if (s->state == SLOT_HALTED &&
		    (!best || s->partition->vcpu.apic.timer_deadline <
				  best->partition->vcpu.apic.timer_deadline))
			best = s;
	}
	return best;
}

/* Every partition on this CPU sleeps. Where the CPU can enter a guest in
 * the HLT activity state, one halted vCPU is entered that way with the
 * preemption timer at the first wake-up, so the CPU idles in hardware;
 * otherwise solo waits for that moment itself. */
static void idle(struct pcpu *cpu, uint64_t tsc_hz, uint64_t poll)
{
	uint64_t until = next_wake(cpu);
	uint64_t latest = cpu_rdtsc() + poll;
	if (until > latest)
		until = latest; /* wake up in time to see console requests */
	struct partition_slot *h = earliest_halted(cpu);
	if (h && until != UINT64_MAX && (vmx_caps.misc & MISC_ACTIVITY_HLT)) {
		struct vcpu *v = &h->partition->vcpu;
		if (vcpu_context_load(v)) {
			vmcs_write32(GUEST_ACTIVITY_STATE, ACTIVITY_HLT);
			enum vcpu_stop stop = vcpu_run_slice(v, until, false);
			/* Still halted (nothing was injected): leave it active
			 * past its HLT, as a spurious wake-up, so it never
			 * enters in HLT later with nothing to wake it. */
			if (vmcs_read32(GUEST_ACTIVITY_STATE) == ACTIVITY_HLT)
				vmcs_write32(GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
			vcpu_context_save(v);
			if (stop == VCPU_ENDED)
				retire(h, tsc_hz);
			return;
		}
	}
	while (until != UINT64_MAX && cpu_rdtsc() < until)
		cpu_pause();
}

void scheduler_run(struct pcpu *cpu, const struct vmx_bitmaps *bitmaps, uint64_t tsc_hz)
{
	uint64_t slice = tsc_hz / 1000000 * SCHED_SLICE_US;
	/* The console's CPU looks at the serial port every slice; the others
	 * only need to see its requests. */
	uint64_t poll = cpu->between_slices ? slice : tsc_hz / 1000000 * SCHED_REQUEST_POLL_US;
	unsigned next = 0;
	for (;;) {
		if (cpu->between_slices)
			cpu->between_slices();
		take_requests(cpu, tsc_hz);
		uint64_t now = cpu_rdtsc();
		wake_due(cpu, now);
		unsigned active = count_active(cpu);
		if (!active) {
			cpu->run_queue_done = 1;
			cpu_pause();
			continue;
		}
		cpu->run_queue_done = 0;
		int chosen = pick(cpu, next);
		if (chosen < 0) {
			idle(cpu, tsc_hz, poll);
			continue;
		}
		struct partition_slot *s = cpu->run_queue[chosen];
		struct vcpu *v = &s->partition->vcpu;
		next = (unsigned)chosen + 1;
		if (s->state == SLOT_CREATED) {
			if (!linux_partition_start(s->partition, cpu, bitmaps, tsc_hz)) {
				retire(s, tsc_hz);
				continue;
			}
			s->state = SLOT_RUNNABLE;
		}
		if (!vcpu_context_load(v)) {
			partition_end(s->partition, PARTITION_CRASHED, "VMPTRLD of its VMCS failed");
			retire(s, tsc_hz);
			continue;
		}
		/* Alone on its CPU a partition still gets long slices, never an
		 * endless one, so that this loop sees console requests. */
		enum vcpu_stop stop =
		    vcpu_run_slice(v, cpu_rdtsc() + (active == 1 ? poll : slice), false);
		vcpu_context_save(v);
		if (stop == VCPU_ENDED)
			retire(s, tsc_hz);
		else if (stop == VCPU_HALTED)
			s->state = SLOT_HALTED;
	}
}

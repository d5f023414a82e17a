/*
 * Round-robin scheduling of vCPUs on a physical CPU. Every vCPU stays on
 * the CPU it was placed on, so its VMCS stays launched there; switching
 * between them is vcpu_context_load/save.
 *
 * A partition's vCPUs may be spread over several CPUs. The CPU of its
 * vCPU 0 (its home) owns the partition's life: it creates it, carries out
 * the console's requests, and takes it down and restarts it (how, in
 * core/slot_lifecycle.c). The others only run their vCPU: set it up when
 * its start-up IPI came, and leave the partition when it has ended. The
 * partition is taken down once the count of vCPUs still on a CPU
 * (vcpus_active) drops to zero; CPUs tell each other about endings,
 * start-ups and interrupts with a notice and a kick.
 *
 * A step costs the same with 5 entries or 500: it looks only at the
 * entries noticed (struct sched_notice) or whose time came (the timer
 * heap), and picks from a ready bitmap (pcpu.h).
 */
#include "arch/cpu.h"
#include "arch/lapic.h"
#include "core/linux_partition.h"
#include "core/partition.h"
#include "core/partition_ipi.h"
#include "core/pcpu.h"
#include "core/scheduler.h"
#include "core/slot_lifecycle.h"
#include "core/template.h"
#include "core/vcpu_context.h"
#include "core/vcpu_events.h"
#include "core/vcpu_run.h"
#include "lib/console.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx_cpu.h"

#define MISC_ACTIVITY_HLT (1ULL << 6)

static uint32_t slice_us = SCHED_SLICE_US;
static volatile int halting;

void scheduler_set_timeslice(uint32_t microseconds)
{
	slice_us = microseconds;
}

static struct vcpu *entry_vcpu(const struct run_entry *e)
{
	return &e->slot->partition->vcpus[e->vcpu];
}

static bool is_home(const struct run_entry *e)
{
	return e->vcpu == 0;
}

static int run_state(const struct vcpu *v)
{
	return __atomic_load_n(&v->run_state, __ATOMIC_SEQ_CST);
}

/* The vCPU leaves this CPU for good: its VMCS goes (VMCLEAR, here where
 * it was current), this CPU forgets the partition's EPT translations (its
 * tables may be reused), and the home CPU hears of it. */
static void leave(struct vcpu *v)
{
	struct partition *p = v->partition;
	vmcs_destroy(v);
	vmx_invept(2, 0);
	__atomic_store_n(&v->run_state, VCPU_STATE_OFF, __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&p->vcpus_active, 1, __ATOMIC_SEQ_CST);
	vcpu_alert(&p->vcpus[0]);
}

/* Whether a halted vCPU has something to wake up for. It halted with no
 * interrupt it could take (exit_hlt), so only an interrupt posted since
 * (another CPU's, with a kick) or its timer's deadline can wake it: the
 * common case, nothing of either, costs two loads, not a look at its
 * APIC, for every sleeping vCPU at every scheduler step. */
static bool wakes(struct vcpu *v, uint64_t now)
{
	if (v->parked)
		return false;
	bool due = v->halt_deadline && now >= v->halt_deadline;
	if (!due && !__atomic_load_n(&v->posted, __ATOMIC_SEQ_CST))
		return false;
	vcpu_take_posted(v);
	x2apic_timer_update(&v->apic, now);
	return x2apic_pending_vector(&v->apic) >= 0 ||
	       (v->halt_deadline && now >= v->halt_deadline);
}

/* recreate and retire, their time kept apart from the scheduler's own
 * (pcpu.h): building a partition, and taking one down with its report,
 * which waits on the serial port when the console's ring is full. */
static void timed_recreate(struct pcpu *cpu, struct partition_slot *s, const char *failure)
{
	uint64_t began = cpu_rdtsc();
	slot_recreate(s, failure);
	cpu->step_lifecycle_ticks += cpu_rdtsc() - began;
}

static void timed_retire(struct pcpu *cpu, struct partition_slot *s, uint64_t tsc_hz)
{
	uint64_t began = cpu_rdtsc();
	slot_retire(s, tsc_hz);
	cpu->step_lifecycle_ticks += cpu_rdtsc() - began;
}

/* Moves the entry along: a restart due, a partition whose template may
 * be there now built, its vCPU leaving if the partition ended or woken
 * if it sleeps, and the ended partition taken down once every vCPU has
 * left. */
static void tend(struct pcpu *cpu, struct run_entry *e, uint64_t now, uint64_t tsc_hz)
{
	struct partition_slot *s = e->slot;
	struct partition *p = s->partition;
	if (is_home(e) && s->state == SLOT_BACKOFF && now >= s->wake_tsc)
		timed_recreate(cpu, s, "not restarted");
	if (is_home(e) && s->state == SLOT_WAITING && s->templates_asked != template_generation())
		timed_recreate(cpu, s, "not started");
	if (is_home(e) ? s->state != SLOT_RUNNABLE && s->state != SLOT_CREATED
	               : s->state == SLOT_DONE)
		return;
	struct vcpu *v = entry_vcpu(e);
	int state = run_state(v);
	bool on_cpu = state == VCPU_STATE_STARTING || state == VCPU_STATE_RUNNABLE ||
	              state == VCPU_STATE_HALTED;
	if (on_cpu && __atomic_load_n(&p->ended, __ATOMIC_SEQ_CST))
		leave(v);
	else if (state == VCPU_STATE_HALTED && wakes(v, now))
		__atomic_store_n(&v->run_state, VCPU_STATE_RUNNABLE, __ATOMIC_SEQ_CST);
	if (is_home(e) && p->ended && !__atomic_load_n(&p->vcpus_active, __ATOMIC_SEQ_CST))
		timed_retire(cpu, s, tsc_hz);
}

/* When the entry next wants a look for a time of its own: the end of a
 * restart's backoff, a sleeping vCPU's timer deadline (one halted with
 * interrupts off has none that counts), a running partition's stop's
 * resend or deadline. A time already past would bring it back at every
 * step. */
static uint64_t wake_time(const struct run_entry *e)
{
	const struct partition_slot *s = e->slot;
	const struct vcpu *v = entry_vcpu(e);
	uint64_t t = WAKE_HEAP_NEVER;
	if (is_home(e) && s->state == SLOT_BACKOFF)
		t = s->wake_tsc;
	else if (run_state(v) == VCPU_STATE_HALTED && v->halt_deadline && !v->parked)
		t = v->halt_deadline;
	/* A stop is tended while the partition runs (tend_stop); once it
	 * has ended, its vCPUs' leaving brings the entry back. */
	if (is_home(e) && s->stopping && s->state == SLOT_RUNNABLE && !s->partition->ended) {
		if (s->stop_resend_tsc < t)
			t = s->stop_resend_tsc;
		if (s->stop_deadline_tsc < t)
			t = s->stop_deadline_tsc;
	}
	return t;
}

/* Something to do now or later: a partition this CPU is home to that
 * has not ended for good, or a vCPU set up here. */
static bool is_active(const struct run_entry *e)
{
	if (is_home(e))
		return e->slot->state != SLOT_DONE;
	return run_state(entry_vcpu(e)) >= VCPU_STATE_STARTING && e->slot->state != SLOT_DONE;
}

static bool wants_cpu(const struct run_entry *e)
{
	if (is_home(e) && e->slot->state != SLOT_RUNNABLE && e->slot->state != SLOT_CREATED)
		return false;
	int state = run_state(entry_vcpu(e));
	return (state == VCPU_STATE_STARTING || state == VCPU_STATE_RUNNABLE) &&
	       !e->slot->partition->ended;
}

static void set_bit_to(uint64_t *words, unsigned i, bool on)
{
	if (on)
		words[i / 64] |= 1ULL << (i % 64);
	else
		words[i / 64] &= ~(1ULL << (i % 64));
}

/* Files what the entry now is: ready or not, active or not, its time. */
static void file(struct pcpu *cpu, unsigned i)
{
	const struct run_entry *e = &cpu->run_queue[i];
	set_bit_to(cpu->ready, i, wants_cpu(e));
	set_bit_to(cpu->active, i, is_active(e));
	wake_heap_set(&cpu->wakes, i, wake_time(e));
}

struct sched_notice scheduler_notice_of(struct pcpu *cpu, unsigned entry)
{
	return (struct sched_notice){&cpu->noticed[entry / 64], 1ULL << (entry % 64)};
}

static void notice(struct pcpu *cpu, unsigned i)
{
	struct sched_notice n = scheduler_notice_of(cpu, i);
	sched_notice_post(&n);
}

static void notice_all(struct pcpu *cpu)
{
	for (unsigned i = 0; i < cpu->run_queue_length; i++)
		notice(cpu, i);
}

static void look_at(struct pcpu *cpu, unsigned i, uint64_t now, uint64_t tsc_hz)
{
	struct run_entry *e = &cpu->run_queue[i];
	cpu->sched_looks++;
	if (is_home(e))
		slot_take_requests(cpu, e->slot, now, tsc_hz);
	tend(cpu, e, now, tsc_hz);
	/* A restart whose stop has now taken effect: the start, next pass. */
	if (is_home(e) && e->slot->start_requested && e->slot->state == SLOT_DONE)
		notice(cpu, i);
	file(cpu, i);
}

/* Looks at the entries that asked for it, or whose time came: each once
 * a pass, and again in the next pass if looking at another noticed it
 * once more (a kill ends a partition, its vCPU leaves, its home retires
 * it). Everything, when a template may have been made or the sweep is
 * due. */
static void look_at_noticed(struct pcpu *cpu, uint64_t now, uint64_t tsc_hz)
{
	unsigned long templates = template_generation();
	if (templates != cpu->templates_seen || now >= cpu->next_sweep) {
		cpu->templates_seen = templates;
		cpu->next_sweep = now + tsc_hz / 1000000 * SCHED_SWEEP_US;
		notice_all(cpu);
	}
	int due;
	while ((due = wake_heap_take_due(&cpu->wakes, now)) >= 0)
		notice(cpu, (unsigned)due);
	for (unsigned pass = 0; pass < 8; pass++) {
		bool any = false;
		for (unsigned w = 0; w < PCPU_QUEUE_WORDS; w++) {
			uint64_t bits = __atomic_exchange_n(&cpu->noticed[w], 0, __ATOMIC_SEQ_CST);
			for (; bits; bits &= bits - 1) {
				unsigned i = w * 64 + (unsigned)__builtin_ctzll(bits);
				if (i < cpu->run_queue_length)
					look_at(cpu, i, now, tsc_hz);
				any = true;
			}
		}
		if (!any)
			return;
	}
}

static unsigned count_active(const struct pcpu *cpu)
{
	unsigned active = 0;
	for (unsigned w = 0; w < PCPU_QUEUE_WORDS; w++)
		active += (unsigned)__builtin_popcountll(cpu->active[w]);
	return active;
}

/* The first ready entry at or after `from`, round the queue. */
static int pick(const struct pcpu *cpu, unsigned from)
{
	if (from >= cpu->run_queue_length)
		from = 0;
	for (unsigned k = 0; k <= PCPU_QUEUE_WORDS; k++) {
		unsigned w = (from / 64 + k) % PCPU_QUEUE_WORDS;
		uint64_t bits = cpu->ready[w];
		if (k == 0)
			bits &= ~0ULL << (from % 64);
		if (bits)
			return (int)(w * 64 + (unsigned)__builtin_ctzll(bits));
	}
	return -1;
}

static struct vcpu *earliest_halted(const struct pcpu *cpu)
{
	struct vcpu *best = 0;
	for (unsigned i = 0; i < cpu->run_queue_length; i++) {
		const struct run_entry *e = &cpu->run_queue[i];
		struct vcpu *v = entry_vcpu(e);
		if (run_state(v) != VCPU_STATE_HALTED || e->slot->partition->ended)
			continue;
		uint64_t t = v->halt_deadline ? v->halt_deadline : UINT64_MAX;
		if (!best || t < (best->halt_deadline ? best->halt_deadline : UINT64_MAX))
			best = v;
	}
	return best;
}

/* After a run: what the vCPU's stop means for its scheduling. */
static void after_run(struct vcpu *v, enum vcpu_stop stop)
{
	if (stop == VCPU_ENDED) {
		partition_alert_all(v->partition);
		leave(v);
	} else if (stop == VCPU_HALTED) {
		__atomic_store_n(&v->run_state, VCPU_STATE_HALTED, __ATOMIC_SEQ_CST);
	}
}

/* Makes v the CPU's vCPU (vcpu_context_load), counting a switch when
 * another vCPU had the CPU since v last ran here. */
static bool load(struct pcpu *cpu, struct vcpu *v)
{
	if (cpu->last_loaded != v) {
		v->switches_in++;
		cpu->last_loaded = v;
	}
	return vcpu_context_load(v);
}

/* Nothing on this CPU wants to run: it sleeps until the first wake-up
 * or a kick. solo sleeps itself where its CPU has a TSC-deadline timer,
 * so an idle partition costs no VM exits at all; otherwise one halted
 * vCPU is entered in the HLT activity state with the preemption timer at
 * the first wake-up, and failing that solo waits in a loop. */
static void idle(struct pcpu *cpu, uint64_t poll)
{
	uint64_t until = wake_heap_earliest(&cpu->wakes);
	uint64_t latest = cpu_rdtsc() + poll;
	if (until > latest)
		until = latest; /* wake up in time to see console requests */
	if (lapic_sleep_until(until))
		return;
	struct vcpu *v = earliest_halted(cpu);
	if (v && (vmx_caps.misc & MISC_ACTIVITY_HLT)) {
		if (load(cpu, v)) {
			vmcs_write32(GUEST_ACTIVITY_STATE, ACTIVITY_HLT);
			enum vcpu_stop stop = vcpu_run_slice(v, until, false);
			bool still_halted = vmcs_read32(GUEST_ACTIVITY_STATE) == ACTIVITY_HLT;
			/* Still halted (nothing was injected): leave it active
			 * past its HLT, as a spurious wake-up, so it never
			 * enters in HLT later with nothing to wake it. */
			if (still_halted)
				vmcs_write32(GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
			vcpu_context_save(v);
			if (stop == VCPU_PREEMPTED && !still_halted) /* woken, it ran */
				__atomic_store_n(&v->run_state, VCPU_STATE_RUNNABLE,
				                 __ATOMIC_SEQ_CST);
			else
				after_run(v, stop);
			sched_notice_post(&v->notice);
			return;
		}
	}
	/* Without the HLT activity state a kick waits for this too. */
	while (cpu_rdtsc() < until)
		cpu_pause();
}

/* Sets up a vCPU whose turn it is for the first time. */
static bool start(struct pcpu *cpu, struct run_entry *e, const struct vmx_bitmaps *bitmaps,
                  uint64_t tsc_hz)
{
	struct vcpu *v = entry_vcpu(e);
	if (!linux_partition_start(e->slot->partition, e->vcpu, cpu, bitmaps, tsc_hz)) {
		after_run(v, VCPU_ENDED);
		return false;
	}
	if (is_home(e))
		e->slot->state = SLOT_RUNNABLE;
	__atomic_store_n(&v->run_state, VCPU_STATE_RUNNABLE, __ATOMIC_SEQ_CST);
	return true;
}

/* A step has chosen: its cost so far, but for building and taking down
 * partitions (their reports wait on the serial port when its ring is
 * full), is the scheduler's own. */
static void chosen_after(struct pcpu *cpu, uint64_t began)
{
	cpu->sched_ticks += cpu_rdtsc() - began - cpu->step_lifecycle_ticks;
	cpu->step_lifecycle_ticks = 0;
	cpu->sched_steps++;
}

void scheduler_halt_all(void)
{
	__atomic_store_n(&halting, 1, __ATOMIC_SEQ_CST);
}

void scheduler_step(struct pcpu *cpu, const struct vmx_bitmaps *bitmaps, uint64_t tsc_hz)
{
	if (__atomic_load_n(&halting, __ATOMIC_SEQ_CST)) {
		console_flush();
		cpu_halt_forever();
	}
	uint64_t slice = tsc_hz / 1000000 * slice_us;
	/* The console's CPU looks at the serial port every slice; the others
	 * only need to see its requests. */
	uint64_t poll = cpu->between_slices ? slice : tsc_hz / 1000000 * SCHED_REQUEST_POLL_US;
	/* Output waiting for the wire: back before the port's FIFO runs dry. */
	console_pump();
	uint64_t drained = tsc_hz / 1000000 * CONSOLE_FIFO_DRAIN_US;
	if (console_pending() && poll > drained)
		poll = drained;
	if (cpu->between_slices)
		cpu->between_slices();
	uint64_t began = cpu_rdtsc();
	look_at_noticed(cpu, began, tsc_hz);
	unsigned active = count_active(cpu);
	if (!active) {
		chosen_after(cpu, began);
		cpu->run_queue_done = 1;
		/* A start-up IPI or the console's start comes with a kick. */
		if (!lapic_sleep_until(cpu_rdtsc() + poll))
			cpu_pause();
		return;
	}
	cpu->run_queue_done = 0;
	int chosen = pick(cpu, cpu->next_entry);
	/* Another CPU may have ended its partition since it was filed. */
	while (chosen >= 0 && !wants_cpu(&cpu->run_queue[chosen])) {
		file(cpu, (unsigned)chosen);
		chosen = pick(cpu, (unsigned)chosen + 1);
	}
	if (chosen < 0) {
		chosen_after(cpu, began);
		idle(cpu, poll);
		return;
	}
	struct run_entry *e = &cpu->run_queue[chosen];
	struct vcpu *v = entry_vcpu(e);
	cpu->next_entry = (unsigned)chosen + 1;
	chosen_after(cpu, began);
	if (run_state(v) == VCPU_STATE_STARTING && !start(cpu, e, bitmaps, tsc_hz)) {
		notice(cpu, (unsigned)chosen);
		return;
	}
	if (!load(cpu, v)) {
		partition_end(v->partition, PARTITION_CRASHED, "VMPTRLD of its VMCS failed");
		after_run(v, VCPU_ENDED);
		notice(cpu, (unsigned)chosen);
		return;
	}
	/* Alone on its CPU a vCPU still gets long slices, never an endless
	 * one, so that this loop sees console requests. */
	enum vcpu_stop stop = vcpu_run_slice(v, cpu_rdtsc() + (active == 1 ? poll : slice), false);
	vcpu_context_save(v);
	after_run(v, stop);
	notice(cpu, (unsigned)chosen);
}

void scheduler_run(struct pcpu *cpu, const struct vmx_bitmaps *bitmaps, uint64_t tsc_hz)
{
	for (;;)
		scheduler_step(cpu, bitmaps, tsc_hz);
}

/*
 * Host tests for the per-CPU scheduler (hypervisor/core/scheduler.c),
 * driven one scheduler_step() at a time on two fake CPUs. What a vCPU
 * does in its slice is scripted (run on, halt, send a start-up IPI or a
 * fixed IPI, end its partition) through a fake vcpu_run_slice; partition
 * creation and teardown are fakes that count. Covered: round robin, a
 * halted vCPU left alone until its deadline or an interrupt, an SMP
 * partition started by SIPI, ended by one vCPU on another CPU and taken
 * down once both have left, restarts after the backoff, and the console's
 * stop (asking the guest, again each second, by force at the timeout),
 * kill, start and restart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/linux_partition.h"
#include "core/partition.h"
#include "core/partition_ipi.h"
#include "core/pcpu.h"
#include "core/scheduler.h"
#include "core/template.h"
#include "core/vcpu_context.h"
#include "core/vcpu_run.h"
#include "fake/console.h"
#include "fake/cpu.h"
#include "fake/kick.h"
#include "fake/lapic.h"
#include "fake/vmcs.h"
#include "vmx/vmcs_setup.h"
#include "lib/console.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmx_cpu.h"

#define TSC_HZ            1000000000ULL /* 1 ms = 1e6 ticks */
#define MS                (TSC_HZ / 1000)
#define MISC_ACTIVITY_HLT (1ULL << 6)

/* ---- scripted vCPUs ---------------------------------------------------- */

enum act { RUN, HALT, HALT_NO_TIMER, SIPI_TO_1, IPI_TO_1, CRASH, POWER_OFF };

#define SCRIPT_MAX 16
#define PARTS      96 /* most tests use two; one queues many */
static struct partition parts[PARTS];
static struct partition_slot slots[PARTS];
static struct pcpu cpus[2];
static enum act script[PARTS][PARTITION_MAX_VCPUS][SCRIPT_MAX]; /* RUN when exhausted */
static unsigned script_pos[PARTS][PARTITION_MAX_VCPUS];
static char ran[512];
static uint64_t last_slice; /* ticks from the start of the last slice to its end */
/* When set, what each vCPU does next, past its script (the random test). */
static enum act (*next_act)(unsigned partition);
static unsigned long slices_of[PARTS];
static unsigned creates, create_failures, starts, reports, destroys, vmcs_freed;
/* Launches that find the partition's template still being made, and
 * how many times a template was made (or its maker gone) since. */
static unsigned launch_waits;
static unsigned long templates_made;

unsigned long template_generation(void)
{
	return templates_made;
}
static unsigned asked_to_stop;
static bool control_line_full;

static enum vcpu_stop act_out(struct vcpu *v, enum act a)
{
	struct apic_ipi ipi = {.sender_id = v->apic.id, .dest = 1, .x2apic_format = true};
	switch (a) {
	case RUN:
		return VCPU_PREEMPTED;
	case HALT:
	case HALT_NO_TIMER:
		v->apic.svr |= 0x100; /* its guest enabled its APIC */
		v->halt_deadline = a == HALT ? fake_cpu.tsc + 5 * MS : 0;
		return VCPU_HALTED;
	case SIPI_TO_1:
		ipi.delivery_mode = APIC_DELIVERY_STARTUP;
		ipi.vector = 0x9a;
		partition_route_interrupt(v, &ipi);
		return VCPU_PREEMPTED;
	case IPI_TO_1:
		ipi.vector = 0x40;
		partition_route_interrupt(v, &ipi);
		return VCPU_PREEMPTED;
	case CRASH:
		partition_end(v->partition, PARTITION_CRASHED, "triple fault");
		return VCPU_ENDED;
	case POWER_OFF:
		partition_end(v->partition, PARTITION_STOPPED, "power-off");
		return VCPU_ENDED;
	}
	return VCPU_PREEMPTED;
}

enum vcpu_stop vcpu_run_slice(struct vcpu *v, uint64_t slice_end, bool alone)
{
	assert_false(alone);
	last_slice = slice_end - fake_cpu.tsc;
	unsigned p = (unsigned)(v->partition - parts), i = v->index;
	size_t used = strlen(ran);
	snprintf(ran + used, sizeof(ran) - used, "%s%u ", v->partition->name, i);
	enum act a = script_pos[p][i] < SCRIPT_MAX ? script[p][i][script_pos[p][i]++]
	             : next_act                    ? next_act(p)
	                                           : RUN;
	slices_of[p]++;
	vcpu_take_posted(v); /* as its entry does */
	return act_out(v, a);
}

/* ---- fakes for partition life and vCPU context ------------------------- */

bool linux_partition_create(struct partition *p, const struct linux_partition_spec *spec, char *err,
                            size_t errlen)
{
	creates++;
	if (create_failures) {
		create_failures--;
		snprintf(err, errlen, "not enough free memory");
		return false;
	}
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", spec->name);
	partition_init_vcpus(p, spec->vcpus, spec->cpus, spec->notices);
	return true;
}

enum partition_launch linux_partition_launch(struct partition *p,
                                             const struct linux_partition_spec *spec, char *err,
                                             size_t errlen)
{
	if (launch_waits) {
		launch_waits--;
		return PARTITION_LAUNCH_WAITING;
	}
	return linux_partition_create(p, spec, err, errlen) ? PARTITION_LAUNCH_BUILT
	                                                    : PARTITION_LAUNCH_FAILED;
}

bool linux_partition_start(struct partition *p, unsigned index, struct pcpu *cpu,
                           const struct vmx_bitmaps *bitmaps, uint64_t tsc_hz)
{
	(void)bitmaps;
	(void)tsc_hz;
	starts++;
	assert_int_equal(p->vcpus[index].pcpu_index, cpu->index);
	p->vcpus[index].vmcs = 0x1000 * (index + 1);
	if (index == 0)
		p->state = PARTITION_RUNNING;
	return true;
}

void linux_partition_report(struct partition *p, uint64_t tsc_hz)
{
	(void)tsc_hz;
	reports++;
	console_printf("[%s] %s: %s\n", p->name, partition_state_name(p->state), p->reason);
}

void partition_destroy(struct partition *p)
{
	destroys++;
	for (unsigned i = 0; i < p->vcpu_count; i++)
		assert_int_equal(p->vcpus[i].vmcs, 0); /* each CPU freed its own */
}

bool partition_ask_to_stop(struct partition *p, bool again)
{
	assert_false(p->ended);
	assert_int_equal(again, asked_to_stop > 0);
	asked_to_stop++;
	return !control_line_full;
}

void vmcs_destroy(struct vcpu *v)
{
	vmcs_freed += v->vmcs != 0;
	v->vmcs = 0;
}

bool vcpu_context_load(struct vcpu *v)
{
	return v->vmcs != 0;
}

void vcpu_context_save(struct vcpu *v)
{
	(void)v;
}

/* ---- set-up ------------------------------------------------------------ */

static int setup(void **state)
{
	(void)state;
	fake_cpu_reset();
	fake_vmcs_reset();
	fake_console_reset();
	fake_kick_reset();
	fake_lapic_reset();
	fake_cpu.tsc = 1000 * MS;
	fake_cpu.tsc_step = 1;
	memset(&vmx_caps, 0, sizeof(vmx_caps));
	vmx_caps.misc = MISC_ACTIVITY_HLT;
	memset(parts, 0, sizeof(parts));
	memset(slots, 0, sizeof(slots));
	memset(cpus, 0, sizeof(cpus));
	memset(script, 0, sizeof(script));
	memset(script_pos, 0, sizeof(script_pos));
	ran[0] = 0;
	next_act = 0;
	memset(slices_of, 0, sizeof(slices_of));
	creates = create_failures = starts = reports = destroys = vmcs_freed = 0;
	launch_waits = 0;
	asked_to_stop = 0;
	control_line_full = false;
	for (unsigned c = 0; c < 2; c++)
		cpus[c].index = c;
	return 0;
}

/* Partition n, named name, with one vCPU per entry of cpu_of. */
static void add(unsigned n, const char *name, enum config_restart mode, unsigned vcpus,
                const unsigned *cpu_of)
{
	struct partition_slot *s = &slots[n];
	s->spec.name = name;
	s->spec.vcpus = vcpus;
	s->policy.mode = mode;
	s->partition = &parts[n];
	for (unsigned v = 0; v < vcpus; v++) {
		s->spec.cpus[v] = cpu_of[v];
		struct pcpu *c = &cpus[cpu_of[v]];
		unsigned entry = c->run_queue_length++;
		c->run_queue[entry] = (struct run_entry){s, v};
		s->spec.notices[v] = scheduler_notice_of(c, entry);
	}
	char err[80];
	assert_true(linux_partition_create(&parts[n], &s->spec, err, sizeof(err)));
	s->state = SLOT_CREATED;
}

/* What the console does: a request on the slot, and a notice for its
 * home CPU (management_console.c). */
static void ask(struct partition_slot *s, volatile int *request)
{
	*request = 1;
	sched_notice_post(&s->spec.notices[0]);
}

static void step(unsigned cpu)
{
	scheduler_step(&cpus[cpu], NULL, TSC_HZ);
}

static void steps(unsigned cpu, unsigned n)
{
	while (n--)
		step(cpu);
}

static const unsigned ON_CPU0[2] = {0, 0};
static const unsigned SPREAD[2] = {0, 1};

/* ---- tests ------------------------------------------------------------- */

static void test_round_robin_between_partitions(void **state)
{
	(void)state;
	add(0, "a", CONFIG_RESTART_NO, 1, ON_CPU0);
	add(1, "b", CONFIG_RESTART_NO, 1, ON_CPU0);
	steps(0, 5);
	assert_string_equal(ran, "a0 b0 a0 b0 a0 ");
	/* Each turn is a switch: the other vCPU had the CPU in between. */
	assert_int_equal(parts[0].vcpus[0].switches_in, 3);
	assert_int_equal(parts[1].vcpus[0].switches_in, 2);
	assert_int_equal(starts, 2);
	assert_int_equal(slots[0].state, SLOT_RUNNABLE);
	assert_false(cpus[0].run_queue_done);
}

static void test_the_appliance_timeslice_sets_the_slice(void **state)
{
	(void)state;
	add(0, "a", CONFIG_RESTART_NO, 1, ON_CPU0);
	add(1, "b", CONFIG_RESTART_NO, 1, ON_CPU0);
	step(0);
	/* A few ticks pass between reading the TSC and the fake's. */
	assert_in_range(last_slice, SCHED_SLICE_US * (MS / 1000) - 10,
	                SCHED_SLICE_US * (MS / 1000));
	scheduler_set_timeslice(500);
	step(0);
	assert_in_range(last_slice, 500 * (MS / 1000) - 10, 500 * (MS / 1000));
	scheduler_set_timeslice(SCHED_SLICE_US);
}

static void test_halted_vcpu_waits_for_its_deadline(void **state)
{
	(void)state;
	add(0, "a", CONFIG_RESTART_NO, 1, ON_CPU0);
	add(1, "b", CONFIG_RESTART_NO, 1, ON_CPU0);
	script[0][0][0] = HALT; /* 5 ms */
	steps(0, 4);
	assert_string_equal(ran, "a0 b0 b0 b0 ");
	/* b keeps the CPU while a sleeps: one switch, not three. */
	assert_int_equal(parts[1].vcpus[0].switches_in, 1);
	fake_cpu.tsc += 5 * MS;
	steps(0, 2);
	assert_string_equal(ran, "a0 b0 b0 b0 a0 b0 ");
}

static void test_idle_cpu_sleeps_in_the_halted_vcpu(void **state)
{
	(void)state;
	add(0, "a", CONFIG_RESTART_NO, 1, ON_CPU0);
	script[0][0][0] = HALT;
	script[0][0][1] = HALT;
	step(0);
	/* Nothing runnable: the halted vCPU is entered in the HLT activity
	 * state (and halts again). */
	step(0);
	assert_string_equal(ran, "a0 a0 ");
	assert_true(fake_vmcs_writes(GUEST_ACTIVITY_STATE) >= 1);
}

static void test_idle_cpu_sleeps_itself_with_a_deadline_timer(void **state)
{
	(void)state;
	fake_lapic.can_sleep = true;
	add(0, "a", CONFIG_RESTART_NO, 1, ON_CPU0);
	script[0][0][0] = HALT; /* 5 ms */
	step(0);
	uint64_t deadline = parts[0].vcpus[0].halt_deadline;
	/* Nothing runnable: solo sleeps until the vCPU's deadline, without
	 * entering it (no VM exit for the wait), then runs it. */
	step(0);
	assert_int_equal(fake_lapic.sleeps, 1);
	assert_true(fake_cpu.tsc >= deadline);
	assert_string_equal(ran, "a0 ");
	assert_int_equal(fake_vmcs_writes(GUEST_ACTIVITY_STATE), 0);
	step(0);
	assert_string_equal(ran, "a0 a0 ");
}

static void test_sipi_starts_the_second_vcpu_and_an_ipi_wakes_it(void **state)
{
	(void)state;
	add(0, "s", CONFIG_RESTART_NO, 2, ON_CPU0);
	script[0][0][0] = RUN;
	script[0][0][1] = SIPI_TO_1;
	script[0][1][0] = HALT_NO_TIMER;
	steps(0, 2);
	assert_string_equal(ran, "s0 s0 ");
	assert_int_equal(parts[0].vcpus[1].run_state, VCPU_STATE_STARTING);
	assert_int_equal(parts[0].vcpus_active, 2);
	step(0); /* vCPU 1 is set up at its first turn, then halts */
	assert_int_equal(starts, 2);
	steps(0, 3);
	/* Halted with no timer: only an IPI wakes it. */
	assert_string_equal(ran, "s0 s0 s1 s0 s0 s0 ");
	script[0][0][5] = IPI_TO_1;
	fake_cpu.tsc += 1000 * MS;
	steps(0, 3);
	assert_string_equal(ran, "s0 s0 s1 s0 s0 s0 s0 s1 s0 ");
	assert_true(parts[0].vcpus[1].apic.irr[0x40 / 32] & (1u << (0x40 % 32)));
}

static void test_vcpu_on_another_cpu_ends_the_partition_then_restart(void **state)
{
	(void)state;
	add(0, "s", CONFIG_RESTART_ON_FAILURE, 2, SPREAD);
	slots[0].policy.max_retries = 1;
	script[0][0][0] = SIPI_TO_1;
	step(0);
	assert_int_equal(fake_kicks[1], 1); /* cpu1 told to look */
	/* cpu1 sets vCPU 1 up; it triple-faults at once. */
	script[0][1][0] = CRASH;
	step(1);
	assert_string_equal(ran, "s0 s1 ");
	assert_int_equal(parts[0].vcpus[1].run_state, VCPU_STATE_OFF);
	assert_int_equal(parts[0].vcpus_active, 1);
	assert_true(fake_kicks[0] >= 1); /* home told */
	assert_int_equal(reports, 0);    /* vCPU 0 is still on cpu0 */
	/* cpu0: vCPU 0 leaves without running again, the partition is
	 * reported and freed once, and with nothing else to run cpu0 waits
	 * out the backoff (a loop on the TSC, which the fake advances 1 ms a
	 * read). */
	fake_cpu.tsc_step = MS;
	uint64_t ended = fake_cpu.tsc;
	step(0);
	/* The backoff, and the step's own few reads of the clock. */
	assert_in_range(fake_cpu.tsc - ended, 99 * MS, 108 * MS);
	assert_int_equal(creates, 1);
	assert_string_equal(ran, "s0 s1 ");
	assert_int_equal(reports, 1);
	assert_int_equal(destroys, 1);
	assert_int_equal(vmcs_freed, 2);
	assert_int_equal(slots[0].state, SLOT_BACKOFF);
	assert_true(fake_console_contains("[s] crashed: triple fault\n"));
	assert_true(fake_console_contains("[s] restarting in 100 ms (restart 1"));
	steps(1, 2);
	assert_true(cpus[1].run_queue_done); /* nothing for it until a SIPI */
	/* Then the partition is built and started again. */
	step(0);
	assert_int_equal(creates, 2);
	assert_int_equal(starts, 3);
	assert_string_equal(ran, "s0 s1 s0 ");
	assert_int_equal(parts[0].vcpus[1].run_state, VCPU_STATE_WAIT_SIPI);
}

static void test_failed_re_creation_is_reported_once(void **state)
{
	(void)state;
	add(0, "a", CONFIG_RESTART_ALWAYS, 1, ON_CPU0);
	script[0][0][0] = CRASH;
	fake_cpu.tsc_step = MS;
	step(0);
	create_failures = 1;
	step(0); /* taken down, then the backoff waited out */
	assert_int_equal(slots[0].state, SLOT_BACKOFF);
	step(0);
	assert_int_equal(slots[0].state, SLOT_DONE);
	assert_int_equal(creates, 2);
	step(0);
	assert_true(fake_console_contains("[a] not restarted: not enough free memory\n"));
	assert_true(cpus[0].run_queue_done);
}

/* A restart whose template is still being made (by another partition
 * of its kind) waits, asking again only when a template was made or a
 * maker gone since it last asked, and runs once built; a stop meanwhile
 * ends it without a run. */
static void test_restart_waits_for_its_template(void **state)
{
	(void)state;
	add(0, "w", CONFIG_RESTART_ALWAYS, 1, ON_CPU0);
	script[0][0][0] = CRASH;
	fake_cpu.tsc_step = MS;
	templates_made = 0;
	step(0);
	launch_waits = 2;
	step(0); /* taken down, then the backoff waited out */
	assert_int_equal(slots[0].state, SLOT_BACKOFF);
	step(0); /* the restart asks: its template is being made */
	assert_int_equal(slots[0].state, SLOT_WAITING);
	assert_int_equal(launch_waits, 1);
	assert_false(cpus[0].run_queue_done); /* waiting is not done */
	step(0);
	step(0); /* nothing made meanwhile: it does not ask again */
	assert_int_equal(launch_waits, 1);
	assert_int_equal(slots[0].state, SLOT_WAITING);
	templates_made++;
	step(0); /* a template made (another kind's, say): it asks, and waits */
	assert_int_equal(launch_waits, 0);
	assert_int_equal(slots[0].state, SLOT_WAITING);
	assert_int_equal(creates, 1);
	templates_made++;
	step(0); /* its own made: built, and started in the same turn */
	assert_int_equal(creates, 2);
	assert_int_equal(slots[0].state, SLOT_RUNNABLE);
	assert_int_equal(starts, 2);

	add(1, "v", CONFIG_RESTART_NO, 1, ON_CPU0);
	slots[1].state = SLOT_WAITING;
	launch_waits = 100;
	ask(&slots[1], &slots[1].stop_requested);
	step(0);
	assert_int_equal(slots[1].state, SLOT_DONE);
	assert_true(fake_console_contains("[v] stopped by the console before it ran\n"));
}

static void test_console_stop_reaches_every_cpu_and_start_rebuilds(void **state)
{
	(void)state;
	add(0, "s", CONFIG_RESTART_ALWAYS, 2, SPREAD);
	script[0][0][0] = SIPI_TO_1;
	step(0);
	step(1);
	ask(&slots[0], &slots[0].stop_requested);
	step(0);
	assert_int_equal(parts[0].state, PARTITION_STOPPED);
	assert_int_equal(slots[0].state, SLOT_RUNNABLE); /* vCPU 1 is still on cpu1 */
	assert_false(slots[0].stop_requested);
	step(1);
	step(0);
	assert_int_equal(slots[0].state, SLOT_DONE);
	assert_true(fake_console_contains("[s] stopped: by the console\n"));
	assert_false(fake_console_contains("restarting"));
	assert_int_equal(reports, 1);
	ask(&slots[0], &slots[0].start_requested);
	step(0);
	assert_int_equal(creates, 2);
	assert_int_equal(slots[0].state, SLOT_RUNNABLE);
	assert_false(slots[0].start_requested);
}

static void test_console_restart_waits_for_the_vcpus_to_leave(void **state)
{
	(void)state;
	add(0, "s", CONFIG_RESTART_NO, 2, SPREAD);
	script[0][0][0] = SIPI_TO_1;
	step(0);
	step(1);
	ask(&slots[0], &slots[0].stop_requested);
	ask(&slots[0], &slots[0].start_requested);
	step(0);
	/* Not down yet: the start stays asked for. */
	assert_int_equal(creates, 1);
	assert_true(slots[0].start_requested);
	step(1);
	step(0); /* taken down */
	step(0); /* and built again */
	assert_int_equal(reports, 1);
	assert_int_equal(creates, 2);
	assert_false(slots[0].start_requested);
	assert_int_equal(parts[0].state, PARTITION_RUNNING);
}

static void test_stop_before_it_ran(void **state)
{
	(void)state;
	add(0, "a", CONFIG_RESTART_ALWAYS, 1, ON_CPU0);
	ask(&slots[0], &slots[0].stop_requested);
	step(0);
	assert_int_equal(slots[0].state, SLOT_DONE);
	assert_int_equal(destroys, 1);
	assert_int_equal(starts, 0);
	assert_true(fake_console_contains("[a] stopped by the console before it ran\n"));
}

/* A running partition with a stop timeout of 10 s, stop asked for. */
static void stop_with_timeout(enum config_restart mode)
{
	add(0, "g", mode, 1, ON_CPU0);
	slots[0].stop_timeout_s = 10;
	steps(0, 2);
	ask(&slots[0], &slots[0].stop_requested);
	step(0);
	assert_false(slots[0].stop_requested);
}

static void test_stop_asks_and_the_guest_shuts_down(void **state)
{
	(void)state;
	stop_with_timeout(CONFIG_RESTART_ALWAYS);
	assert_int_equal(asked_to_stop, 1);
	assert_true(fake_console_contains("[g] asked to shut down; ended by force in 12 s"));
	assert_false(parts[0].ended);
	steps(0, 3);
	assert_int_equal(asked_to_stop, 1); /* not again within the second */
	fake_cpu.tsc += 1000 * MS;
	step(0);
	assert_int_equal(asked_to_stop, 2); /* once a second */
	/* The guest powers off in its next slice. */
	script[0][0][script_pos[0][0]] = POWER_OFF;
	steps(0, 3);
	assert_int_equal(slots[0].state, SLOT_DONE);
	assert_true(fake_console_contains("[g] stopped: power-off\n"));
	assert_true(fake_console_contains("[g] shut down when asked, in 100"));
	assert_false(fake_console_contains("restarting")); /* a stop, whatever the policy */
	assert_int_equal(slots[0].stop_outcome, STOP_GRACEFUL);
	assert_false(slots[0].stopping);
}

static void test_stop_ends_by_force_after_the_timeout(void **state)
{
	(void)state;
	stop_with_timeout(CONFIG_RESTART_NO);
	fake_cpu.tsc += 11999 * MS;
	step(0);
	assert_false(parts[0].ended);
	/* A second stop while stopping changes nothing. */
	ask(&slots[0], &slots[0].stop_requested);
	step(0);
	assert_false(parts[0].ended);
	fake_cpu.tsc += 1 * MS;
	steps(0, 2);
	assert_true(parts[0].ended);
	assert_int_equal(slots[0].state, SLOT_DONE);
	assert_true(fake_console_contains(
	    "[g] stopped: by the console, by force: no shutdown within 12 s\n"));
	assert_false(fake_console_contains("shut down when asked"));
	assert_int_equal(slots[0].stop_outcome, STOP_FORCED);
}

static void test_kill_ends_a_stopping_partition_at_once(void **state)
{
	(void)state;
	stop_with_timeout(CONFIG_RESTART_ALWAYS);
	ask(&slots[0], &slots[0].kill_requested);
	steps(0, 2);
	assert_false(slots[0].kill_requested);
	assert_int_equal(slots[0].state, SLOT_DONE);
	assert_true(fake_console_contains("[g] stopped: killed by the console\n"));
	assert_int_equal(slots[0].stop_outcome, STOP_FORCED);
	assert_false(fake_console_contains("restarting"));
}

static void test_stop_without_timeout_or_line_ends_at_once(void **state)
{
	(void)state;
	add(0, "g", CONFIG_RESTART_NO, 1, ON_CPU0);
	slots[0].stop_timeout_s = 10;
	control_line_full = true; /* the request cannot be written */
	steps(0, 2);
	ask(&slots[0], &slots[0].stop_requested);
	step(0);
	assert_int_equal(asked_to_stop, 1);
	assert_true(parts[0].ended);
	assert_true(fake_console_contains("[g] stopped: by the console\n"));
}

static void test_an_end_past_the_timeout_is_forced(void **state)
{
	(void)state;
	stop_with_timeout(CONFIG_RESTART_NO);
	/* Its init killed the command at 10 s and reported that. */
	fake_cpu.tsc += 10000 * MS;
	script[0][0][script_pos[0][0]] = POWER_OFF;
	steps(0, 4);
	assert_int_equal(slots[0].state, SLOT_DONE);
	assert_true(fake_console_contains(
	    "[g] did not shut down within its stop_timeout of 10 s: ended by force, in 100"));
	assert_false(fake_console_contains("shut down when asked"));
	assert_int_equal(slots[0].stop_outcome, STOP_FORCED);
}

static void test_restart_waits_for_the_shutdown(void **state)
{
	(void)state;
	stop_with_timeout(CONFIG_RESTART_NO);
	ask(&slots[0], &slots[0].start_requested);
	steps(0, 3);
	assert_int_equal(creates, 1);
	assert_true(slots[0].start_requested); /* still asked for */
	script[0][0][script_pos[0][0]] = POWER_OFF;
	steps(0, 4);
	assert_int_equal(creates, 2);
	assert_false(slots[0].start_requested);
	assert_int_equal(parts[0].state, PARTITION_RUNNING);
	assert_true(fake_console_contains("[g] shut down when asked"));
}

/* A step looks at what changed, not at every entry: 96 partitions on one
 * CPU, 95 of them asleep with no timer, cost a look or two a step; an
 * interrupt posted to one of them (from a device, on no vCPU) wakes it
 * at the next step, its timer deadline too, and every entry is looked
 * at again once the sweep is due. */
static void test_a_step_looks_only_at_what_changed(void **state)
{
	(void)state;
	static char names[PARTS][8];
	for (unsigned n = 0; n < PARTS; n++) {
		snprintf(names[n], sizeof(names[n]), "p%u", n);
		add(n, names[n], CONFIG_RESTART_NO, 1, ON_CPU0);
		script[n][0][0] = n ? HALT_NO_TIMER : RUN;
	}
	steps(0, PARTS); /* each has run once: all but p0 sleep */
	assert_int_equal(cpus[0].run_queue_length, PARTS);
	uint64_t looks = cpus[0].sched_looks;
	ran[0] = 0;
	steps(0, 40);
	char only_p0[4 * 40 + 1] = "";
	for (unsigned i = 0; i < 40; i++)
		strcat(only_p0, "p00 "); /* p0's vCPU 0 */
	assert_string_equal(ran, only_p0);
	assert_in_range(cpus[0].sched_looks - looks, 40, 80);

	struct apic_ipi ipi = {.dest = 0, .x2apic_format = true, .vector = 0x41};
	script[50][0][script_pos[50][0]] = HALT_NO_TIMER; /* woken, it sleeps again */
	partition_post_interrupt(&parts[50], &ipi);
	ran[0] = 0;
	looks = cpus[0].sched_looks;
	steps(0, 2);
	assert_string_equal(ran, "p500 p00 "); /* woken, and next in the round */
	assert_in_range(cpus[0].sched_looks - looks, 2, 4);

	script[60][0][script_pos[60][0]] = HALT; /* woken, it sleeps 5 ms */
	partition_post_interrupt(&parts[60], &ipi);
	steps(0, 2);
	uint64_t deadline = parts[60].vcpus[0].halt_deadline;
	assert_true(deadline > fake_cpu.tsc);
	ran[0] = 0;
	fake_cpu.tsc = deadline; /* its timer's time comes */
	steps(0, 2);
	assert_non_null(strstr(ran, "p600 "));

	looks = cpus[0].sched_looks;
	fake_cpu.tsc += (SCHED_SWEEP_US + 1000) * (TSC_HZ / 1000000);
	step(0);
	assert_true(cpus[0].sched_looks - looks >= PARTS);
}

static enum act random_act(unsigned partition)
{
	(void)partition;
	int r = rand() % 8;
	return r < 3 ? RUN : r < 6 ? HALT : HALT_NO_TIMER;
}

/* Wake-ups are never missed, whatever happens meanwhile: 48 partitions
 * on two CPUs run, sleep on a timer or sleep until an interrupt, at
 * random, while interrupts are posted to random ones from "devices" and
 * time moves on by random amounts. A vCPU owed a run (an interrupt
 * posted while it slept, or its timer's deadline passed) gets one within
 * as many of its CPU's steps as the CPU has entries: long before the
 * once-a-second sweep could make up for a missed notice. */
static void test_random_wakeups_are_never_missed(void **state)
{
	(void)state;
	enum { N = 48 };
	static char names[N][8];
	static const unsigned ON_CPU1[2] = {1, 1};
	for (unsigned n = 0; n < N; n++) {
		snprintf(names[n], sizeof(names[n]), "r%u", n);
		add(n, names[n], CONFIG_RESTART_NO, 1, n % 2 ? ON_CPU1 : ON_CPU0);
	}
	srand(5);
	next_act = random_act;
	fake_lapic.can_sleep = true;
	unsigned long owed_at[N] = {0}, owed_slices[N] = {0}, steps_of[2] = {0, 0};
	unsigned posted = 0, deadlines = 0;
	for (unsigned round = 0; round < 20000; round++) {
		unsigned cpu = (unsigned)rand() % 2;
		if (rand() % 4 == 0) {
			unsigned n = (unsigned)rand() % N;
			struct vcpu *v = &parts[n].vcpus[0];
			if (v->run_state == VCPU_STATE_HALTED && !owed_at[n]) {
				owed_at[n] = steps_of[n % 2] + 1;
				owed_slices[n] = slices_of[n];
				posted++;
			}
			struct apic_ipi ipi = {.dest = 0, .x2apic_format = true, .vector = 0x41};
			partition_post_interrupt(&parts[n], &ipi);
		}
		fake_cpu.tsc += (uint64_t)(rand() % 3) * MS / 2; /* 0 to 1 ms a round */
		for (unsigned n = 0; n < N; n++) {
			struct vcpu *v = &parts[n].vcpus[0];
			if (!owed_at[n] && v->run_state == VCPU_STATE_HALTED && v->halt_deadline &&
			    fake_cpu.tsc >= v->halt_deadline) {
				owed_at[n] = steps_of[n % 2] + 1;
				owed_slices[n] = slices_of[n];
				deadlines++;
			}
		}
		step(cpu);
		steps_of[cpu]++;
		for (unsigned n = 0; n < N; n++) {
			if (!owed_at[n])
				continue;
			if (slices_of[n] != owed_slices[n]) {
				owed_at[n] = 0;
				continue;
			}
			if (steps_of[n % 2] + 1 - owed_at[n] > N / 2 + 2)
				fail_msg(
				    "r%u owed a run since its CPU's step %lu, none by step %lu", n,
				    owed_at[n], steps_of[n % 2]);
		}
	}
	assert_true(posted > 500);
	assert_true(deadlines > 500);
	for (unsigned c = 0; c < 2; c++)
		assert_true(cpus[c].sched_looks < 8 * cpus[c].sched_steps);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_a_step_looks_only_at_what_changed),
	    T(test_random_wakeups_are_never_missed),
	    T(test_round_robin_between_partitions),
	    T(test_the_appliance_timeslice_sets_the_slice),
	    T(test_halted_vcpu_waits_for_its_deadline),
	    T(test_idle_cpu_sleeps_in_the_halted_vcpu),
	    T(test_idle_cpu_sleeps_itself_with_a_deadline_timer),
	    T(test_sipi_starts_the_second_vcpu_and_an_ipi_wakes_it),
	    T(test_vcpu_on_another_cpu_ends_the_partition_then_restart),
	    T(test_failed_re_creation_is_reported_once),
	    T(test_restart_waits_for_its_template),
	    T(test_console_stop_reaches_every_cpu_and_start_rebuilds),
	    T(test_console_restart_waits_for_the_vcpus_to_leave),
	    T(test_stop_before_it_ran),
	    T(test_stop_asks_and_the_guest_shuts_down),
	    T(test_stop_ends_by_force_after_the_timeout),
	    T(test_kill_ends_a_stopping_partition_at_once),
	    T(test_stop_without_timeout_or_line_ends_at_once),
	    T(test_restart_waits_for_the_shutdown),
	    T(test_an_end_past_the_timeout_is_forced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

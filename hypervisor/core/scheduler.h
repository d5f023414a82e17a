/*
 * The per-CPU scheduler: the vCPUs placed on a CPU share it round robin
 * in time slices ended by the VMX-preemption timer; a halted vCPU is not
 * run until its timer deadline or an interrupt; an ended partition is
 * restarted after its backoff (or not) without holding up the others. A
 * vCPU alone on its CPU (pinned, or the last one left) runs in long
 * slices, and a CPU with nothing to run sleeps until its next wake-up.
 */
#ifndef SOLO_CORE_SCHEDULER_H
#define SOLO_CORE_SCHEDULER_H

#include <stdint.h>

#include "core/vcpu.h"

struct pcpu;
struct vmx_bitmaps;

/* How long a vCPU runs before another on the same CPU gets a turn,
 * unless the appliance's `timeslice` says otherwise. */
#define SCHED_SLICE_US 10000
/* How soon a CPU notices a stop or start asked by the console; also the
 * slice of a vCPU alone on its CPU. */
#define SCHED_REQUEST_POLL_US 100000

/* How often a CPU looks at every entry of its run queue, notices or not:
 * a missed notice costs at most this long. */
#define SCHED_SWEEP_US 1000000

/* Where entry `entry` of the CPU's run queue is marked for a look: what
 * its vCPU's struct sched_notice holds. */
struct sched_notice scheduler_notice_of(struct pcpu *cpu, unsigned entry);

/* Sets the time slice for every CPU; called once, before any runs. */
void scheduler_set_timeslice(uint32_t microseconds);

/* Runs the vCPUs in this CPU's run queue, and never returns: when none
 * has anything to do it marks the queue done and keeps waiting for a
 * start-up IPI or the console. */
__attribute__((noreturn)) void scheduler_run(struct pcpu *cpu, const struct vmx_bitmaps *bitmaps,
                                             uint64_t tsc_hz);

/* One turn of that loop: the console hook, requests, wake-ups and
 * endings, then one vCPU's slice or an idle wait (host tests drive it). */
void scheduler_step(struct pcpu *cpu, const struct vmx_bitmaps *bitmaps, uint64_t tsc_hz);

/* The end of a shutdown: every CPU halts at its next step (the caller
 * kicks them out of their waits). */
void scheduler_halt_all(void);

#endif

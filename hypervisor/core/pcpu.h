/*
 * Per-physical-CPU state. Each CPU's GS base points at its own struct
 * pcpu, whose first field points at itself, so this_cpu() is one load.
 */
#ifndef SOLO_CORE_PCPU_H
#define SOLO_CORE_PCPU_H

#include <stdint.h>

#include "core/wake_heap.h"
#include "mm/phys.h"
#include "public/handoff.h"

struct vcpu;

#define PCPU_STACK_SIZE     (32 * 1024)
#define PCPU_IST_STACK_SIZE (8 * 1024)

/* Selectors of solo's own GDT, the same on every CPU. */
#define SEL_CODE64       0x08
#define SEL_DATA         0x10
#define SEL_TSS          0x18
#define GDT_ENTRIES      5
#define PCPU_MAX_QUEUED  528
#define PCPU_QUEUE_WORDS ((PCPU_MAX_QUEUED + 63) / 64) /* one bit per entry */
_Static_assert(PCPU_MAX_QUEUED <= WAKE_HEAP_CAPACITY, "a timer for every entry");

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

enum pcpu_state {
	PCPU_OFFLINE,       /* not started, or did not answer INIT-SIPI-SIPI */
	PCPU_STARTED,       /* running solo's code */
	PCPU_VMX_ROOT,      /* in VMX root operation */
	PCPU_SELFTEST_DONE, /* its test VMs ran (whatever their outcome) */
	PCPU_FAILED,        /* stopped: could not enter VMX operation */
};

struct pcpu {
	struct pcpu *self; /* must stay first: this_cpu() reads %gs:0 */
	unsigned index;
	uint32_t apic_id;
	volatile enum pcpu_state state;
	volatile int alive; /* set by the CPU itself once it runs solo's code */
	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
	hpa_t stack_top;
	hpa_t ist_stack_top;
	hpa_t vmxon_region;

	/* The vCPUs this CPU runs, one after another (written by the boot
	 * CPU before run_queue_ready is set; read-only afterwards). The CPU
	 * of a partition's vCPU 0 also creates, ends and restarts it. */
	struct run_entry {
		struct partition_slot *slot;
		unsigned vcpu;
	} run_queue[PCPU_MAX_QUEUED];
	unsigned run_queue_length;
	unsigned next_entry; /* where the round robin looks first */
	/* The vCPU whose state the CPU holds, for counting switches. */
	const struct vcpu *last_loaded;
	volatile int run_queue_ready;
	/* None of its vCPUs has anything to do, for now: the scheduler
	 * keeps waiting for a start-up IPI or the console. */
	volatile int run_queue_done;
	/* Called by the scheduler between slices; set only on the CPU that
	 * serves the management console. */
	void (*between_slices)(void);
	/* What choosing costs: scheduler steps taken and the TSC ticks from
	 * each step's start to its choice (a vCPU to run, or sleep), the
	 * scans of the run queue included, building and taking down
	 * partitions not; the console's stats print it. */
	uint64_t sched_steps, sched_ticks;
	uint64_t sched_looks;          /* entries looked at, in all those steps */
	uint64_t step_lifecycle_ticks; /* this step's builds and take-downs */
	/* template_generation() when this CPU last looked at every entry for
	 * it. */
	unsigned long templates_seen;

	/* What the scheduler knows of its entries, kept up to date as they
	 * change, so that a step costs the same with 5 entries or 500:
	 * - noticed: entries to look at, set by any CPU (sched_notice);
	 * - ready: entries whose vCPU wants the CPU now;
	 * - active: entries with something to do now or later;
	 * - wakes: when each entry next wants a look for a time of its own.
	 * The last three are this CPU's alone. Every entry is looked at
	 * again at next_sweep, a second apart, whatever the notices say. */
	volatile uint64_t noticed[PCPU_QUEUE_WORDS];
	uint64_t ready[PCPU_QUEUE_WORDS];
	uint64_t active[PCPU_QUEUE_WORDS];
	struct wake_heap wakes;
	uint64_t next_sweep;
};

extern struct pcpu pcpus[HANDOFF_MAX_CPUS];
extern unsigned pcpu_count;

struct pcpu *this_cpu(void);

#endif

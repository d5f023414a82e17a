/*
 * A virtual CPU and the partition that owns it. The guest's general
 * registers live at the start of struct vcpu because vmx_enter.S saves
 * and restores them by offset; RSP and RIP live in the VMCS.
 */
#ifndef SOLO_CORE_VCPU_H
#define SOLO_CORE_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/cpu.h"
#include "devices/x2apic.h"
#include "mm/page_table.h"
#include "mm/phys.h"
#include "vmx/exit_reasons.h"

struct guest_regs {
	uint64_t rax, rcx, rdx, rbx, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct partition;

/* Where a vCPU's CPU keeps the bit that says "look at this vCPU's run
 * queue entry" (scheduler.c): any CPU sets it, with the kick, when it
 * changes something the scheduler decides on. Zero: nowhere (tests). */
struct sched_notice {
	volatile uint64_t *word;
	uint64_t bit;
};

static inline void sched_notice_post(const struct sched_notice *n)
{
	if (n->word)
		__atomic_fetch_or(n->word, n->bit, __ATOMIC_SEQ_CST);
}

/* Where a vCPU is in its life; the CPU it is placed on moves it along,
 * except WAIT_SIPI -> STARTING, done by the vCPU that sends the start-up
 * IPI (partition_ipi.c). */
enum vcpu_run_state {
	VCPU_STATE_OFF,       /* no partition, or gone from its CPU */
	VCPU_STATE_WAIT_SIPI, /* an application processor waiting for start-up */
	VCPU_STATE_STARTING,  /* to be set up on its CPU (vCPU 0, or after a SIPI) */
	VCPU_STATE_RUNNABLE,  /* wants its CPU */
	VCPU_STATE_HALTED,    /* sleeps until an interrupt or halt_deadline */
};

struct vcpu {
	struct guest_regs regs; /* must stay first, see vmx_enter.S */
	uint64_t launched;      /* VMLAUNCH done: later entries VMRESUME */
	struct partition *partition;
	hpa_t vmcs;
	uint16_t vpid;              /* its own while its VMCS lives (vmx/vpid.c) */
	unsigned pcpu_index;        /* the CPU it is placed on; it never moves */
	struct sched_notice notice; /* its entry in that CPU's run queue */
	uint64_t exits_total;
	uint64_t exit_counts[EXIT_REASON_COUNT];
	/* The last OUT the guest made, for the self-test's checks. */
	uint16_t last_out_port;
	uint32_t last_out_value;

	unsigned index;             /* within its partition; also its APIC ID */
	struct x2apic apic;         /* its local APIC (xAPIC mode until Linux switches) */
	uint64_t efer;              /* as the guest last wrote it (LMA kept by solo) */
	uint64_t xcr0;              /* XCR0 as the guest set it with XSETBV */
	uint64_t halted_since;      /* TSC when it halted; 0 while running */
	uint64_t exit_handling_tsc; /* TSC ticks solo spent handling its exits */
	/* Its last exit was a host device's interrupt: leave the slice. */
	bool device_interrupt;
	uint64_t halted_tsc;    /* total TSC ticks spent halted */
	unsigned msr_refusals;  /* MSR accesses answered with #GP */
	uint64_t tsc_hz;        /* reported to the guest in CPUID */
	uint64_t mmio_accesses; /* emulated device-register accesses */

	/* What the CPU holds for the guest outside the VMCS, kept here while
	 * another vCPU uses the CPU (vcpu_context.c). */
	bool context_saved;
	uint64_t switches_in; /* loads after another vCPU had its CPU */
	uint64_t slice_end;   /* TSC when its time slice ends; UINT64_MAX: none */
	uint64_t cr2;
	uint64_t msrs[5];        /* STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE */
	struct debug_regs debug; /* DR0-DR3, DR6 (DR7 is in the VMCS) */
	hpa_t xsave_area;        /* extended registers, 64-byte aligned pages */
	volatile int run_state;  /* enum vcpu_run_state */
	uint8_t sipi_vector;     /* the start-up IPI's vector: starts at vector << 12 */
	uint64_t halt_deadline;  /* the timer deadline it halted with; 0: none */
	bool parked;             /* halted with interrupts off: only a reset wakes it */
	/* Interrupts its partition's other vCPUs (or its I/O APIC, from
	 * another vCPU) sent it, moved into its APIC at entry. */
	uint32_t posted_irr[8];
	volatile int posted;
	bool intr_window_exiting; /* the VMCS control, as last set */
	/* The preemption timer counts down across exits towards the target
	 * these inputs gave it (vcpu_events.c). */
	bool timer_counting;
	uint64_t timer_set_for_deadline, timer_set_for_slice_end;
	/* An event whose delivery the last exit interrupted (a clone's
	 * copy-on-write fault while the CPU pushed an interrupt frame),
	 * delivered again on the next entry: its IDT-vectoring information,
	 * error code and instruction length. 0: none. */
	uint32_t redeliver_info, redeliver_error_code, redeliver_length;
	/* An exception a handler wants delivered on the next entry. */
	bool exception_pending;
	uint8_t exception_vector;
	bool exception_has_error_code;
	uint32_t exception_error_code;
};

/* Exception vectors solo injects. */
#define VECTOR_UD 6
#define VECTOR_GP 13

/* Queues an architectural exception for the next VM entry (the faulting
 * instruction is not skipped). */
static inline void vcpu_inject_exception(struct vcpu *vcpu, uint8_t vector, bool has_error_code,
                                         uint32_t error_code)
{
	vcpu->exception_pending = true;
	vcpu->exception_vector = vector;
	vcpu->exception_has_error_code = has_error_code;
	vcpu->exception_error_code = error_code;
}

/* Where a VM exit left off, read once per exit by the run loop. */
struct vm_exit {
	uint32_t raw_reason;
	unsigned basic_reason;
	uint64_t qualification;
	uint32_t instruction_length;
	uint64_t guest_rip;
};

enum exit_action {
	EXIT_ACTION_RESUME, /* re-enter the guest */
	EXIT_ACTION_STOP,   /* the partition has stopped; its reason is set */
	EXIT_ACTION_HALT,   /* the vCPU sleeps until its next timer deadline */
};

#endif

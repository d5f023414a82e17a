/*
 * A virtual CPU and the partition that owns it. The guest's general
 * registers live at the start of struct vcpu because vmx_enter.S saves
 * and restores them by offset; RSP and RIP live in the VMCS.
 */
#ifndef SOLO_CORE_VCPU_H
#define SOLO_CORE_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/page_table.h"
#include "mm/phys.h"
#include "vmx/exit_reasons.h"

struct guest_regs {
	uint64_t rax, rcx, rdx, rbx, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct partition;

struct vcpu {
	struct guest_regs regs; /* must stay first, see vmx_enter.S */
	uint64_t launched;      /* VMLAUNCH done: later entries VMRESUME */
	struct partition *partition;
	hpa_t vmcs;
	uint16_t vpid;
	unsigned pcpu_index;
	uint64_t exits_total;
	uint64_t exit_counts[EXIT_REASON_COUNT];
	/* The last OUT the guest made, for the self-test's checks. */
	uint16_t last_out_port;
	uint32_t last_out_value;
	uint32_t last_hypercall;
};

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
};

#endif

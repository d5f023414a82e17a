/*
 * Scripted VM exits for the fake vmx_enter() (tests/fakes/fake_vmx_enter.c).
 * Each step is one guest run: the "guest" may change its registers, then
 * the step's exit information is written into the fake VMCS as the CPU
 * would on a VM exit, or the entry itself fails. Every entry is recorded
 * with the registers, GUEST_RIP and the event-related VMCS fields the
 * hypervisor resumed with, so a test can check what each handler and the
 * event-injection step left behind. Like the CPU, every exit clears the
 * valid bit of the VM-entry interruption-information field (SDM 27.2).
 */
#ifndef SOLO_FAKE_VMX_ENTER_H
#define SOLO_FAKE_VMX_ENTER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vcpu.h"

#define FAKE_EXIT_MAX_WRITES 4
#define FAKE_SCRIPT_MAX      64
/* GUEST_RIP (or another recorded field) at entry when nothing had
 * written it yet. */
#define FAKE_RIP_UNSET   0xdeadbeefdeadbeefULL
#define FAKE_FIELD_UNSET FAKE_RIP_UNSET

struct fake_exit {
	/* 0: the guest runs and exits as below. VMX_FAIL_VALID (with
	 * vm_instruction_error) or VMX_FAIL_INVALID: the entry fails. */
	int entry_result;
	uint32_t vm_instruction_error;

	uint32_t reason; /* raw VM_EXIT_REASON, bit 31 for entry failures */
	uint64_t qualification;
	uint32_t instruction_length;
	uint64_t guest_rip;
	/* Registers the guest set before exiting. */
	bool load_rax, load_rcx, load_rdx, load_rbx;
	uint64_t rax, rcx, rdx, rbx;
	/* Non-zero: the fake TSC reads this when the guest exits (time the
	 * guest ran or slept). */
	uint64_t tsc_at_exit;
	/* Any other exit fields (GUEST_PHYSICAL_ADDRESS, VM_EXIT_INTR_INFO,
	 * GUEST_RFLAGS, ...). */
	unsigned write_count;
	struct {
		uint32_t field;
		uint64_t value;
	} writes[FAKE_EXIT_MAX_WRITES];
};

struct fake_entry {
	struct guest_regs regs; /* as the hypervisor entered the guest */
	uint64_t guest_rip;     /* GUEST_RIP at entry, or FAKE_RIP_UNSET */
	uint64_t launched;
	/* These fields at entry, or FAKE_FIELD_UNSET. */
	uint64_t intr_info;        /* VM_ENTRY_INTR_INFO_FIELD */
	uint64_t error_code;       /* VM_ENTRY_EXCEPTION_ERROR_CODE */
	uint64_t activity_state;   /* GUEST_ACTIVITY_STATE */
	uint64_t interruptibility; /* GUEST_INTERRUPTIBILITY_INFO */
	uint64_t preemption_timer; /* VMX_PREEMPTION_TIMER_VALUE */
	uint64_t cpu_controls;     /* CPU_BASED_VM_EXEC_CONTROL */
};

/* Installs a script (copied); an entry beyond its end fails the test,
 * so a run loop that does not stop is caught. */
void fake_vmx_script(const struct fake_exit *steps, unsigned count);
unsigned fake_vmx_entry_count(void);

/* Building a script one exit at a time, as the exit-path tests do:
 * reset, add steps (with extra VMCS fields written at their exit), then
 * install it; install returns the number of steps. */
void fake_script_reset(void);
struct fake_exit *fake_script_step(uint32_t reason, uint64_t rip, uint32_t length);
void fake_script_write(struct fake_exit *s, uint32_t field, uint64_t value);
unsigned fake_script_install(void);
const struct fake_entry *fake_vmx_entry(unsigned index);

#endif

/*
 * The exit dispatcher: a const table indexed by the bounds-checked basic
 * exit reason. Every exit is counted per reason on its vCPU first, so the
 * counters also cover exits that end the partition.
 */
#include "core/exit_handlers.h"
#include "core/partition.h"
#include "vmx/vmcs.h"

static const exit_handler_fn handlers[EXIT_REASON_COUNT] = {
    [EXIT_REASON_EXCEPTION_NMI] = exit_exception_nmi,
    [EXIT_REASON_EXTERNAL_INTERRUPT] = exit_external_interrupt,
    [EXIT_REASON_TRIPLE_FAULT] = exit_triple_fault,
    [EXIT_REASON_CPUID] = exit_cpuid,
    [EXIT_REASON_HLT] = exit_hlt,
    [EXIT_REASON_VMCALL] = exit_vmcall,
    [EXIT_REASON_IO_INSTRUCTION] = exit_io,
    [EXIT_REASON_EPT_VIOLATION] = exit_ept_violation,
    [EXIT_REASON_EPT_MISCONFIG] = exit_ept_misconfig,
    [EXIT_REASON_PREEMPTION_TIMER] = exit_preemption_timer,
    [EXIT_REASON_INTERRUPT_WINDOW] = exit_interrupt_window,
    [EXIT_REASON_MSR_READ] = exit_msr_read,
    [EXIT_REASON_MSR_WRITE] = exit_msr_write,
    [EXIT_REASON_CR_ACCESS] = exit_cr_access,
    [EXIT_REASON_XSETBV] = exit_xsetbv,
    [EXIT_REASON_INVD] = exit_skip,
    [EXIT_REASON_WBINVD] = exit_skip,
    [EXIT_REASON_GETSEC] = exit_invalid_opcode,
    [EXIT_REASON_VMCLEAR] = exit_invalid_opcode,
    [EXIT_REASON_VMLAUNCH] = exit_invalid_opcode,
    [EXIT_REASON_VMPTRLD] = exit_invalid_opcode,
    [EXIT_REASON_VMPTRST] = exit_invalid_opcode,
    [EXIT_REASON_VMREAD] = exit_invalid_opcode,
    [EXIT_REASON_VMRESUME] = exit_invalid_opcode,
    [EXIT_REASON_VMWRITE] = exit_invalid_opcode,
    [EXIT_REASON_VMXOFF] = exit_invalid_opcode,
    [EXIT_REASON_VMXON] = exit_invalid_opcode,
    [EXIT_REASON_INVEPT] = exit_invalid_opcode,
    [EXIT_REASON_INVVPID] = exit_invalid_opcode,
    [EXIT_REASON_VMFUNC] = exit_invalid_opcode,
};

/* Interruptibility state (SDM Table 24-3): blocking by STI, by MOV SS. */
#define BLOCKING_BY_STI_OR_MOV_SS 3u

void exit_skip_instruction(const struct vm_exit *exit)
{
	vmcs_writel(GUEST_RIP, exit->guest_rip + exit->instruction_length);
	/* The instruction is done, so the one-instruction shadow of an STI or
	 * MOV SS before it has ended. Left set, it would make the next entry
	 * after Linux's "sti; hlt" fail: a vCPU put in the HLT activity state
	 * must not be blocked by STI or MOV SS (SDM 26.3.1.5). */
	uint32_t blocking = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	if (blocking & BLOCKING_BY_STI_OR_MOV_SS)
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, blocking & ~BLOCKING_BY_STI_OR_MOV_SS);
}

struct guest_paging exit_guest_paging(const struct vcpu *vcpu)
{
	return (struct guest_paging){
	    .cr0 = vmcs_readl(GUEST_CR0),
	    .cr3 = vmcs_readl(GUEST_CR3),
	    .cr4 = vmcs_readl(GUEST_CR4),
	    .efer = vcpu->efer,
	};
}

enum exit_action exit_dispatch(struct vcpu *vcpu, const struct vm_exit *exit)
{
	vcpu->exits_total++;
	if (exit->basic_reason < EXIT_REASON_COUNT)
		vcpu->exit_counts[exit->basic_reason]++;
	if (exit->raw_reason & EXIT_REASON_ENTRY_FAILED) {
		/* SDM 26.8: the guest never ran; qualification says which
		 * check failed for MSR loading, otherwise 0. */
		partition_end(vcpu->partition, PARTITION_CRASHED,
		              "VM entry failed: %s (exit reason %u), qualification %llu",
		              exit->basic_reason == EXIT_REASON_INVALID_GUEST_STATE
		                  ? "invalid guest state"
		                  : exit_reason_name(exit->basic_reason),
		              exit->basic_reason, (unsigned long long)exit->qualification);
		return EXIT_ACTION_STOP;
	}
	exit_handler_fn handler = 0;
	if (exit->basic_reason < EXIT_REASON_COUNT)
		handler = handlers[exit->basic_reason];
	if (!handler) {
		partition_end(vcpu->partition, PARTITION_CRASHED,
		              "unhandled exit reason %s (%u) at RIP 0x%llx",
		              exit_reason_name(exit->basic_reason), exit->basic_reason,
		              (unsigned long long)exit->guest_rip);
		return EXIT_ACTION_STOP;
	}
	return handler(vcpu, exit);
}

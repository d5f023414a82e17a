/*
 * One handler per exit-reason family, each in its own file, dispatched
 * from the table in exit_dispatch.c. A handler either finishes the guest's
 * instruction and asks to resume, or ends the partition with a reason.
 */
#ifndef SOLO_CORE_EXIT_HANDLERS_H
#define SOLO_CORE_EXIT_HANDLERS_H

#include "arch/cpu.h"
#include "core/vcpu.h"

typedef enum exit_action (*exit_handler_fn)(struct vcpu *vcpu, const struct vm_exit *exit);

/* Counts the exit and runs its handler; unknown reasons end the
 * partition. */
enum exit_action exit_dispatch(struct vcpu *vcpu, const struct vm_exit *exit);

/* Moves the guest past the instruction that exited. */
void exit_skip_instruction(const struct vm_exit *exit);

enum exit_action exit_cpuid(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_io(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_vmcall(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_hlt(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_ept_violation(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_ept_misconfig(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_triple_fault(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_exception_nmi(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_external_interrupt(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_preemption_timer(struct vcpu *vcpu, const struct vm_exit *exit);

/* The CPUID values a guest sees: the host's, with VMX hidden, the
 * hypervisor bit set and solo's leaves at 0x40000000. */
void cpuid_filter(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *regs);

#define SOLO_CPUID_SIGNATURE       "solosolosolo"
#define SOLO_CPUID_BASE            0x40000000u
#define SOLO_CPUID_MAX_LEAF        0x40000001u
#define SOLO_HYPERCALL_ABI_VERSION 1u

#endif

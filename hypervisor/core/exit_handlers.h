/*
 * One handler per exit-reason family, each in its own file, dispatched
 * from the table in exit_dispatch.c. A handler either finishes the guest's
 * instruction and asks to resume, or ends the partition with a reason.
 */
#ifndef SOLO_CORE_EXIT_HANDLERS_H
#define SOLO_CORE_EXIT_HANDLERS_H

#include "arch/cpu.h"
#include "core/guest_memory.h"
#include "core/vcpu.h"

typedef enum exit_action (*exit_handler_fn)(struct vcpu *vcpu, const struct vm_exit *exit);

/* Counts the exit and runs its handler; unknown reasons end the
 * partition. */
enum exit_action exit_dispatch(struct vcpu *vcpu, const struct vm_exit *exit);

/* Moves the guest past the instruction that exited. */
void exit_skip_instruction(const struct vm_exit *exit);

/* The paging registers the guest runs with now, for walking its page
 * tables (guest_memory.h). */
struct guest_paging exit_guest_paging(const struct vcpu *vcpu);

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
enum exit_action exit_interrupt_window(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_invalid_opcode(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_skip(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_msr_read(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_msr_write(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_cr_access(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action exit_xsetbv(struct vcpu *vcpu, const struct vm_exit *exit);

/* Forgets which refused MSRs were already noted on the console (each is
 * noted once per boot). */
void exit_msr_forget_notes(void);

/* Is gpa inside a device page solo emulates for this vCPU? */
bool exit_mmio_claims(const struct vcpu *vcpu, uint64_t gpa);
/* Completes the guest's access to an emulated device page. */
enum exit_action exit_mmio(struct vcpu *vcpu, const struct vm_exit *exit, uint64_t gpa);

/* Is `value` a valid XCR0 on a CPU supporting the `supported` bits? */
bool xcr0_valid(uint64_t value, uint64_t supported);

/* What CPUID answers depend on besides the host CPU. */
struct cpuid_context {
	uint32_t apic_id;
	uint64_t tsc_hz;
	bool guest_osxsave; /* CR4.OSXSAVE as the guest set it */
	/* CPUID.(0xd,1):EBX, the compacted XSAVE area size for the guest's
	 * XCR0, computed by solo (0: leave the CPU's value). */
	uint32_t xsave_compacted_size;
};

/* The size of a compacted-format XSAVE area holding the components in
 * xcr0 (SDM Vol. 1 13.4.3), from the CPU's per-component CPUID leaves. */
uint32_t xsave_compacted_size(uint64_t xcr0);

/* The CPUID values a guest sees: the host's, with VMX and every feature
 * solo does not virtualize hidden, the hypervisor bit set, solo's leaves
 * at 0x40000000 and the measured TSC frequency in leaves 0x15/0x16. */
void cpuid_filter(uint32_t leaf, uint32_t subleaf, const struct cpuid_context *ctx,
		  struct cpuid_regs *regs);

#define SOLO_CPUID_SIGNATURE       "solosolosolo"
#define SOLO_CPUID_BASE            0x40000000u
#define SOLO_CPUID_MAX_LEAF        0x40000001u
/* A KVM-compatible leaf with no features: it tells Linux that x2APIC
 * without interrupt remapping is fine in this VM, which it otherwise only
 * believes of hypervisors it knows; solo offers none of KVM's paravirt
 * features (see docs/architecture.md). */
#define KVM_COMPAT_CPUID_BASE 0x40000100u
#define SOLO_HYPERCALL_ABI_VERSION 1u

#endif

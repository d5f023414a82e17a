/*
 * CPUID: the guest sees the host CPU minus VMX, plus the hypervisor bit
 * and solo's signature leaves, so a guest can tell it runs under solo.
 */
#include <string.h>

#include "core/exit_handlers.h"
#include "vmx/vmcs.h"

#define CPUID1_ECX_VMX        (1u << 5)
#define CPUID1_ECX_HYPERVISOR (1u << 31)

void cpuid_filter(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *regs)
{
	(void)subleaf;
	if (leaf == 1) {
		regs->ecx &= ~CPUID1_ECX_VMX;
		regs->ecx |= CPUID1_ECX_HYPERVISOR;
	} else if (leaf == SOLO_CPUID_BASE) {
		regs->eax = SOLO_CPUID_MAX_LEAF;
		memcpy(&regs->ebx, SOLO_CPUID_SIGNATURE, 4);
		memcpy(&regs->ecx, SOLO_CPUID_SIGNATURE + 4, 4);
		memcpy(&regs->edx, SOLO_CPUID_SIGNATURE + 8, 4);
	} else if (leaf == SOLO_CPUID_BASE + 1) {
		*regs = (struct cpuid_regs){.eax = SOLO_HYPERCALL_ABI_VERSION};
	} else if (leaf > SOLO_CPUID_BASE && leaf < SOLO_CPUID_BASE + 0x100) {
		*regs = (struct cpuid_regs){0};
	}
}

enum exit_action exit_cpuid(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint32_t leaf = (uint32_t)vcpu->regs.rax, subleaf = (uint32_t)vcpu->regs.rcx;
	struct cpuid_regs regs = {0};
	if (leaf < SOLO_CPUID_BASE || leaf >= SOLO_CPUID_BASE + 0x100)
		regs = cpu_cpuid(leaf, subleaf);
	cpuid_filter(leaf, subleaf, &regs);
	vcpu->regs.rax = regs.eax;
	vcpu->regs.rbx = regs.ebx;
	vcpu->regs.rcx = regs.ecx;
	vcpu->regs.rdx = regs.edx;
	exit_skip_instruction(exit);
	return EXIT_ACTION_RESUME;
}

/*
 * Hypercalls (VMCALL): RAX carries the call number, the result comes back
 * in RAX. A bad number gets an error code, never a fault: a guest cannot
 * hurt anything by asking. docs/hypercalls.md lists the ABI.
 */
#include "core/exit_handlers.h"
#include "core/hypercall.h"

enum exit_action exit_vmcall(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint32_t number = (uint32_t)vcpu->regs.rax;
	vcpu->last_hypercall = number;
	switch (number) {
	case HYPERCALL_ABI_VERSION:
		vcpu->regs.rax = SOLO_HYPERCALL_ABI_VERSION;
		break;
	default:
		vcpu->regs.rax = (uint64_t)HYPERCALL_ENOSYS;
		break;
	}
	exit_skip_instruction(exit);
	return EXIT_ACTION_RESUME;
}

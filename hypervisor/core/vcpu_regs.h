/*
 * Guest general registers by the 4-bit number exit qualifications use
 * (0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, 5 RBP, 6 RSI, 7 RDI, 8-15 R8-R15).
 * RSP lives in the VMCS; the others in struct guest_regs.
 */
#ifndef SOLO_CORE_VCPU_REGS_H
#define SOLO_CORE_VCPU_REGS_H

#include "core/vcpu.h"
#include "vmx/vmcs.h"

static inline uint64_t *vcpu_gpr_slot(struct vcpu *vcpu, unsigned index)
{
	struct guest_regs *r = &vcpu->regs;
	uint64_t *const slots[16] = {&r->rax, &r->rcx, &r->rdx, &r->rbx, 0,	  &r->rbp,
				     &r->rsi, &r->rdi, &r->r8,	&r->r9,	 &r->r10, &r->r11,
				     &r->r12, &r->r13, &r->r14, &r->r15};
	return slots[index & 15];
}

static inline uint64_t vcpu_gpr_read(struct vcpu *vcpu, unsigned index)
{
	uint64_t *slot = vcpu_gpr_slot(vcpu, index);
	return slot ? *slot : vmcs_readl(GUEST_RSP);
}

static inline void vcpu_gpr_write(struct vcpu *vcpu, unsigned index, uint64_t value)
{
	uint64_t *slot = vcpu_gpr_slot(vcpu, index);
	if (slot)
		*slot = value;
	else
		vmcs_writel(GUEST_RSP, value);
}

#endif

/*
 * Control-register exits. solo owns CR0.PG and CR0.NE (guest/host mask)
 * and CR4.VMXE: PG because turning paging on with EFER.LME set enters
 * IA-32e mode, which solo must mirror in EFER.LMA and the "IA-32e mode
 * guest" entry control; NE because VMX requires it set while the guest
 * may think otherwise; VMXE because the guest gets no nested VMX; PKE
 * because protection keys are hidden and their PKRU register is not
 * switched between partitions. CR3 is not intercepted (EPT makes that
 * unnecessary).
 */
#include "core/exit_handlers.h"
#include "core/guest_msr.h"
#include "core/partition.h"
#include "core/vcpu_regs.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_cpu.h"

#define CR0_PE (1ULL << 0)
#define CR0_NW (1ULL << 29)
#define CR0_CD (1ULL << 30)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)

/* Exit qualification for control-register accesses (SDM Table 28-3). */
#define CR_NUMBER(q) ((unsigned)(q)&0xf)
#define CR_ACCESS_TYPE(q) ((unsigned)((q) >> 4) & 3)
#define CR_GPR(q) ((unsigned)((q) >> 8) & 0xf)
#define CR_ACCESS_MOV_TO 0

static bool write_cr0(struct vcpu *vcpu, uint64_t value)
{
	uint64_t old = vmcs_readl(GUEST_CR0);
	if ((value >> 32) || ((value & CR0_PG) && !(value & CR0_PE)) ||
	    ((value & CR0_NW) && !(value & CR0_CD)))
		return false;
	uint64_t efer = vcpu->efer;
	uint32_t entry = vmcs_read32(VM_ENTRY_CONTROLS);
	if (!(old & CR0_PG) && (value & CR0_PG) && (efer & EFER_LME)) {
		if (!(vmcs_readl(GUEST_CR4) & CR4_PAE))
			return false;
		efer |= EFER_LMA;
		entry |= VM_ENTRY_IA32E_MODE;
	} else if ((old & CR0_PG) && !(value & CR0_PG)) {
		efer &= ~EFER_LMA;
		entry &= ~VM_ENTRY_IA32E_MODE;
	}
	vcpu->efer = efer;
	vmcs_write64(GUEST_IA32_EFER, efer);
	vmcs_write32(VM_ENTRY_CONTROLS, entry);
	vmcs_writel(CR0_READ_SHADOW, value);
	vmcs_writel(GUEST_CR0, vmx_fixed_cr0(&vmx_caps, value, true));
	return true;
}

enum exit_action exit_cr_access(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint64_t q = exit->qualification;
	if (CR_ACCESS_TYPE(q) != CR_ACCESS_MOV_TO || (CR_NUMBER(q) != 0 && CR_NUMBER(q) != 4)) {
		partition_end(vcpu->partition, PARTITION_CRASHED,
			      "unexpected control-register access (qualification 0x%llx) at RIP 0x%llx",
			      (unsigned long long)q, (unsigned long long)exit->guest_rip);
		return EXIT_ACTION_STOP;
	}
	uint64_t value = vcpu_gpr_read(vcpu, CR_GPR(q));
	/* A CR4 write exits only when it tries to set VMXE or PKE, both
	 * refused: no nested VMX, no protection keys. */
	bool ok = CR_NUMBER(q) == 0 && write_cr0(vcpu, value);
	if (!ok) {
		vcpu_inject_exception(vcpu, VECTOR_GP, true, 0);
		return EXIT_ACTION_RESUME;
	}
	exit_skip_instruction(exit);
	return EXIT_ACTION_RESUME;
}

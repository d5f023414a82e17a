/*
 * VMCS contents. Host state mirrors this CPU's own tables so a VM exit
 * lands in solo with its normal GDT, TSS, IDT and GS (this_cpu()). The
 * checks these values satisfy are in SDM Vol. 3 sections 26.2-26.3.
 */
#include "vmx/vmcs_setup.h"

#include "arch/cpu.h"
#include "arch/vmx_enter.h"
#include "core/pcpu.h"
#include "core/vcpu.h"
#include "mm/page_alloc.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_cpu.h"

#define MSR_IA32_EFER        0xc0000080
#define MSR_IA32_PAT         0x277
#define MSR_IA32_FS_BASE     0xc0000100
#define CR0_ET               (1ULL << 4)
#define CR0_NE               (1ULL << 5)
#define CR4_VMXE             (1ULL << 13)
#define AR_UNUSABLE          (1u << 16)
#define PAT_POWER_ON_DEFAULT 0x0007040600070406ULL

bool vmcs_create(struct vcpu *vcpu)
{
	vcpu->vmcs = page_alloc_zeroed();
	if (!vcpu->vmcs)
		return false;
	*(uint32_t *)hpa_to_ptr(vcpu->vmcs) = vmx_features.vmcs_revision;
	if (vmx_clear(vcpu->vmcs) || vmx_ptrld(vcpu->vmcs)) {
		page_free(vcpu->vmcs, 1);
		vcpu->vmcs = 0;
		return false;
	}
	vcpu->launched = 0;
	return true;
}

void vmcs_destroy(struct vcpu *vcpu)
{
	if (!vcpu->vmcs)
		return;
	vmx_clear(vcpu->vmcs);
	page_free(vcpu->vmcs, 1);
	vcpu->vmcs = 0;
}

void vmcs_setup_host(const struct pcpu *cpu)
{
	struct descriptor_pointer idtr;
	cpu_sidt(&idtr);
	vmcs_writel(HOST_CR0, cpu_read_cr0());
	vmcs_writel(HOST_CR3, cpu_read_cr3());
	vmcs_writel(HOST_CR4, cpu_read_cr4());
	vmcs_write16(HOST_CS_SELECTOR, SEL_CODE64);
	vmcs_write16(HOST_SS_SELECTOR, SEL_DATA);
	vmcs_write16(HOST_DS_SELECTOR, SEL_DATA);
	vmcs_write16(HOST_ES_SELECTOR, SEL_DATA);
	vmcs_write16(HOST_FS_SELECTOR, SEL_DATA);
	vmcs_write16(HOST_GS_SELECTOR, SEL_DATA);
	vmcs_write16(HOST_TR_SELECTOR, SEL_TSS);
	vmcs_writel(HOST_FS_BASE, cpu_rdmsr(MSR_IA32_FS_BASE));
	vmcs_writel(HOST_GS_BASE, (uint64_t)(uintptr_t)cpu);
	vmcs_writel(HOST_TR_BASE, (uint64_t)(uintptr_t)&cpu->tss);
	vmcs_writel(HOST_GDTR_BASE, (uint64_t)(uintptr_t)cpu->gdt);
	vmcs_writel(HOST_IDTR_BASE, idtr.base);
	vmcs_write32(HOST_IA32_SYSENTER_CS, 0);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, 0);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, 0);
	vmcs_write64(HOST_IA32_EFER, cpu_rdmsr(MSR_IA32_EFER));
	vmcs_write64(HOST_IA32_PAT, cpu_rdmsr(MSR_IA32_PAT));
	vmcs_writel(HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_entry);
}

void vmcs_setup_controls(const struct vcpu *vcpu, const struct vmx_bitmaps *bitmaps, uint64_t eptp)
{
	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, vmx_controls.pinbased);
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, vmx_controls.procbased);
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, vmx_controls.procbased2);
	vmcs_write32(VM_EXIT_CONTROLS, vmx_controls.exit);
	vmcs_write32(VM_ENTRY_CONTROLS, vmx_controls.entry);
	vmcs_write32(EXCEPTION_BITMAP, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write64(IO_BITMAP_A, bitmaps->io_a);
	vmcs_write64(IO_BITMAP_B, bitmaps->io_b);
	vmcs_write64(MSR_BITMAP, bitmaps->msr);
	vmcs_write64(EPT_POINTER, eptp);
	vmcs_write16(VIRTUAL_PROCESSOR_ID, vcpu->vpid);
	/* The guest may not clear CR4.VMXE (VMX needs it set), so solo owns
	 * that bit and the guest reads 0 from its shadow. */
	vmcs_writel(CR0_GUEST_HOST_MASK, 0);
	vmcs_writel(CR0_READ_SHADOW, 0);
	vmcs_writel(CR4_GUEST_HOST_MASK, CR4_VMXE);
	vmcs_writel(CR4_READ_SHADOW, 0);
	/* The preemption timer is a required control; until the scheduler
	 * uses it, it only bounds how long a guest runs between exits. */
	vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, 0xffffffffu);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
}

static void set_segment_real_mode(uint32_t selector_field, uint32_t base_field,
                                  uint32_t limit_field, uint32_t ar_field, uint32_t access)
{
	vmx_vmwrite(selector_field, 0);
	vmx_vmwrite(base_field, 0);
	vmx_vmwrite(limit_field, 0xffff);
	vmx_vmwrite(ar_field, access);
}

void vmcs_setup_guest_real_mode(uint16_t ip, uint16_t sp)
{
	vmcs_writel(GUEST_CR0, vmx_fixed_cr0(&vmx_caps, CR0_ET | CR0_NE, true));
	vmcs_writel(GUEST_CR3, 0);
	vmcs_writel(GUEST_CR4, vmx_fixed_cr4(&vmx_caps, 0));
	/* Accessed code (0x9b) and data (0x93) segments, as real mode
	 * leaves them; TR must be a usable busy TSS, LDTR unusable. */
	set_segment_real_mode(GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES,
	                      0x9b);
	set_segment_real_mode(GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES,
	                      0x93);
	set_segment_real_mode(GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES,
	                      0x93);
	set_segment_real_mode(GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES,
	                      0x93);
	set_segment_real_mode(GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES,
	                      0x93);
	set_segment_real_mode(GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES,
	                      0x93);
	set_segment_real_mode(GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES,
	                      0x8b);
	set_segment_real_mode(GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT,
	                      GUEST_LDTR_AR_BYTES, AR_UNUSABLE);
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_DR7, 0x400);
	vmcs_writel(GUEST_RSP, sp);
	vmcs_writel(GUEST_RIP, ip);
	vmcs_writel(GUEST_RFLAGS, 0x2);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, 0);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write64(GUEST_IA32_PAT, PAT_POWER_ON_DEFAULT);
	vmcs_write64(GUEST_IA32_EFER, 0);
}

/*
 * VMCS contents. Host state mirrors this CPU's own tables so a VM exit
 * lands in solo with its normal GDT, TSS, IDT and GS (this_cpu()). The
 * checks these values satisfy are in SDM Vol. 3 sections 26.2-26.3.
 */
#include "vmx/vmcs_setup.h"
#include "vmx/vpid.h"

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
#define CR0_PE               (1ULL << 0)
#define CR0_ET               (1ULL << 4)
#define CR0_PG               (1ULL << 31)
#define CR0_NE               (1ULL << 5)
#define CR4_VMXE             (1ULL << 13)
#define CR4_PKE              (1ULL << 22)
#define AR_UNUSABLE          (1u << 16)
#define PAT_POWER_ON_DEFAULT 0x0007040600070406ULL

bool vmcs_create(struct vcpu *vcpu)
{
	vcpu->vmcs = page_alloc_zeroed();
	if (!vcpu->vmcs)
		return false;
	*(uint32_t *)hpa_to_ptr(vcpu->vmcs) = vmx_features.vmcs_revision;
	vcpu->vpid = vpid_alloc();
	if (!vcpu->vpid || vmx_clear(vcpu->vmcs) || vmx_ptrld(vcpu->vmcs)) {
		vpid_free(vcpu->vpid);
		vcpu->vpid = 0;
		page_free(vcpu->vmcs, 1);
		vcpu->vmcs = 0;
		return false;
	}
	/* An earlier holder of the VPID may have left translations on this
	 * CPU (a vCPU never moves, so only this CPU matters). */
	vmx_invvpid(2, 0);
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
	vpid_free(vcpu->vpid);
	vcpu->vpid = 0;
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
	/* solo owns CR0.PG (entering long mode needs its help), CR0.NE (VMX
	 * keeps it set whatever the guest thinks), CR4.VMXE (VMX needs it
	 * set; the guest gets no nested VMX) and CR4.PKE (PKU is hidden: its
	 * PKRU register is not switched between partitions, so no guest may
	 * turn it on): the guest reads its own values from the shadows, which
	 * the guest-state set-up fills in. */
	vmcs_writel(CR0_GUEST_HOST_MASK, CR0_PG | CR0_NE);
	vmcs_writel(CR4_GUEST_HOST_MASK, CR4_VMXE | CR4_PKE);
	/* The preemption timer is a required control; until the scheduler
	 * uses it, it only bounds how long a guest runs between exits. */
	vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, 0xffffffffu);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
}

static void set_control_registers(uint64_t cr0)
{
	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR0, vmx_fixed_cr0(&vmx_caps, cr0, true));
	vmcs_writel(GUEST_CR3, 0);
	vmcs_writel(CR4_READ_SHADOW, 0);
	vmcs_writel(GUEST_CR4, vmx_fixed_cr4(&vmx_caps, 0));
}

/* State every guest starts with, whatever its mode. */
static void set_common_guest_state(uint64_t rip, uint64_t rsp)
{
	vmcs_writel(GUEST_DR7, 0x400);
	vmcs_writel(GUEST_RSP, rsp);
	vmcs_writel(GUEST_RIP, rip);
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

static void set_segment(uint32_t selector_field, uint16_t selector, uint32_t limit, uint32_t access)
{
	/* Fields of one segment are laid out at fixed distances from the
	 * selector's encoding (SDM Appendix B): limit +0x4000, access rights
	 * +0x4014, base +0x6006. */
	vmx_vmwrite(selector_field, selector);
	vmx_vmwrite(selector_field + 0x4000, limit);
	vmx_vmwrite(selector_field + 0x4014, access);
	vmx_vmwrite(selector_field + 0x6006, 0);
}

void vmcs_setup_guest_protected_mode(uint32_t eip)
{
	/* The Linux 32-bit boot protocol's entry state: flat 4 GiB segments,
	 * CS 0x10 and the data segments 0x18, paging off. The guest loads
	 * its own GDT at once, so none need exist in its memory. */
	set_control_registers(CR0_PE | CR0_ET);
	set_segment(GUEST_CS_SELECTOR, 0x10, 0xffffffff, 0xc09b);
	set_segment(GUEST_SS_SELECTOR, 0x18, 0xffffffff, 0xc093);
	set_segment(GUEST_DS_SELECTOR, 0x18, 0xffffffff, 0xc093);
	set_segment(GUEST_ES_SELECTOR, 0x18, 0xffffffff, 0xc093);
	set_segment(GUEST_FS_SELECTOR, 0x18, 0xffffffff, 0xc093);
	set_segment(GUEST_GS_SELECTOR, 0x18, 0xffffffff, 0xc093);
	set_segment(GUEST_TR_SELECTOR, 0, 0xffff, 0x8b);
	set_segment(GUEST_LDTR_SELECTOR, 0, 0, AR_UNUSABLE);
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0);
	set_common_guest_state(eip, 0);
}

void vmcs_setup_guest_real_mode(uint16_t ip, uint16_t sp)
{
	set_control_registers(CR0_ET | CR0_NE);
	/* Accessed code (0x9b) and data (0x93) segments, as real mode
	 * leaves them; TR must be a usable busy TSS, LDTR unusable. */
	set_segment(GUEST_CS_SELECTOR, 0, 0xffff, 0x9b);
	set_segment(GUEST_SS_SELECTOR, 0, 0xffff, 0x93);
	set_segment(GUEST_DS_SELECTOR, 0, 0xffff, 0x93);
	set_segment(GUEST_ES_SELECTOR, 0, 0xffff, 0x93);
	set_segment(GUEST_FS_SELECTOR, 0, 0xffff, 0x93);
	set_segment(GUEST_GS_SELECTOR, 0, 0xffff, 0x93);
	set_segment(GUEST_TR_SELECTOR, 0, 0xffff, 0x8b);
	set_segment(GUEST_LDTR_SELECTOR, 0, 0xffff, AR_UNUSABLE);
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0xffff);
	set_common_guest_state(ip, sp);
}

void vmcs_setup_guest_startup(uint8_t vector)
{
	vmcs_setup_guest_real_mode(0, 0);
	vmcs_write16(GUEST_CS_SELECTOR, (uint16_t)(vector << 8));
	vmcs_writel(GUEST_CS_BASE, (uint64_t)vector << 12);
}

/*
 * Computes solo's VMX control words from the capability MSRs. Each control
 * is either required (missing means solo cannot run, and the caller gets
 * the feature's name) or wanted (used when present). Shared by the boot
 * stage's "no usable VT-x" check and the hypervisor's VMCS set-up.
 */
#include "vmx_caps.h"

#define CR0_PE (1ULL << 0)
#define CR0_PG (1ULL << 31)

struct required_bit {
	uint32_t bit;
	const char *name;
};

static const struct required_bit required_pinbased[] = {
    {PIN_BASED_PREEMPTION_TIMER, "VMX-preemption timer"},
};

static const struct required_bit required_procbased[] = {
    {CPU_BASED_HLT_EXITING, "HLT exiting"},
    {CPU_BASED_USE_IO_BITMAPS, "I/O bitmaps"},
    {CPU_BASED_USE_MSR_BITMAPS, "MSR bitmaps"},
    {CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, "secondary controls"},
};

static const struct required_bit required_procbased2[] = {
    {SECONDARY_EXEC_ENABLE_EPT, "EPT"},
    {SECONDARY_EXEC_ENABLE_VPID, "VPID"},
    {SECONDARY_EXEC_UNRESTRICTED_GUEST, "unrestricted guest"},
};

/* DR7 and IA32_DEBUGCTL go with the guest through the VMCS: without
 * these, every VM exit would reset the guest's DR7 to 0x400. */
static const struct required_bit required_exit[] = {
    {VM_EXIT_SAVE_DEBUG_CONTROLS, "save debug controls on VM exit"},
    {VM_EXIT_HOST_ADDR_SPACE_SIZE, "64-bit host on VM exit"},
    {VM_EXIT_SAVE_IA32_EFER, "save IA32_EFER on VM exit"},
    {VM_EXIT_LOAD_IA32_EFER, "load IA32_EFER on VM exit"},
};

static const struct required_bit required_entry[] = {
    {VM_ENTRY_LOAD_DEBUG_CONTROLS, "load debug controls on VM entry"},
    {VM_ENTRY_LOAD_IA32_EFER, "load IA32_EFER on VM entry"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void vmx_caps_read(vmx_rdmsr_fn rdmsr, struct vmx_cap_msrs *caps)
{
	*caps = (struct vmx_cap_msrs){0};
	caps->basic = rdmsr(MSR_IA32_VMX_BASIC);
	bool true_ctls = (caps->basic & VMX_BASIC_TRUE_CTLS) != 0;
	caps->pinbased =
	    rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS);
	caps->procbased =
	    rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS);
	caps->exit = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS);
	caps->entry = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS);
	caps->misc = rdmsr(MSR_IA32_VMX_MISC);
	caps->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	caps->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	caps->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	caps->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	/* The secondary MSR exists only if the primary controls can
	 * activate it, and EPT/VPID caps only if either feature can be on
	 * (SDM A.3.3, A.10); reading a missing MSR would fault. */
	if ((caps->procbased >> 32) & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) {
		caps->procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
		uint32_t allowed1 = (uint32_t)(caps->procbased2 >> 32);
		if (allowed1 & (SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID))
			caps->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	}
}

uint32_t vmx_adjust_controls(uint64_t cap_msr, uint32_t wanted)
{
	uint32_t must_be_one = (uint32_t)cap_msr;
	uint32_t may_be_one = (uint32_t)(cap_msr >> 32);
	return (wanted | must_be_one) & may_be_one;
}

/* Returns the name of the first required bit the capability does not
 * allow, or NULL when all are allowed. */
static const char *first_missing(uint64_t cap_msr, const struct required_bit *bits, unsigned n)
{
	uint32_t may_be_one = (uint32_t)(cap_msr >> 32);
	for (unsigned i = 0; i < n; i++)
		if (!(may_be_one & bits[i].bit))
			return bits[i].name;
	return 0;
}

static uint32_t required_mask(const struct required_bit *bits, unsigned n)
{
	uint32_t mask = 0;
	for (unsigned i = 0; i < n; i++)
		mask |= bits[i].bit;
	return mask;
}

static const char *check_ept_vpid(uint64_t ept_vpid)
{
	if (!(ept_vpid & EPT_CAP_WALK_LENGTH_4))
		return "EPT 4-level page walk";
	if (!(ept_vpid & EPT_CAP_MEMTYPE_WB))
		return "EPT write-back paging structures";
	/* solo issues only all-context INVEPT and INVVPID (type 2); a CPU
	 * without that type fails them with VMfailValid, leaving stale
	 * translations behind (SDM 30.3). */
	if (!(ept_vpid & EPT_CAP_INVEPT) || !(ept_vpid & EPT_CAP_INVEPT_ALL_CONTEXT))
		return "INVEPT";
	if (!(ept_vpid & VPID_CAP_INVVPID) || !(ept_vpid & VPID_CAP_INVVPID_ALL_CONTEXT))
		return "INVVPID";
	return 0;
}

bool vmx_controls_compute(const struct vmx_cap_msrs *caps, struct vmx_controls *controls,
                          struct vmx_features *features, const char **missing)
{
	const char *gap = 0;
	if (!caps->basic)
		gap = "VMX capability MSRs";
	if (!gap)
		gap = first_missing(caps->pinbased, required_pinbased, COUNT(required_pinbased));
	if (!gap)
		gap = first_missing(caps->procbased, required_procbased, COUNT(required_procbased));
	if (!gap)
		gap = first_missing(caps->procbased2, required_procbased2,
		                    COUNT(required_procbased2));
	if (!gap)
		gap = first_missing(caps->exit, required_exit, COUNT(required_exit));
	if (!gap)
		gap = first_missing(caps->entry, required_entry, COUNT(required_entry));
	if (!gap)
		gap = check_ept_vpid(caps->ept_vpid);
	if (gap) {
		*missing = gap;
		return false;
	}

	uint32_t proc2_allowed = (uint32_t)(caps->procbased2 >> 32);
	uint32_t proc_allowed = (uint32_t)(caps->procbased >> 32);
	*features = (struct vmx_features){
	    .vmcs_revision = (uint32_t)caps->basic & 0x7fffffff,
	    .vmcs_size = (uint32_t)(caps->basic >> 32) & 0x1fff,
	    .ept_2mb_pages = (caps->ept_vpid & EPT_CAP_2MB_PAGES) != 0,
	    .ept_1gb_pages = (caps->ept_vpid & EPT_CAP_1GB_PAGES) != 0,
	    .tpr_shadow = (proc_allowed & CPU_BASED_TPR_SHADOW) != 0,
	    .virtualize_x2apic = (proc2_allowed & SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE) != 0,
	    .apic_register_virt = (proc2_allowed & SECONDARY_EXEC_APIC_REGISTER_VIRT) != 0,
	    .virtual_intr_delivery = (proc2_allowed & SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY) != 0,
	    .preemption_timer_shift = (unsigned)(caps->misc & 0x1f),
	};

	/* Everything not asked for stays at the CPU's must-be-one default;
	 * optional features are switched on per VMCS by their users. */
	*controls = (struct vmx_controls){
	    .pinbased = vmx_adjust_controls(
	        caps->pinbased, required_mask(required_pinbased, COUNT(required_pinbased)) |
	                            PIN_BASED_EXT_INTR_EXITING | PIN_BASED_NMI_EXITING),
	    .procbased = vmx_adjust_controls(
	        caps->procbased, required_mask(required_procbased, COUNT(required_procbased))),
	    .procbased2 = vmx_adjust_controls(
	        caps->procbased2, required_mask(required_procbased2, COUNT(required_procbased2))),
	    .exit = vmx_adjust_controls(caps->exit,
	                                required_mask(required_exit, COUNT(required_exit)) |
	                                    VM_EXIT_ACK_INTR_ON_EXIT | VM_EXIT_SAVE_IA32_PAT |
	                                    VM_EXIT_LOAD_IA32_PAT | VM_EXIT_SAVE_PREEMPTION_TIMER),
	    .entry = vmx_adjust_controls(caps->entry,
	                                 required_mask(required_entry, COUNT(required_entry)) |
	                                     VM_ENTRY_LOAD_IA32_PAT),
	};
	*missing = 0;
	return true;
}

uint64_t vmx_fixed_cr0(const struct vmx_cap_msrs *caps, uint64_t cr0, bool unrestricted)
{
	uint64_t must_be_one = caps->cr0_fixed0;
	if (unrestricted)
		must_be_one &= ~(CR0_PE | CR0_PG);
	return (cr0 | must_be_one) & caps->cr0_fixed1;
}

uint64_t vmx_fixed_cr4(const struct vmx_cap_msrs *caps, uint64_t cr4)
{
	return (cr4 | caps->cr4_fixed0) & caps->cr4_fixed1;
}

/*
 * MSR policy. Passed through: the syscall/sysenter MSRs, FS/GS bases and
 * KERNEL_GS_BASE. The CPU loads FS/GS/SYSENTER from the VMCS on every
 * entry and exit; the others solo's host code never uses (no syscalls, no
 * swapgs), so the guest's values can stay in the hardware while it runs
 * on this CPU. Emulated: EFER (solo tracks LME/LMA), the APIC base and
 * x2APIC registers, the TSC deadline, and a few identification MSRs Linux
 * reads. Everything else is #GP, as on a CPU that lacks the MSR.
 */
#include "core/guest_msr.h"
#include "vmx/msr_bitmap.h"
#include "vmx/vmcs.h"

#define MISC_ENABLE_FAST_STRINGS (1ULL << 0)
#define MISC_ENABLE_BTS_UNAVAILABLE (1ULL << 11)
#define MISC_ENABLE_PEBS_UNAVAILABLE (1ULL << 12)
#define APIC_BASE_BSP (1ULL << 8)
#define APIC_BASE_X2APIC (1ULL << 10)

static const uint32_t pass_through[] = {
    MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_STAR, MSR_LSTAR,
    MSR_CSTAR, MSR_SYSCALL_MASK, MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
};

void guest_msr_setup_bitmap(uint8_t *bitmap)
{
	msr_bitmap_intercept_all(bitmap);
	for (unsigned i = 0; i < sizeof(pass_through) / sizeof(pass_through[0]); i++)
		msr_bitmap_pass_through(bitmap, pass_through[i]);
}

static uint64_t apic_base(const struct vcpu *vcpu)
{
	return GUEST_APIC_BASE | (vcpu->apic.x2apic_mode ? APIC_BASE_X2APIC : 0) |
	       (vcpu->index == 0 ? APIC_BASE_BSP : 0);
}

/* The guest may move its APIC from xAPIC to x2APIC mode, as Linux does
 * once it knows the hypervisor allows x2APIC without interrupt
 * remapping; any other change (disabling it, moving its base, leaving
 * x2APIC mode) is refused. */
static bool write_apic_base(struct vcpu *vcpu, uint64_t value)
{
	uint64_t now = apic_base(vcpu);
	if (value == now)
		return true;
	if (!vcpu->apic.x2apic_mode && value == (now | APIC_BASE_X2APIC)) {
		vcpu->apic.x2apic_mode = true;
		return true;
	}
	return false;
}

bool guest_msr_read(struct vcpu *vcpu, uint32_t msr, uint64_t now, uint64_t *value)
{
	if (msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST)
		return vcpu->apic.x2apic_mode && x2apic_read(&vcpu->apic, msr, now, value);
	switch (msr) {
	case MSR_IA32_EFER:
		*value = vcpu->efer;
		return true;
	case MSR_IA32_APIC_BASE:
		*value = apic_base(vcpu);
		return true;
	case MSR_IA32_TSC_DEADLINE:
		*value = x2apic_read_tsc_deadline(&vcpu->apic);
		return true;
	case MSR_IA32_TSC:
		*value = now;
		return true;
	case MSR_IA32_PAT:
		*value = vmcs_read64(GUEST_IA32_PAT);
		return true;
	case MSR_IA32_MISC_ENABLE:
		*value = MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_BTS_UNAVAILABLE |
			 MISC_ENABLE_PEBS_UNAVAILABLE;
		return true;
	case MSR_IA32_FEATURE_CONTROL_MSR:
		/* Locked with VMX off: the guest gets no nested VMX. */
		*value = 1;
		return true;
	case MSR_IA32_BIOS_SIGN_ID: /* no microcode revision to report */
	case MSR_IA32_PLATFORM_ID:
		*value = 0;
		return true;
	default:
		return false;
	}
}

/* Valid PAT entries are memory types 0, 1, 4, 5, 6, 7 (SDM 11.12.2). */
static bool pat_valid(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		uint8_t type = (uint8_t)(pat >> (i * 8));
		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

static bool write_efer(struct vcpu *vcpu, uint64_t value)
{
	if (value & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
		return false;
	/* LMA is the CPU's to set: keep solo's view of it. LME may not
	 * change while paging is on (SDM 10.8.5). */
	value = (value & ~EFER_LMA) | (vcpu->efer & EFER_LMA);
	if ((vmcs_readl(GUEST_CR0) & (1ULL << 31)) && ((value ^ vcpu->efer) & EFER_LME))
		return false;
	vcpu->efer = value;
	vmcs_write64(GUEST_IA32_EFER, value);
	return true;
}

bool guest_msr_write(struct vcpu *vcpu, uint32_t msr, uint64_t value, uint64_t now)
{
	if (msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST)
		return vcpu->apic.x2apic_mode && x2apic_write(&vcpu->apic, msr, value, now);
	switch (msr) {
	case MSR_IA32_EFER:
		return write_efer(vcpu, value);
	case MSR_IA32_APIC_BASE:
		return write_apic_base(vcpu, value);
	case MSR_IA32_TSC_DEADLINE:
		x2apic_write_tsc_deadline(&vcpu->apic, value);
		return true;
	case MSR_IA32_PAT:
		if (!pat_valid(value))
			return false;
		vmcs_write64(GUEST_IA32_PAT, value);
		return true;
	case MSR_IA32_BIOS_SIGN_ID: /* Linux writes 0 before reading it */
	case MSR_IA32_MISC_ENABLE:
		return true;
	default:
		return false;
	}
}

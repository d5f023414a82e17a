/*
 * vCPU context switches. The VMCS switches most guest state by itself;
 * what it does not (SDM 27.3/28.3 list what VM entry and exit load) solo
 * saves and restores here, because another partition's guest will run on
 * this CPU meanwhile: the extended registers and XCR0 (XSAVE/XRSTOR in
 * fpu_reset.S, the only code allowed to touch them), CR2, the debug
 * registers DR0-DR3 and DR6 (guests use them without a VM exit), and the
 * MSRs passed through to guests (guest_msr.c) that VM exits leave alone.
 */
#include <string.h>

#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/vmx_ops.h"
#include "core/guest_msr.h"
#include "core/vcpu_context.h"
#include "mm/phys.h"

#define CPUID1_ECX_XSAVE (1u << 26)
#define DR6_RESET        0xffff0ff0ULL

static const uint32_t switched_msrs[5] = {MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
                                          MSR_KERNEL_GS_BASE};

static bool has_xsave(void)
{
	return (cpu_cpuid(1, 0).ecx & CPUID1_ECX_XSAVE) != 0;
}

uint64_t vcpu_context_xsave_pages(void)
{
	uint64_t bytes = has_xsave() ? cpu_cpuid(0xd, 0).ecx : 512;
	return (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* Every extended register in its reset state, XCR0 = x87, as a CPU comes
 * out of reset, whatever the last guest here left. */
static void reset_extended_state(struct vcpu *v)
{
	static const struct {
		uint8_t legacy[512];
		uint8_t header[64];
	} __attribute__((aligned(64))) init_area = {.legacy = {[24] = 0x80, [25] = 0x1f}};
	uint64_t all = 0;
	if (has_xsave()) {
		struct cpuid_regs xsave = cpu_cpuid(0xd, 0);
		all = ((uint64_t)xsave.edx << 32) | xsave.eax;
		cpu_xsetbv(0, all);
	}
	fpu_reset_extended_state(&init_area, all);
	if (all)
		cpu_xsetbv(0, v->xcr0);
}

bool vcpu_context_load(struct vcpu *vcpu)
{
	if (!vcpu->context_saved) {
		static const struct debug_regs reset_debug = {.dr6 = DR6_RESET};
		reset_extended_state(vcpu);
		cpu_write_cr2(0);
		cpu_write_debug_regs(&reset_debug);
		for (unsigned i = 0; i < 5; i++)
			cpu_wrmsr(switched_msrs[i], 0);
	} else {
		bool xsave = has_xsave();
		if (xsave)
			cpu_xsetbv(0, vcpu->xcr0);
		fpu_restore_extended_state(hpa_to_ptr(vcpu->xsave_area), xsave ? vcpu->xcr0 : 0);
		cpu_write_cr2(vcpu->cr2);
		cpu_write_debug_regs(&vcpu->debug);
		for (unsigned i = 0; i < 5; i++)
			cpu_wrmsr(switched_msrs[i], vcpu->msrs[i]);
	}
	return vmx_ptrld(vcpu->vmcs) == 0;
}

/* Where XSAVE keeps the bitmap of the components an area holds. */
#define XSAVE_XSTATE_BV_OFFSET 512

void vcpu_context_save(struct vcpu *vcpu)
{
	bool xsave = has_xsave();
	uint8_t *area = hpa_to_ptr(vcpu->xsave_area);
	/* XSAVE updates XSTATE_BV only for the components it saves. Bits
	 * left from a save under a larger XCR0 would make the next XRSTOR
	 * fault in solo once the guest has lowered its XCR0 (SDM Vol. 1
	 * 13.8.1), so the header starts empty: a component not saved now is
	 * restored in its initial state. */
	if (xsave)
		memset(area + XSAVE_XSTATE_BV_OFFSET, 0, sizeof(uint64_t));
	fpu_save_extended_state(area, xsave ? vcpu->xcr0 : 0);
	vcpu->cr2 = cpu_read_cr2();
	cpu_read_debug_regs(&vcpu->debug);
	for (unsigned i = 0; i < 5; i++)
		vcpu->msrs[i] = cpu_rdmsr(switched_msrs[i]);
	vcpu->context_saved = true;
}

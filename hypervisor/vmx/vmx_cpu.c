/*
 * Per-CPU VMX enablement (SDM Vol. 3 section 24.7). The capability MSRs
 * are read once on the boot CPU; each AP checks its own match, since
 * every VMCS is built with the boot CPU's control words.
 */
#include <stdio.h>
#include <string.h>

#include "arch/cpu.h"
#include "arch/vmx_ops.h"
#include "core/pcpu.h"
#include "mm/page_alloc.h"
#include "vmx/vmx_cpu.h"

#define CR4_VMXE (1ULL << 13)
#define CR4_OSXSAVE (1ULL << 18)
#define CPUID1_ECX_XSAVE (1u << 26)

struct vmx_cap_msrs vmx_caps;
struct vmx_controls vmx_controls;
struct vmx_features vmx_features;

static uint64_t read_msr(uint32_t msr)
{
	return cpu_rdmsr(msr);
}

bool vmx_global_init(const char **missing)
{
	vmx_caps_read(read_msr, &vmx_caps);
	return vmx_controls_compute(&vmx_caps, &vmx_controls, &vmx_features, missing);
}

bool vmx_cpu_matches_boot_cpu(void)
{
	struct vmx_cap_msrs mine;
	vmx_caps_read(read_msr, &mine);
	return memcmp(&mine, &vmx_caps, sizeof(mine)) == 0;
}

bool vmx_cpu_enable(struct pcpu *cpu, char *err, size_t errlen)
{
	uint64_t fc = cpu_rdmsr(MSR_IA32_FEATURE_CONTROL);
	if (fc & FEATURE_CONTROL_LOCKED) {
		if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
			snprintf(err, errlen, "VMX disabled and locked in IA32_FEATURE_CONTROL");
			return false;
		}
	} else {
		cpu_wrmsr(MSR_IA32_FEATURE_CONTROL,
		          fc | FEATURE_CONTROL_VMX_OUTSIDE_SMX | FEATURE_CONTROL_LOCKED);
	}
	if (!vmx_cpu_matches_boot_cpu()) {
		snprintf(err, errlen, "VMX capabilities differ from the boot CPU's");
		return false;
	}
	cpu_write_cr0(vmx_fixed_cr0(&vmx_caps, cpu_read_cr0(), false));
	/* OSXSAVE lets solo load each guest's XCR0 with XSETBV. */
	uint64_t osxsave = (cpu_cpuid(1, 0).ecx & CPUID1_ECX_XSAVE) ? CR4_OSXSAVE : 0;
	cpu_write_cr4(vmx_fixed_cr4(&vmx_caps, cpu_read_cr4() | CR4_VMXE | osxsave));

	if (!cpu->vmxon_region)
		cpu->vmxon_region = page_alloc_zeroed();
	if (!cpu->vmxon_region) {
		snprintf(err, errlen, "out of memory for the VMXON region");
		return false;
	}
	*(uint32_t *)hpa_to_ptr(cpu->vmxon_region) = vmx_features.vmcs_revision;
	int rc = vmx_on(cpu->vmxon_region);
	if (rc) {
		snprintf(err, errlen, "VMXON failed (%s)",
		         rc == VMX_FAIL_INVALID ? "VMfailInvalid" : "VMfailValid");
		return false;
	}
	/* Nothing may be cached from before: flush all EPT and VPID
	 * translations this CPU might hold. */
	vmx_invept(2, 0);
	vmx_invvpid(2, 0);
	return true;
}

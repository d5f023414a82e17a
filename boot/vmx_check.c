/*
 * Refuses to start on a CPU where solo cannot run, before anything is
 * loaded: the CPU must be Intel, report VMX, not have VMX locked off by
 * the firmware, and offer every VMX control the hypervisor requires. The
 * control check is the hypervisor's own code (hypervisor/vmx/vmx_caps.c),
 * so the boot stage and the hypervisor can never disagree on "usable".
 * An unlocked IA32_FEATURE_CONTROL is left alone: the hypervisor sets and
 * locks it on every CPU.
 */
#include "boot.h"
#include "cpu.h"
#include "vmx/vmx_caps.h"

#define CPUID_1_ECX_VMX (1u << 5)

static bool refuse(const CHAR16 *fmt, const void *arg)
{
	Print(L"solo-boot: error: cannot start: no usable VT-x: ");
	Print(fmt, arg);
	Print(L"\n");
	return false;
}

static uint64_t read_msr(uint32_t msr)
{
	return cpu_rdmsr(msr);
}

bool vmx_check(void)
{
	struct cpuid_regs r = cpu_cpuid(0, 0);
	CHAR8 vendor[13];
	memcpy(vendor, &r.ebx, 4);
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = '\0';
	if (memcmp(vendor, "GenuineIntel", 12) != 0)
		return refuse(L"not an Intel CPU (vendor %a)", vendor);

	if (!(cpu_cpuid(1, 0).ecx & CPUID_1_ECX_VMX))
		return refuse(L"VMX absent", NULL);

	/* Only now is MSR 0x3A known to exist. */
	uint64_t feature_control = cpu_rdmsr(MSR_IA32_FEATURE_CONTROL);
	if ((feature_control & FEATURE_CONTROL_LOCKED) &&
	    !(feature_control & FEATURE_CONTROL_VMX_OUTSIDE_SMX))
		return refuse(L"VMX disabled and locked in IA32_FEATURE_CONTROL", NULL);

	struct vmx_cap_msrs caps;
	struct vmx_controls controls;
	struct vmx_features features;
	const char *missing;
	vmx_caps_read(read_msr, &caps);
	if (!vmx_controls_compute(&caps, &controls, &features, &missing))
		return refuse(L"required VMX feature missing: %a", missing);

	console_info(L"VT-x usable: VMCS revision 0x%lx, IA32_FEATURE_CONTROL %a",
	             (UINT64)features.vmcs_revision,
	             (feature_control & FEATURE_CONTROL_LOCKED) ? "locked (VMX on)"
	                                                        : "unlocked (hypervisor locks it)");
	return true;
}

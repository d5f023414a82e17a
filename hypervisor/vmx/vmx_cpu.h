/*
 * Entering VMX root operation on a CPU, and the control words every VMCS
 * uses (computed once on the boot CPU from the capability MSRs).
 */
#ifndef SOLO_VMX_VMX_CPU_H
#define SOLO_VMX_VMX_CPU_H

#include <stdbool.h>
#include <stddef.h>

#include "mm/phys.h"
#include "vmx/vmx_caps.h"

struct pcpu;

extern struct vmx_cap_msrs vmx_caps;
extern struct vmx_controls vmx_controls;
extern struct vmx_features vmx_features;

/* Reads the capability MSRs and computes the controls. On failure *missing
 * names the first missing required feature. */
bool vmx_global_init(const char **missing);

/* Enables VMX on this CPU: IA32_FEATURE_CONTROL (set and lock when the
 * firmware left it unlocked), the CR0/CR4 fixed bits, VMXON. On failure
 * writes a one-line cause to err. */
bool vmx_cpu_enable(struct pcpu *cpu, char *err, size_t errlen);

/* Checks this CPU offers the same VMX capabilities as the boot CPU. */
bool vmx_cpu_matches_boot_cpu(void);

#endif

/*
 * The VMX capability and control globals, which hypervisor/vmx/vmx_cpu.c
 * defines on the hypervisor side. Tests of code that only reads them
 * (the CR0 fixed bits, the HLT activity state, the preemption-timer rate)
 * link this file instead of vmx_cpu.c and its VMXON path, and set the
 * fields they need directly.
 */
#include "vmx/vmx_cpu.h"

struct vmx_cap_msrs vmx_caps;
struct vmx_controls vmx_controls;
struct vmx_features vmx_features;

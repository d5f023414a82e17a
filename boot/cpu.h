/*
 * The x86 instructions the boot stage needs come from the hypervisor's
 * architecture layer (arch/cpu.h: static inline, no hypervisor state), so
 * there is one copy of each; this adds what only the boot stage asks.
 */
#ifndef SOLO_BOOT_CPU_H
#define SOLO_BOOT_CPU_H

#include <stdint.h>

#include "arch/cpu.h"

/* The BSP's initial APIC ID: the x2APIC ID from leaf 0xB when the CPU
 * has it (8 bits are not enough past 255 CPUs), else CPUID.1:EBX[31:24]. */
static inline uint32_t cpu_apic_id(void)
{
	if (cpu_cpuid(0, 0).eax >= 0xb) {
		struct cpuid_regs topo = cpu_cpuid(0xb, 0);
		if (topo.ebx != 0)
			return topo.edx;
	}
	return cpu_cpuid(1, 0).ebx >> 24;
}

#endif

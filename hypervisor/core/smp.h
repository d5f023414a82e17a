/* Bringing every CPU into VMX root operation and running its test VMs. */
#ifndef SOLO_CORE_SMP_H
#define SOLO_CORE_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/phys.h"

struct pcpu;
struct vmx_bitmaps;

struct smp_plan {
	hpa_t trampoline_page;
	hpa_t cr3;
	unsigned selftest; /* CONFIG_SELFTEST_* bits */
	const struct vmx_bitmaps *bitmaps;
	uint64_t tsc_hz;
};

/* Runs every partition in this CPU's run queue to its end, then marks the
 * queue done. */
__attribute__((noreturn)) void smp_run_queue(struct pcpu *cpu);

/* Allocates what each CPU keeps for good (stacks, VMXON region), so that
 * the memory the test VMs use can be accounted for exactly. */
bool smp_prepare_cpus(void);

/* Starts every AP in pcpus[1..pcpu_count), each of which enables VMX and
 * runs its test VMs (the probe only: the others run once, on the boot
 * CPU). Does not wait for them to finish. */
void smp_start_aps(const struct smp_plan *plan);

/* Brings the calling (boot) CPU into VMX and runs its test VMs. */
void smp_run_boot_cpu(struct pcpu *cpu, const struct smp_plan *plan);

/* Waits up to `microseconds` for every started CPU to finish; returns the
 * number of CPUs that reached VMX root operation. */
unsigned smp_wait_all(uint64_t microseconds);

#endif

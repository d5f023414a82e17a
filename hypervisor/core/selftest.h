/*
 * Test VMs that prove the VMX round trip on each CPU: "probe" runs CPUID,
 * OUT, VMCALL and HLT; "stray" reads memory outside its RAM; "bad-entry"
 * starts with invalid guest state. Each must end the way it should,
 * without disturbing the hypervisor or the other VMs.
 */
#ifndef SOLO_CORE_SELFTEST_H
#define SOLO_CORE_SELFTEST_H

#include <stdbool.h>
#include <stdint.h>

struct pcpu;
struct vmx_bitmaps;

/* Runs the test VMs selected by `which` (CONFIG_SELFTEST_* bits, in the
 * order probe, stray, bad-entry) on this CPU; returns true when all of
 * them ended as expected. */
bool selftest_run(struct pcpu *cpu, unsigned which, const struct vmx_bitmaps *bitmaps);

#endif

/*
 * Test-side controls of the fake CPU (tests/fakes/fake_cpu.c). MSRs and
 * CPUID leaves must be declared before production code touches them:
 * reading an undeclared MSR or asking for an unscripted CPUID leaf fails
 * the test, as a #GP or a wrong answer would on hardware.
 */
#ifndef SOLO_FAKE_CPU_H
#define SOLO_FAKE_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/cpu.h"

#define FAKE_PORT_LOG_MAX 64

struct fake_port_access {
	uint16_t port;
	uint8_t value;
	bool out;
};

/* Registers that are plain values, read and written directly by tests. */
struct fake_cpu_state {
	uint64_t cr0, cr2, cr3, cr4;
	struct debug_regs debug;
	uint64_t tsc, tsc_step; /* each rdtsc returns tsc, then adds tsc_step */
	uint64_t xcr0;          /* XSETBV of any XCR but 0 fails the test */
	unsigned xsetbv_calls;
	unsigned cr0_writes, cr3_writes, cr4_writes;
	bool interrupts_disabled;
	struct descriptor_pointer gdtr, idtr;
	uint16_t tr, cs;
};

extern struct fake_cpu_state fake_cpu;

/* Forgets every MSR, CPUID answer, port access and register value. */
void fake_cpu_reset(void);

/* Declares an MSR with its current value. */
void fake_msr_set(uint32_t msr, uint64_t value);
/* Its value; fails the test when the MSR was never declared. */
uint64_t fake_msr_get(uint32_t msr);
unsigned fake_msr_reads(uint32_t msr);
unsigned fake_msr_writes(uint32_t msr);
/* Every rdmsr since the reset, in order; for checking read order. */
unsigned fake_msr_read_log(const uint32_t **log);

void fake_cpuid_set(uint32_t leaf, uint32_t subleaf, struct cpuid_regs regs);
unsigned fake_cpuid_calls(void);

/* The byte the next IN from `port` returns (0xff when not set). */
void fake_port_set_in(uint16_t port, uint8_t value);
unsigned fake_port_log(const struct fake_port_access **log);

#endif

/*
 * Host-test stand-in for hypervisor/arch/x86/include/arch/cpu.h: the same
 * API, but every privileged instruction is a plain function in
 * tests/fakes/fake_cpu.c acting on a fake MSR table, a scripted CPUID
 * table, a port log and fake control registers (fake/cpu.h drives them).
 */
#ifndef SOLO_ARCH_CPU_H
#define SOLO_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

struct cpuid_regs cpu_cpuid(uint32_t leaf, uint32_t subleaf);
uint64_t cpu_rdmsr(uint32_t msr);
void cpu_wrmsr(uint32_t msr, uint64_t value);

uint64_t cpu_read_cr0(void);
void cpu_write_cr0(uint64_t v);
uint64_t cpu_read_cr3(void);
void cpu_write_cr3(uint64_t v);
uint64_t cpu_read_cr4(void);
void cpu_write_cr4(uint64_t v);
uint64_t cpu_read_cr2(void);
void cpu_write_cr2(uint64_t v);
struct debug_regs {
	uint64_t dr0, dr1, dr2, dr3, dr6;
};
void cpu_read_debug_regs(struct debug_regs *d);
void cpu_write_debug_regs(const struct debug_regs *d);

void cpu_outb(uint16_t port, uint8_t value);
uint8_t cpu_inb(uint16_t port);

void cpu_xsetbv(uint32_t index, uint64_t value);
uint64_t cpu_xgetbv(uint32_t index);

uint64_t cpu_rdtsc(void);
bool cpu_rdrand(uint64_t *out);
void cpu_pause(void);
void cpu_disable_interrupts(void);
/* Fails the running test: production code only halts for good when
 * something is fatally wrong. */
__attribute__((noreturn)) void cpu_halt_forever(void);

void cpu_lgdt(const struct descriptor_pointer *p);
void cpu_lidt(const struct descriptor_pointer *p);
void cpu_sgdt(struct descriptor_pointer *p);
void cpu_sidt(struct descriptor_pointer *p);
void cpu_ltr(uint16_t selector);
uint16_t cpu_read_selector_cs(void);
uint16_t cpu_str(void);

#endif

/*
 * The privileged x86 instructions solo uses outside VMX: CPUID, MSRs,
 * control registers, port I/O, TSC, interrupts. Everything above the
 * architecture layer reaches the hardware only through these, so host
 * tests replace this header (tests/fakes/include/arch/cpu.h) with fakes.
 */
#ifndef SOLO_ARCH_CPU_H
#define SOLO_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpu_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;
	__asm__ volatile("cpuid"
	                 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
	                 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t cpu_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
	                 : "memory");
}

#define CPU_CR_ACCESSORS(reg)                                                                      \
	static inline uint64_t cpu_read_##reg(void)                                                \
	{                                                                                          \
		uint64_t v;                                                                        \
		__asm__ volatile("mov %%" #reg ", %0" : "=r"(v));                                  \
		return v;                                                                          \
	}                                                                                          \
	static inline void cpu_write_##reg(uint64_t v)                                             \
	{                                                                                          \
		__asm__ volatile("mov %0, %%" #reg ::"r"(v) : "memory");                           \
	}
CPU_CR_ACCESSORS(cr0)
CPU_CR_ACCESSORS(cr3)
CPU_CR_ACCESSORS(cr4)
#undef CPU_CR_ACCESSORS

static inline uint64_t cpu_read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline void cpu_write_cr2(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr2" ::"r"(v) : "memory");
}

/* DR0-DR3 and DR6: the debug registers VM exits and entries leave alone
 * (DR7 is in the VMCS). */
struct debug_regs {
	uint64_t dr0, dr1, dr2, dr3, dr6;
};

static inline void cpu_read_debug_regs(struct debug_regs *d)
{
	__asm__ volatile("mov %%db0, %0" : "=r"(d->dr0));
	__asm__ volatile("mov %%db1, %0" : "=r"(d->dr1));
	__asm__ volatile("mov %%db2, %0" : "=r"(d->dr2));
	__asm__ volatile("mov %%db3, %0" : "=r"(d->dr3));
	__asm__ volatile("mov %%db6, %0" : "=r"(d->dr6));
}

static inline void cpu_write_debug_regs(const struct debug_regs *d)
{
	__asm__ volatile("mov %0, %%db0" ::"r"(d->dr0));
	__asm__ volatile("mov %0, %%db1" ::"r"(d->dr1));
	__asm__ volatile("mov %0, %%db2" ::"r"(d->dr2));
	__asm__ volatile("mov %0, %%db3" ::"r"(d->dr3));
	__asm__ volatile("mov %0, %%db6" ::"r"(d->dr6));
}

static inline void cpu_outb(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" ::"a"(value), "Nd"(port));
}

static inline uint8_t cpu_inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* XCR0 (extended feature enable register). Needs CR4.OSXSAVE. */
static inline void cpu_xsetbv(uint32_t index, uint64_t value)
{
	__asm__ volatile("xsetbv" ::"c"(index), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
	                 : "memory");
}

static inline uint64_t cpu_xgetbv(uint32_t index)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t cpu_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* 64 random bits from the CPU's generator (RDRAND); false when the CPU
 * has none (CPUID.1:ECX bit 30) or it stayed empty after retries. */
static inline bool cpu_rdrand(uint64_t *out)
{
	if (!((cpu_cpuid(1, 0).ecx >> 30) & 1))
		return false;
	for (int tries = 0; tries < 10; tries++) {
		unsigned char ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok) : : "cc");
		if (ok)
			return true;
	}
	return false;
}

static inline void cpu_pause(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void cpu_disable_interrupts(void)
{
	__asm__ volatile("cli" ::: "memory");
}

/* Stops this CPU for good: interrupts off, halt forever (an NMI or SMI
 * wakes it into the next hlt). */
static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static inline void cpu_lgdt(const struct descriptor_pointer *p)
{
	__asm__ volatile("lgdt %0" ::"m"(*p) : "memory");
}

static inline void cpu_lidt(const struct descriptor_pointer *p)
{
	__asm__ volatile("lidt %0" ::"m"(*p) : "memory");
}

static inline void cpu_sgdt(struct descriptor_pointer *p)
{
	__asm__ volatile("sgdt %0" : "=m"(*p));
}

static inline void cpu_sidt(struct descriptor_pointer *p)
{
	__asm__ volatile("sidt %0" : "=m"(*p));
}

static inline void cpu_ltr(uint16_t selector)
{
	__asm__ volatile("ltr %0" ::"r"(selector) : "memory");
}

static inline uint16_t cpu_read_selector_cs(void)
{
	uint16_t v;
	__asm__ volatile("mov %%cs, %0" : "=r"(v));
	return v;
}

static inline uint16_t cpu_str(void)
{
	uint16_t v;
	__asm__ volatile("str %0" : "=r"(v));
	return v;
}

#endif

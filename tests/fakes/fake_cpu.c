/*
 * The fake CPU behind tests/fakes/include/arch/cpu.h: a small MSR table, a
 * scripted CPUID table, a port log and plain variables for the control
 * registers. Anything production code asks for that the test did not
 * declare fails the test at once, so a wrong MSR number or an unexpected
 * CPUID query shows up as a clear message instead of a silent zero.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake/cpu.h"

#define MSR_MAX          64
#define CPUID_MAX        32
#define MSR_READ_LOG_MAX 128
#define PORT_IN_MAX      16

struct fake_msr {
	uint32_t msr;
	uint64_t value;
	unsigned reads, writes;
};

struct fake_cpuid {
	uint32_t leaf, subleaf;
	struct cpuid_regs regs;
};

struct fake_port_in {
	uint16_t port;
	uint8_t value;
};

struct fake_cpu_state fake_cpu;

static struct fake_msr msrs[MSR_MAX];
static unsigned msr_count;
static uint32_t msr_read_log[MSR_READ_LOG_MAX];
static unsigned msr_read_log_count;
static struct fake_cpuid cpuids[CPUID_MAX];
static unsigned cpuid_count, cpuid_calls;
static struct fake_port_access port_log[FAKE_PORT_LOG_MAX];
static unsigned port_log_count;
static struct fake_port_in port_ins[PORT_IN_MAX];
static unsigned port_in_count;

void fake_cpu_reset(void)
{
	memset(&fake_cpu, 0, sizeof(fake_cpu));
	msr_count = msr_read_log_count = 0;
	cpuid_count = cpuid_calls = 0;
	port_log_count = port_in_count = 0;
}

static struct fake_msr *find_msr(uint32_t msr)
{
	for (unsigned i = 0; i < msr_count; i++)
		if (msrs[i].msr == msr)
			return &msrs[i];
	return NULL;
}

void fake_msr_set(uint32_t msr, uint64_t value)
{
	struct fake_msr *m = find_msr(msr);
	if (!m) {
		assert_true(msr_count < MSR_MAX);
		m = &msrs[msr_count++];
		*m = (struct fake_msr){.msr = msr};
	}
	m->value = value;
}

static struct fake_msr *declared_msr(uint32_t msr, const char *what)
{
	struct fake_msr *m = find_msr(msr);
	if (!m)
		fail_msg("%s of MSR 0x%x, which the test did not declare", what, msr);
	return m;
}

uint64_t fake_msr_get(uint32_t msr)
{
	return declared_msr(msr, "fake_msr_get")->value;
}

unsigned fake_msr_reads(uint32_t msr)
{
	struct fake_msr *m = find_msr(msr);
	return m ? m->reads : 0;
}

unsigned fake_msr_writes(uint32_t msr)
{
	struct fake_msr *m = find_msr(msr);
	return m ? m->writes : 0;
}

unsigned fake_msr_read_log(const uint32_t **log)
{
	*log = msr_read_log;
	return msr_read_log_count;
}

uint64_t cpu_rdmsr(uint32_t msr)
{
	if (msr_read_log_count < MSR_READ_LOG_MAX)
		msr_read_log[msr_read_log_count++] = msr;
	struct fake_msr *m = declared_msr(msr, "rdmsr");
	m->reads++;
	return m->value;
}

void cpu_wrmsr(uint32_t msr, uint64_t value)
{
	struct fake_msr *m = declared_msr(msr, "wrmsr");
	m->writes++;
	m->value = value;
}

void fake_cpuid_set(uint32_t leaf, uint32_t subleaf, struct cpuid_regs regs)
{
	for (unsigned i = 0; i < cpuid_count; i++) {
		if (cpuids[i].leaf == leaf && cpuids[i].subleaf == subleaf) {
			cpuids[i].regs = regs;
			return;
		}
	}
	assert_true(cpuid_count < CPUID_MAX);
	cpuids[cpuid_count++] = (struct fake_cpuid){leaf, subleaf, regs};
}

unsigned fake_cpuid_calls(void)
{
	return cpuid_calls;
}

struct cpuid_regs cpu_cpuid(uint32_t leaf, uint32_t subleaf)
{
	cpuid_calls++;
	for (unsigned i = 0; i < cpuid_count; i++)
		if (cpuids[i].leaf == leaf && cpuids[i].subleaf == subleaf)
			return cpuids[i].regs;
	fail_msg("CPUID leaf 0x%x subleaf 0x%x not scripted by the test", leaf, subleaf);
	abort(); /* not reached: fail_msg does not return */
}

#define CR_ACCESSORS(reg)                                                                          \
	uint64_t cpu_read_##reg(void)                                                              \
	{                                                                                          \
		return fake_cpu.reg;                                                               \
	}                                                                                          \
	void cpu_write_##reg(uint64_t v)                                                           \
	{                                                                                          \
		fake_cpu.reg = v;                                                                  \
		fake_cpu.reg##_writes++;                                                           \
	}
CR_ACCESSORS(cr0)
CR_ACCESSORS(cr3)
CR_ACCESSORS(cr4)
#undef CR_ACCESSORS

uint64_t cpu_read_cr2(void)
{
	return fake_cpu.cr2;
}

void cpu_write_cr2(uint64_t v)
{
	fake_cpu.cr2 = v;
}

void cpu_read_debug_regs(struct debug_regs *d)
{
	*d = fake_cpu.debug;
}

void cpu_write_debug_regs(const struct debug_regs *d)
{
	fake_cpu.debug = *d;
}

static void log_port(uint16_t port, uint8_t value, bool out)
{
	assert_true(port_log_count < FAKE_PORT_LOG_MAX);
	port_log[port_log_count++] = (struct fake_port_access){port, value, out};
}

void fake_port_set_in(uint16_t port, uint8_t value)
{
	for (unsigned i = 0; i < port_in_count; i++) {
		if (port_ins[i].port == port) {
			port_ins[i].value = value;
			return;
		}
	}
	assert_true(port_in_count < PORT_IN_MAX);
	port_ins[port_in_count++] = (struct fake_port_in){port, value};
}

unsigned fake_port_log(const struct fake_port_access **log)
{
	*log = port_log;
	return port_log_count;
}

void cpu_outb(uint16_t port, uint8_t value)
{
	log_port(port, value, true);
}

uint8_t cpu_inb(uint16_t port)
{
	uint8_t value = 0xff; /* what an empty ISA bus returns */
	for (unsigned i = 0; i < port_in_count; i++)
		if (port_ins[i].port == port)
			value = port_ins[i].value;
	log_port(port, value, false);
	return value;
}

void cpu_xsetbv(uint32_t index, uint64_t value)
{
	if (index != 0)
		fail_msg("xsetbv of XCR%u, which does not exist (#GP)", index);
	fake_cpu.xcr0 = value;
	fake_cpu.xsetbv_calls++;
}

uint64_t cpu_xgetbv(uint32_t index)
{
	if (index != 0)
		fail_msg("xgetbv of XCR%u, which the fake does not model", index);
	return fake_cpu.xcr0;
}

/* A different number each call, like the real generator. */
bool cpu_rdrand(uint64_t *out)
{
	static uint64_t state = 0x9e3779b97f4a7c15ULL;
	state = state * 6364136223846793005ULL + 1442695040888963407ULL;
	*out = state;
	return true;
}

uint64_t cpu_rdtsc(void)
{
	uint64_t now = fake_cpu.tsc;
	fake_cpu.tsc += fake_cpu.tsc_step;
	return now;
}

void cpu_pause(void)
{
}

void cpu_disable_interrupts(void)
{
	fake_cpu.interrupts_disabled = true;
}

void cpu_halt_forever(void)
{
	fail_msg("cpu_halt_forever: production code stopped the CPU");
	abort();
}

void cpu_lgdt(const struct descriptor_pointer *p)
{
	fake_cpu.gdtr = *p;
}

void cpu_lidt(const struct descriptor_pointer *p)
{
	fake_cpu.idtr = *p;
}

void cpu_sgdt(struct descriptor_pointer *p)
{
	*p = fake_cpu.gdtr;
}

void cpu_sidt(struct descriptor_pointer *p)
{
	*p = fake_cpu.idtr;
}

void cpu_ltr(uint16_t selector)
{
	fake_cpu.tr = selector;
}

uint16_t cpu_read_selector_cs(void)
{
	return fake_cpu.cs;
}

uint16_t cpu_str(void)
{
	return fake_cpu.tr;
}

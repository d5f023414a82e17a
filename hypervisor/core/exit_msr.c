/*
 * RDMSR/WRMSR exits: ECX names the MSR, EDX:EAX carry the value. The
 * policy lives in guest_msr.c; refused accesses get #GP, as the SDM
 * prescribes for a missing or reserved MSR, and each refused MSR is noted
 * on the console once, to make guest bring-up debuggable; except those
 * every Linux boot probes (with rdmsr_safe, ready for a CPU that lacks
 * them), which are refused as quietly as such a CPU would, and only
 * counted.
 */
#include "arch/cpu.h"
#include "core/exit_handlers.h"
#include "core/guest_msr.h"
#include "core/partition.h"
#include "lib/console.h"

#define REFUSALS_NOTED 64
/* One partition notes at most this many, so a hostile one cannot use up
 * the table for the rest; its end-of-run summary counts them all. */
#define REFUSALS_NOTED_PER_PARTITION 8

/* Each refused MSR is noted once per boot, not once per partition: every
 * Linux guest probes the same few, and the console is for news. Two CPUs
 * racing may both note one; that is harmless. */
/* Probed on every boot by Linux 6.1, Debian's cloud kernel included:
 * PPIN_CTL, SMI_COUNT, MISC_FEATURES_ENABLES, PPERF, and AMD's DE_CFG. */
static const uint32_t expected_probes[] = {0x4e, 0x34, 0x140, 0x64e, 0xc0011029};

static bool expected_probe(uint32_t msr)
{
	for (unsigned i = 0; i < sizeof(expected_probes) / sizeof(expected_probes[0]); i++)
		if (expected_probes[i] == msr)
			return true;
	return false;
}

static uint32_t noted[REFUSALS_NOTED];
static unsigned noted_count;

void exit_msr_forget_notes(void)
{
	__atomic_store_n(&noted_count, 0, __ATOMIC_RELEASE);
}

static void note_refusal(struct vcpu *vcpu, const char *what, uint32_t msr, uint64_t value)
{
	if (vcpu->msr_refusals++ >= REFUSALS_NOTED_PER_PARTITION || expected_probe(msr))
		return;
	unsigned count = __atomic_load_n(&noted_count, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < count; i++)
		if (noted[i] == msr)
			return;
	if (count == REFUSALS_NOTED)
		return;
	noted[count] = msr;
	__atomic_store_n(&noted_count, count + 1, __ATOMIC_RELEASE);
	console_printf("solo: [%s] %s MSR 0x%x (0x%llx): #GP (noted once per boot)\n",
	               vcpu->partition->name, what, msr, (unsigned long long)value);
}

enum exit_action exit_msr_read(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint32_t msr = (uint32_t)vcpu->regs.rcx;
	uint64_t value = 0;
	if (!guest_msr_read(vcpu, msr, cpu_rdtsc(), &value)) {
		note_refusal(vcpu, "rdmsr", msr, 0);
		vcpu_inject_exception(vcpu, VECTOR_GP, true, 0);
		return EXIT_ACTION_RESUME;
	}
	vcpu->regs.rax = (uint32_t)value;
	vcpu->regs.rdx = value >> 32;
	exit_skip_instruction(exit);
	return EXIT_ACTION_RESUME;
}

enum exit_action exit_msr_write(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint32_t msr = (uint32_t)vcpu->regs.rcx;
	uint64_t value = (vcpu->regs.rdx << 32) | (uint32_t)vcpu->regs.rax;
	if (!guest_msr_write(vcpu, msr, value, cpu_rdtsc())) {
		note_refusal(vcpu, "wrmsr", msr, value);
		vcpu_inject_exception(vcpu, VECTOR_GP, true, 0);
		return EXIT_ACTION_RESUME;
	}
	exit_skip_instruction(exit);
	return EXIT_ACTION_RESUME;
}

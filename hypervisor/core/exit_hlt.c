/*
 * HLT. With interrupts off the vCPU can never wake (solo delivers no NMIs
 * to guests), so the partition has halted for good: that is how test
 * guests and Linux's "halt" end. With interrupts on, the vCPU sleeps
 * until its next event: the run loop decides how (vcpu_run.c: in the HLT
 * activity state when it has the CPU alone, else by giving the CPU to
 * another partition's vCPU until then).
 */
#include "arch/cpu.h"
#include "core/exit_handlers.h"
#include "core/partition.h"
#include "core/vcpu_events.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_cpu.h"

#define RFLAGS_IF (1ULL << 9)

enum exit_action exit_hlt(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint64_t rflags = vmcs_readl(GUEST_RFLAGS);
	if (!(rflags & RFLAGS_IF)) {
		partition_end(vcpu->partition, PARTITION_STOPPED,
			      "halted with interrupts off at RIP 0x%llx",
			      (unsigned long long)exit->guest_rip);
		return EXIT_ACTION_STOP;
	}
	exit_skip_instruction(exit);
	uint64_t now = cpu_rdtsc();
	x2apic_timer_update(&vcpu->apic, now);
	if (x2apic_pending_vector(&vcpu->apic) >= 0)
		return EXIT_ACTION_RESUME; /* an interrupt is already waiting */
	if (!vcpu->apic.timer_deadline) {
		partition_end(vcpu->partition, PARTITION_STOPPED,
			      "halted with no timer armed at RIP 0x%llx",
			      (unsigned long long)exit->guest_rip);
		return EXIT_ACTION_STOP;
	}
	vcpu->halted_since = now;
	return EXIT_ACTION_HALT;
}

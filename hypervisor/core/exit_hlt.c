/*
 * HLT. With interrupts off the vCPU can never wake (solo delivers no NMIs
 * to guests): it is parked, and once every started vCPU of the partition
 * is, the partition has halted for good. That is how test guests and
 * Linux's "halt" end. With interrupts on, the vCPU sleeps until its next
 * event: the run loop decides how (vcpu_run.c: in the HLT activity state
 * when it has the CPU alone, else by giving the CPU to another vCPU until
 * then). A vCPU with no timer armed sleeps until another vCPU's IPI; with
 * no other vCPU, nothing could wake it and the partition ends.
 */
#include "arch/cpu.h"
#include "core/exit_handlers.h"
#include "core/partition.h"
#include "core/partition_ipi.h"
#include "core/vcpu_events.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_cpu.h"

#define RFLAGS_IF (1ULL << 9)

/* Whether another vCPU of the partition runs and is not parked. */
static bool others_awake(const struct vcpu *vcpu)
{
	const struct partition *p = vcpu->partition;
	for (unsigned i = 0; i < p->vcpu_count; i++) {
		const struct vcpu *v = &p->vcpus[i];
		int state = __atomic_load_n(&v->run_state, __ATOMIC_SEQ_CST);
		if (v != vcpu && !v->parked && state >= VCPU_STATE_STARTING)
			return true;
	}
	return false;
}

enum exit_action exit_hlt(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint64_t rflags = vmcs_readl(GUEST_RFLAGS);
	if (!(rflags & RFLAGS_IF)) {
		vcpu->parked = true;
		if (others_awake(vcpu)) {
			exit_skip_instruction(exit);
			vcpu->halted_since = cpu_rdtsc();
			vcpu->halt_deadline = 0;
			return EXIT_ACTION_HALT;
		}
		partition_end(vcpu->partition, PARTITION_STOPPED,
		              "halted with interrupts off at RIP 0x%llx",
		              (unsigned long long)exit->guest_rip);
		return EXIT_ACTION_STOP;
	}
	exit_skip_instruction(exit);
	uint64_t now = cpu_rdtsc();
	x2apic_timer_update(&vcpu->apic, now);
	vcpu_take_posted(vcpu);
	if (x2apic_pending_vector(&vcpu->apic) >= 0)
		return EXIT_ACTION_RESUME; /* an interrupt is already waiting */
	/* Alone, nothing could wake it; with other vCPUs, an IPI may. */
	if (!vcpu->apic.timer_deadline && vcpu->partition->vcpu_count <= 1) {
		partition_end(vcpu->partition, PARTITION_STOPPED,
		              "halted with no timer armed at RIP 0x%llx",
		              (unsigned long long)exit->guest_rip);
		return EXIT_ACTION_STOP;
	}
	vcpu->halted_since = now;
	vcpu->halt_deadline = vcpu->apic.timer_deadline;
	return EXIT_ACTION_HALT;
}

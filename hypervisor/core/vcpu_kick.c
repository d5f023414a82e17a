/*
 * Kicking a vCPU's CPU: a host IPI, which makes that CPU leave its guest
 * (external-interrupt exiting) or, if it is in solo, leave the next guest
 * it enters at once. The run loop then hands control to the scheduler.
 */
#include "arch/lapic.h"
#include "core/partition_ipi.h"
#include "core/pcpu.h"
#include "core/vcpu.h"

void cpu_kick(unsigned cpu)
{
	if (cpu >= pcpu_count || cpu == this_cpu()->index)
		return;
	lapic_send_fixed(pcpus[cpu].apic_id, LAPIC_KICK_VECTOR);
}

void vcpu_kick(const struct vcpu *vcpu)
{
	cpu_kick(vcpu->pcpu_index);
}

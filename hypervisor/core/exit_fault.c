/*
 * Exits about faults and interrupts: a triple fault ends the partition
 * (the guest could not handle its own fault); an NMI or a host interrupt
 * that arrived while the guest ran is acknowledged and the guest resumes.
 * Exceptions are not intercepted (the exception bitmap is 0), so any other
 * exception exit is unexpected and ends the partition.
 */
#include "arch/host_ioapic.h"
#include "arch/lapic.h"
#include "core/exit_handlers.h"
#include "core/partition.h"
#include "vmx/vmcs.h"

#define INTR_INFO_VECTOR(info) ((info)&0xff)
#define INTR_INFO_TYPE(info)   (((info) >> 8) & 7)
#define INTR_TYPE_NMI          2
#define INTR_INFO_VALID        (1u << 31)

enum exit_action exit_triple_fault(struct vcpu *vcpu, const struct vm_exit *exit)
{
	partition_end(vcpu->partition, PARTITION_CRASHED, "triple fault at RIP 0x%llx",
	              (unsigned long long)exit->guest_rip);
	return EXIT_ACTION_STOP;
}

enum exit_action exit_exception_nmi(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint32_t info = vmcs_read32(VM_EXIT_INTR_INFO);
	if (INTR_INFO_TYPE(info) == INTR_TYPE_NMI)
		return EXIT_ACTION_RESUME;
	partition_end(vcpu->partition, PARTITION_CRASHED,
	              "unexpected exception vector %u at RIP 0x%llx", INTR_INFO_VECTOR(info),
	              (unsigned long long)exit->guest_rip);
	return EXIT_ACTION_STOP;
}

enum exit_action exit_external_interrupt(struct vcpu *vcpu, const struct vm_exit *exit)
{
	(void)exit;
	/* "Acknowledge interrupt on exit" took the vector from the local
	 * APIC. A device's (a NIC with frames) has its pin masked with the
	 * EOI, or its still-asserted line would bring the next exit at
	 * once, and sends the vCPU back to the scheduler so the driver runs
	 * now rather than at the end of a long slice. */
	uint32_t info = vmcs_read32(VM_EXIT_INTR_INFO);
	if ((info & INTR_INFO_VALID) && INTR_INFO_VECTOR(info) == HOST_IOAPIC_VECTOR) {
		host_ioapic_interrupt();
		vcpu->device_interrupt = true;
		return EXIT_ACTION_RESUME;
	}
	lapic_eoi();
	return EXIT_ACTION_RESUME;
}

enum exit_action exit_preemption_timer(struct vcpu *vcpu, const struct vm_exit *exit)
{
	(void)exit;
	/* A timer deadline (or the quantum) came: the events step before the
	 * next entry fires the guest's timer and wakes it, and sets the
	 * preemption timer again, whose count is now 0. */
	vcpu->timer_counting = false;
	return EXIT_ACTION_RESUME;
}

enum exit_action exit_interrupt_window(struct vcpu *vcpu, const struct vm_exit *exit)
{
	(void)vcpu;
	(void)exit;
	/* The guest can take interrupts again; injection follows. */
	return EXIT_ACTION_RESUME;
}

enum exit_action exit_invalid_opcode(struct vcpu *vcpu, const struct vm_exit *exit)
{
	(void)exit;
	/* VMX instructions and GETSEC: solo offers no nested VMX or SMX,
	 * so the guest gets what a CPU without them gives. */
	vcpu_inject_exception(vcpu, VECTOR_UD, false, 0);
	return EXIT_ACTION_RESUME;
}

enum exit_action exit_skip(struct vcpu *vcpu, const struct vm_exit *exit)
{
	(void)vcpu;
	/* INVD/WBINVD: caches are coherent under EPT write-back memory;
	 * there is nothing for solo to do. */
	exit_skip_instruction(exit);
	return EXIT_ACTION_RESUME;
}

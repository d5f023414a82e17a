/* What happens to a vCPU between a VM exit and the next entry: its timer,
 * pending interrupts and exceptions, and when solo wants control back. */
#ifndef SOLO_CORE_VCPU_EVENTS_H
#define SOLO_CORE_VCPU_EVENTS_H

#include <stdint.h>

#include "core/vcpu.h"

/* Longest a vCPU runs without an exit when it has no timer armed. */
#define VCPU_QUANTUM_US 100000

/* The guest activity states solo uses (SDM 24.4.2). */
#define ACTIVITY_ACTIVE 0
#define ACTIVITY_HLT    1

/* Fires due timers, then injects the exception or highest-priority
 * interrupt the guest can take now (asking for an interrupt-window exit
 * otherwise), and sets the VMX-preemption timer to the next deadline. */
void vcpu_events_before_entry(struct vcpu *vcpu, uint64_t now, uint64_t tsc_hz);

/* After an exit that did not complete the guest's event delivery (its
 * IDT-vectoring information is valid; SDM 27.2.4): the event is
 * delivered again on the next entry, before anything else, as SDM 28.2.4
 * asks of a VMM that resumes such a guest. Without this, an interrupt
 * accepted from the APIC would be lost for good. */
void vcpu_events_exit_interrupted_delivery(struct vcpu *vcpu);

/* Can the guest take an external interrupt right now? */
bool vcpu_interruptible(void);

#endif

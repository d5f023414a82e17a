/*
 * Interrupts between the vCPUs of one partition: IPIs from a local APIC's
 * ICR and I/O APIC messages reach the partition's own vCPUs that the
 * message names, and nobody else. A vCPU on another CPU gets the vector
 * posted (taken into its APIC at its next entry) and its CPU kicked; the
 * start-up sequence (INIT, SIPI) starts an application processor.
 */
#ifndef SOLO_CORE_PARTITION_IPI_H
#define SOLO_CORE_PARTITION_IPI_H

#include <stdbool.h>

#include "core/vcpu.h"
#include "devices/x2apic.h"

struct partition;
struct vcpu;

/* The local APICs' sink (x2apic.h): ctx is the sending vCPU. */
void partition_send_ipi(void *vcpu, const struct apic_ipi *ipi);

/* Delivers a message that `from` caused (its ICR write, or a device it
 * drove) to the vCPUs of its partition it names. A message no vCPU of
 * the partition accepts is dropped and counted on `from`'s APIC. */
void partition_route_interrupt(struct vcpu *from, const struct apic_ipi *ipi);

/* Delivers a device's message to the partition's vCPUs it names from
 * any CPU, outside any of its vCPUs' exits: always posted, never written
 * into a running vCPU's APIC. Modes other than fixed and lowest
 * priority are dropped and counted on vCPU 0. */
void partition_post_interrupt(struct partition *p, const struct apic_ipi *ipi);

/* Moves the interrupts posted to the vCPU into its APIC; true if any
 * were. Only the CPU the vCPU is placed on calls this. */
bool vcpu_take_posted(struct vcpu *vcpu);

/* Makes the CPU the vCPU is placed on look at it soon: a host IPI when
 * that is another CPU (vcpu_kick.c; faked in host tests). */
void vcpu_kick(const struct vcpu *vcpu);

/* The same for a CPU by index, to look at its run queue (the console's
 * requests). */
void cpu_kick(unsigned cpu);

/* Something about the vCPU changed that its CPU's scheduler decides on
 * (an interrupt posted, a start-up IPI, its partition ended): its run
 * queue entry is marked for a look, and its CPU kicked. */
static inline void vcpu_alert(const struct vcpu *vcpu)
{
	sched_notice_post(&vcpu->notice);
	vcpu_kick(vcpu);
}

/* The same for every vCPU of the partition. */
void partition_alert_all(const struct partition *p);

#endif

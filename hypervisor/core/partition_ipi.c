/*
 * Routing of interrupt messages inside a partition. Matching a
 * destination is the APIC model's (x2apic_accepts); this file decides
 * what each delivery mode does to the vCPUs matched:
 *  - fixed and lowest priority: the vector is requested (lowest priority
 *    goes to the first vCPU matched, a valid choice of "lowest");
 *  - INIT: only the start-up sequence is modelled, so an INIT changes
 *    nothing (an application processor already waits for its SIPI; one
 *    that runs keeps running, as Linux sends INIT only before a start-up);
 *  - start-up: an application processor waiting for it starts in real
 *    mode at vector << 12; later SIPIs are ignored, as on hardware;
 *  - NMI, SMI and ExtINT are not modelled and are dropped and counted.
 */
#include "core/partition.h"
#include "core/partition_ipi.h"

void partition_send_ipi(void *vcpu, const struct apic_ipi *ipi)
{
	partition_route_interrupt(vcpu, ipi);
}

static void post(struct vcpu *from, struct vcpu *to, uint8_t vector)
{
	if (vector < 16)
		return; /* illegal vectors are not delivered (SDM 11.5.2) */
	if (to == from) {
		x2apic_set_irr(&to->apic, vector);
		return;
	}
	__atomic_fetch_or(&to->posted_irr[vector / 32], 1u << (vector % 32), __ATOMIC_SEQ_CST);
	__atomic_store_n(&to->posted, 1, __ATOMIC_SEQ_CST);
	vcpu_alert(to);
}

/* The start-up IPI. The sender counts the new vCPU as active before it
 * looks at whether the partition has ended, so the partition is never
 * taken down while an application processor is being started. */
static void start_up(struct vcpu *to, uint8_t vector)
{
	struct partition *p = to->partition;
	__atomic_add_fetch(&p->vcpus_active, 1, __ATOMIC_SEQ_CST);
	int waiting = VCPU_STATE_WAIT_SIPI;
	if (!__atomic_load_n(&p->ended, __ATOMIC_SEQ_CST) &&
	    __atomic_load_n(&to->run_state, __ATOMIC_SEQ_CST) == VCPU_STATE_WAIT_SIPI) {
		to->sipi_vector = vector;
		if (__atomic_compare_exchange_n(&to->run_state, &waiting, VCPU_STATE_STARTING,
		                                false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
			vcpu_alert(to);
			return;
		}
	}
	__atomic_sub_fetch(&p->vcpus_active, 1, __ATOMIC_SEQ_CST);
}

void partition_route_interrupt(struct vcpu *from, const struct apic_ipi *ipi)
{
	struct partition *p = from->partition;
	unsigned matched = 0;
	for (unsigned i = 0; i < p->vcpu_count; i++) {
		struct vcpu *to = &p->vcpus[i];
		if (!x2apic_accepts(&to->apic, ipi))
			continue;
		matched++;
		switch (ipi->delivery_mode) {
		case APIC_DELIVERY_FIXED:
			post(from, to, ipi->vector);
			break;
		case APIC_DELIVERY_LOWEST:
			post(from, to, ipi->vector);
			return;
		case APIC_DELIVERY_INIT:
			break;
		case APIC_DELIVERY_STARTUP:
			start_up(to, ipi->vector);
			break;
		default:
			from->apic.ipis_dropped++;
			return;
		}
	}
	if (!matched)
		from->apic.ipis_dropped++;
}

void partition_post_interrupt(struct partition *p, const struct apic_ipi *ipi)
{
	bool lowest = ipi->delivery_mode == APIC_DELIVERY_LOWEST;
	if (ipi->delivery_mode != APIC_DELIVERY_FIXED && !lowest) {
		p->vcpus[0].apic.ipis_dropped++;
		return;
	}
	for (unsigned i = 0; i < p->vcpu_count; i++) {
		if (!x2apic_accepts(&p->vcpus[i].apic, ipi))
			continue;
		post(0, &p->vcpus[i], ipi->vector);
		if (lowest)
			return;
	}
}

bool vcpu_take_posted(struct vcpu *vcpu)
{
	if (!__atomic_load_n(&vcpu->posted, __ATOMIC_SEQ_CST))
		return false;
	__atomic_store_n(&vcpu->posted, 0, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < 8; i++)
		vcpu->apic.irr[i] |= __atomic_exchange_n(&vcpu->posted_irr[i], 0, __ATOMIC_SEQ_CST);
	return true;
}

void partition_alert_all(const struct partition *p)
{
	for (unsigned i = 0; i < p->vcpu_count; i++)
		vcpu_alert(&p->vcpus[i]);
}

/* Setting up a partition's vCPUs before any of them runs. */
#include "core/partition.h"
#include "core/partition_ipi.h"

#define XCR0_X87 1ULL

void partition_init_vcpus(struct partition *p, unsigned count, const unsigned *cpus,
                          const struct sched_notice *notices)
{
	p->vcpu_count = count;
	for (unsigned i = 0; i < count; i++) {
		struct vcpu *v = &p->vcpus[i];
		v->partition = p;
		v->index = i;
		v->pcpu_index = cpus[i];
		if (notices)
			v->notice = notices[i];
		v->xcr0 = XCR0_X87;
		v->run_state = i == 0 ? VCPU_STATE_STARTING : VCPU_STATE_WAIT_SIPI;
		/* The APIC timer ticks at the TSC rate: what CPUID leaf 0x15
		 * tells the guest its crystal runs at. */
		x2apic_init(&v->apic, i, 1);
		v->apic.ipi_sink = partition_send_ipi;
		v->apic.ipi_ctx = v;
	}
	p->vcpus_active = 1; /* vCPU 0, about to start */
}

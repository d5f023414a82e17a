/*
 * EPT exits. A violation inside an emulated device's page is MMIO and is
 * completed in exit_mmio.c; anywhere else the guest touched
 * guest-physical memory outside its RAM: the partition is stopped with
 * the address and access kind, nothing else is affected. A
 * misconfiguration is solo's own bug in that partition's tables, and also
 * ends only that partition.
 */
#include "core/exit_handlers.h"
#include "core/guest_memory.h"
#include "core/partition.h"
#include "core/template.h"
#include "core/vcpu_events.h"
#include "vmx/vmcs.h"

/* EPT-violation exit qualification bits (SDM Table 28-7). */
#define EPT_QUAL_READ  (1ULL << 0)
#define EPT_QUAL_WRITE (1ULL << 1)
#define EPT_QUAL_FETCH (1ULL << 2)

static const char *access_kind(uint64_t q)
{
	if (q & EPT_QUAL_FETCH)
		return "instruction fetch";
	if (q & EPT_QUAL_WRITE)
		return "write";
	if (q & EPT_QUAL_READ)
		return "read";
	return "access";
}

enum exit_action exit_ept_violation(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint64_t gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	struct partition *p = vcpu->partition;
	/* A clone writing a page it shares with its template gets its own
	 * copy, and the write is retried. */
	if (p->template && (exit->qualification & EPT_QUAL_WRITE) && gpa < p->ram_size) {
		uint64_t copied = p->private_pages;
		if (guest_page_for_write(p, gpa)) {
			if (p->recording_writes && p->private_pages != copied)
				template_note_write(p, gpa);
			vcpu_events_exit_interrupted_delivery(vcpu);
			return EXIT_ACTION_RESUME;
		}
		partition_end(p, PARTITION_CRASHED,
		              "out of memory for a private copy of guest-physical 0x%llx",
		              (unsigned long long)gpa);
		return EXIT_ACTION_STOP;
	}
	if (exit_mmio_claims(vcpu, gpa))
		return exit_mmio(vcpu, exit, gpa);
	partition_end(vcpu->partition, PARTITION_CRASHED,
	              "EPT violation: %s of guest-physical 0x%llx outside its memory at RIP 0x%llx",
	              access_kind(exit->qualification), (unsigned long long)gpa,
	              (unsigned long long)exit->guest_rip);
	return EXIT_ACTION_STOP;
}

enum exit_action exit_ept_misconfig(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint64_t gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	partition_end(vcpu->partition, PARTITION_CRASHED,
	              "EPT misconfiguration at guest-physical 0x%llx, RIP 0x%llx",
	              (unsigned long long)gpa, (unsigned long long)exit->guest_rip);
	return EXIT_ACTION_STOP;
}

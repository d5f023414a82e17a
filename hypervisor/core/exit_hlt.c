/*
 * HLT. No virtual interrupt source exists yet, so a halted vCPU can never
 * wake: the partition has finished and stops with that reason. (Timers
 * arrive with the Linux partition work, and HLT then means "sleep until
 * the next event".)
 */
#include "core/exit_handlers.h"
#include "core/partition.h"
#include "vmx/vmcs.h"

#define RFLAGS_IF (1ULL << 9)

enum exit_action exit_hlt(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint64_t rflags = vmcs_readl(GUEST_RFLAGS);
	partition_end(vcpu->partition, PARTITION_STOPPED, "halted with interrupts %s at RIP 0x%llx",
	              (rflags & RFLAGS_IF) ? "on and no interrupt source" : "off",
	              (unsigned long long)exit->guest_rip);
	return EXIT_ACTION_STOP;
}

/*
 * The run loop: vmx_enter() returns to C on every VM exit; the exit is read
 * into a struct vm_exit once and dispatched. Failed VM entries (the
 * VMLAUNCH/VMRESUME instruction failing, as opposed to an entry failure
 * reported as an exit) end the partition with the VM-instruction error.
 */
#include <stdio.h>

#include "arch/cpu.h"
#include "arch/vmx_enter.h"
#include "core/exit_handlers.h"
#include "core/partition.h"
#include "core/vcpu_events.h"
#include "core/vcpu_run.h"
#include "vmx/vm_instruction_error.h"
#include "vmx/vmcs.h"

static void end_failed_entry(struct vcpu *vcpu, int rc)
{
	if (rc == VMX_FAIL_INVALID) {
		partition_end(vcpu->partition, PARTITION_CRASHED,
		              "VM entry failed: VMfailInvalid (no current VMCS)");
		return;
	}
	unsigned error = vmcs_read32(VM_INSTRUCTION_ERROR);
	partition_end(vcpu->partition, PARTITION_CRASHED,
	              "VM entry failed: VM-instruction error %u (%s)", error,
	              vm_instruction_error_text(error));
}

void vcpu_run(struct vcpu *vcpu)
{
	vcpu->partition->state = PARTITION_RUNNING;
	for (;;) {
		vcpu_events_before_entry(vcpu, cpu_rdtsc(), vcpu->tsc_hz);
		int rc = vmx_enter(&vcpu->regs, vcpu->launched);
		if (rc) {
			end_failed_entry(vcpu, rc);
			return;
		}
		vcpu->launched = 1;
		uint32_t raw = vmcs_read32(VM_EXIT_REASON);
		struct vm_exit exit = {
		    .raw_reason = raw,
		    .basic_reason = EXIT_REASON_BASIC(raw),
		    .qualification = vmcs_readl(EXIT_QUALIFICATION),
		    .instruction_length = vmcs_read32(VM_EXIT_INSTRUCTION_LEN),
		    .guest_rip = vmcs_readl(GUEST_RIP),
		};
		if (exit_dispatch(vcpu, &exit) == EXIT_ACTION_STOP)
			return;
	}
}

char *vcpu_format_exit_counts(const struct vcpu *vcpu, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = 0;
	for (unsigned r = 0; r < EXIT_REASON_COUNT && used < len; r++) {
		if (!vcpu->exit_counts[r])
			continue;
		int n = snprintf(buf + used, len - used, "%s%s=%llu", used ? " " : "",
		                 exit_reason_name(r), (unsigned long long)vcpu->exit_counts[r]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, len, "none");
	return buf;
}

/*
 * The run loop: vmx_enter() returns to C on every VM exit; the exit is read
 * into a struct vm_exit once and dispatched. Failed VM entries (the
 * VMLAUNCH/VMRESUME instruction failing, as opposed to an entry failure
 * reported as an exit) end the partition with the VM-instruction error.
 */
#include <stdio.h>

#include "arch/cpu.h"
#include "arch/vmx_enter.h"
#include "lib/console.h"
#include "core/exit_handlers.h"
#include "core/partition.h"
#include "core/vcpu_events.h"
#include "core/vcpu_run.h"
#include "vmx/vm_instruction_error.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_cpu.h"

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

#define MISC_ACTIVITY_HLT (1ULL << 6)

/* The vCPU halted with its timer armed and nothing else wants this CPU:
 * it sleeps in hardware, re-entered in the HLT activity state with the
 * preemption timer at its deadline; where the CPU cannot enter a guest
 * halted, solo waits for the deadline itself. */
static void sleep_alone(struct vcpu *vcpu)
{
	if (vmx_caps.misc & MISC_ACTIVITY_HLT) {
		vmcs_write32(GUEST_ACTIVITY_STATE, ACTIVITY_HLT);
		return;
	}
	while (cpu_rdtsc() < vcpu->apic.timer_deadline)
		cpu_pause();
}

void vcpu_run(struct vcpu *vcpu)
{
	vcpu->partition->state = PARTITION_RUNNING;
	vcpu_run_slice(vcpu, UINT64_MAX, true);
}

enum vcpu_stop vcpu_run_slice(struct vcpu *vcpu, uint64_t slice_end, bool alone)
{
	vcpu->slice_end = alone ? UINT64_MAX : slice_end;
	uint64_t exited_at = 0;
	for (;;) {
		uint64_t now = cpu_rdtsc();
		/* What handling the last exit took solo (its share of the
		 * guest's work: the benchmarks' figure), entry's event work
		 * apart. */
		if (exited_at)
			vcpu->exit_handling_tsc += now - exited_at;
		vcpu_events_before_entry(vcpu, now, vcpu->tsc_hz);
		int rc = vmx_enter(&vcpu->regs, vcpu->launched);
		exited_at = cpu_rdtsc();
		if (rc) {
			end_failed_entry(vcpu, rc);
			return VCPU_ENDED;
		}
		vcpu->launched = 1;
		/* A vCPU alone on its CPU may not leave this loop for long:
		 * the console's waiting output goes out from here too. */
		console_pump();
		uint32_t raw = vmcs_read32(VM_EXIT_REASON);
		struct vm_exit exit = {
		    .raw_reason = raw,
		    .basic_reason = EXIT_REASON_BASIC(raw),
		    .qualification = vmcs_readl(EXIT_QUALIFICATION),
		    .instruction_length = vmcs_read32(VM_EXIT_INSTRUCTION_LEN),
		    .guest_rip = vmcs_readl(GUEST_RIP),
		};
		enum exit_action action = exit_dispatch(vcpu, &exit);
		/* Another vCPU of the partition ended it: leave as well. */
		if (action == EXIT_ACTION_STOP ||
		    __atomic_load_n(&vcpu->partition->ended, __ATOMIC_RELAXED))
			return VCPU_ENDED;
		/* A host interrupt is solo's own kick: the scheduler has
		 * something to look at (a start-up, an interrupt for a vCPU
		 * asleep on this CPU, an ending). */
		if (exit.basic_reason == EXIT_REASON_EXTERNAL_INTERRUPT &&
		    (!alone || vcpu->device_interrupt)) {
			vcpu->device_interrupt = false;
			return VCPU_PREEMPTED;
		}
		switch (action) {
		case EXIT_ACTION_STOP:
			return VCPU_ENDED;
		case EXIT_ACTION_HALT:
			if (!alone)
				return VCPU_HALTED;
			sleep_alone(vcpu);
			break;
		case EXIT_ACTION_RESUME:
			if (!alone && cpu_rdtsc() >= slice_end)
				return VCPU_PREEMPTED;
			break;
		}
	}
}

char *vcpu_format_exit_counts(const struct vcpu *vcpu, char *buf, size_t len)
{
	return format_exit_counts(vcpu->exit_counts, buf, len);
}

char *format_exit_counts(const uint64_t *counts, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = 0;
	for (unsigned r = 0; r < EXIT_REASON_COUNT && used < len; r++) {
		if (!counts[r])
			continue;
		int n = snprintf(buf + used, len - used, "%s%s=%llu", used ? " " : "",
		                 exit_reason_name(r), (unsigned long long)counts[r]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, len, "none");
	return buf;
}

/*
 * Hypercalls (VMCALL). A bad number or argument gets an error code, never
 * a fault: a guest cannot hurt anything by asking. Every argument is
 * checked before anything is done.
 */
#include "arch/vmx_ops.h"
#include "core/clone_point.h"
#include "core/exit_handlers.h"
#include "core/hypercall.h"
#include "core/measurements.h"
#include "core/partition.h"
#include "core/template.h"
#include "lib/console.h"

enum exit_action exit_vmcall(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint32_t number = (uint32_t)vcpu->regs.rax;
	struct partition *p = vcpu->partition;
	exit_skip_instruction(exit);
	switch (number) {
	case HYPERCALL_ABI_VERSION:
		vcpu->regs.rax = SOLO_HYPERCALL_ABI_VERSION;
		return EXIT_ACTION_RESUME;
	case HYPERCALL_EXIT: {
		uint64_t status = vcpu->regs.rbx, signal = vcpu->regs.rcx;
		if (status > 255 || signal > 64) {
			vcpu->regs.rax = (uint64_t)HYPERCALL_EINVAL;
			return EXIT_ACTION_RESUME;
		}
		p->has_exit_status = true;
		p->exit_status = signal ? 128 + (int)signal : (int)status;
		if (signal)
			partition_end(p, PARTITION_STOPPED, "killed by signal %llu",
			              (unsigned long long)signal);
		else
			partition_end(p, PARTITION_STOPPED, "exited with status %llu",
			              (unsigned long long)status);
		return EXIT_ACTION_STOP;
	}
	case HYPERCALL_MEASUREMENT: {
		uint64_t which = vcpu->regs.rbx;
		const struct partition_measurements *m = p->measurements;
		if (which >= MEASUREMENT_COUNT) {
			vcpu->regs.rax = (uint64_t)HYPERCALL_EINVAL;
			return EXIT_ACTION_RESUME;
		}
		if (!m || !m->known[which]) {
			vcpu->regs.rax = (uint64_t)HYPERCALL_ENOENT;
			return EXIT_ACTION_RESUME;
		}
		uint64_t words[4] = {0};
		for (unsigned i = 0; i < 32; i++)
			words[i / 8] = words[i / 8] << 8 | m->digest[which][i];
		vcpu->regs.rbx = words[0];
		vcpu->regs.rcx = words[1];
		vcpu->regs.rdx = words[2];
		vcpu->regs.rsi = words[3];
		vcpu->regs.rax = HYPERCALL_OK;
		return EXIT_ACTION_RESUME;
	}
	case HYPERCALL_CLONE_POINT: {
		/* The maker's snapshot is taken with the call done (RIP past
		 * VMCALL) and before its answer, which each clone gets anew. */
		if (p->making && p->vcpu_count == 1) {
			struct template *t = p->making;
			if (template_take(t, vcpu)) {
				console_printf(
				    "solo: [%s] template made at its clone point: %llu MiB "
				    "shared by its clones\n",
				    p->name, (unsigned long long)(t->ram_size >> 20));
			} else {
				p->making = 0;
				console_printf("solo: [%s] no template: out of memory for the "
				               "snapshot\n",
				               p->name);
			}
		}
		struct guest_paging paging = exit_guest_paging(vcpu);
		clone_point_answer(p, vcpu, &paging);
		return EXIT_ACTION_RESUME;
	}
	case HYPERCALL_POWEROFF:
		partition_end(p, PARTITION_STOPPED, "power-off");
		return EXIT_ACTION_STOP;
	default:
		vcpu->regs.rax = (uint64_t)HYPERCALL_ENOSYS;
		return EXIT_ACTION_RESUME;
	}
}

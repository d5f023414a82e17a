/*
 * The life of a configured partition on its CPU: start, run to the end,
 * report, free every page, and start again when the restart policy says
 * so. A failure is a crash (triple fault, kernel panic, EPT violation,
 * failed entry) or a non-zero exit status reported by the guest's init.
 */
#include "arch/tsc.h"
#include "core/linux_partition.h"
#include "core/partition.h"
#include "lib/console.h"

static bool ended_in_failure(const struct partition *p)
{
	return p->state == PARTITION_CRASHED || (p->has_exit_status && p->exit_status != 0);
}

void partition_slot_run(struct partition_slot *slot, struct pcpu *cpu,
			const struct vmx_bitmaps *bitmaps, uint64_t tsc_hz)
{
	struct partition *p = slot->partition;
	char err[160], policy[24];
	for (;;) {
		linux_partition_run(p, cpu, bitmaps, tsc_hz);
		bool failed = ended_in_failure(p);
		partition_destroy(p);
		struct restart_decision next = restart_decide(&slot->policy, failed, slot->restarts);
		if (!next.restart) {
			if (slot->policy.mode != CONFIG_RESTART_NO)
				console_printf("solo: [%s] not restarted (restart policy %s, %u restart%s "
					       "so far)\n",
					       slot->spec.name,
					       restart_policy_describe(&slot->policy, policy,
								       sizeof(policy)),
					       slot->restarts, slot->restarts == 1 ? "" : "s");
			return;
		}
		slot->restarts++;
		console_printf("solo: [%s] restarting in %llu ms (restart %u, policy %s)\n",
			       slot->spec.name, (unsigned long long)next.delay_ms, slot->restarts,
			       restart_policy_describe(&slot->policy, policy, sizeof(policy)));
		tsc_delay_us(next.delay_ms * 1000);
		if (!linux_partition_create(p, &slot->spec, err, sizeof(err))) {
			console_printf("solo: [%s] not restarted: %s\n", slot->spec.name, err);
			return;
		}
	}
}

/* The vCPU run loop and its report. */
#ifndef SOLO_CORE_VCPU_RUN_H
#define SOLO_CORE_VCPU_RUN_H

#include <stddef.h>

#include "core/vcpu.h"

/* Enters the guest (its VMCS must be current) and handles exits until the
 * partition ends; a failed VM entry ends it too. Returns on every path. */
void vcpu_run(struct vcpu *vcpu);

enum vcpu_stop {
	VCPU_ENDED,     /* the partition ended (its reason is set) */
	VCPU_PREEMPTED, /* its time slice is over */
	VCPU_HALTED,    /* it sleeps until its timer deadline */
};

/* Runs the vCPU until its partition ends or, unless it has the CPU to
 * itself (alone), until slice_end (TSC) has passed, it halts or solo's
 * kick arrives. Alone, a halt sleeps in the guest until its timer fires. */
enum vcpu_stop vcpu_run_slice(struct vcpu *vcpu, uint64_t slice_end, bool alone);

/* Formats "CPUID=1 HLT=1 ..." (non-zero counters, by reason number) into
 * buf; returns buf. */
char *vcpu_format_exit_counts(const struct vcpu *vcpu, char *buf, size_t len);
/* The same for counters indexed by exit reason (EXIT_REASON_COUNT). */
char *format_exit_counts(const uint64_t *counts, char *buf, size_t len);

#endif

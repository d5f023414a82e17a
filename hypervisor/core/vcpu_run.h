/* The vCPU run loop and its report. */
#ifndef SOLO_CORE_VCPU_RUN_H
#define SOLO_CORE_VCPU_RUN_H

#include <stddef.h>

#include "core/vcpu.h"

/* Enters the guest (its VMCS must be current) and handles exits until the
 * partition ends; a failed VM entry ends it too. Returns on every path. */
void vcpu_run(struct vcpu *vcpu);

/* Formats "CPUID=1 HLT=1 ..." (non-zero counters, by reason number) into
 * buf; returns buf. */
char *vcpu_format_exit_counts(const struct vcpu *vcpu, char *buf, size_t len);

#endif

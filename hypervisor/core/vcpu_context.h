/* Switching a physical CPU between vCPUs of different partitions. */
#ifndef SOLO_CORE_VCPU_CONTEXT_H
#define SOLO_CORE_VCPU_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vcpu.h"

/* Pages a vCPU's extended-state save area needs on this CPU model. */
uint64_t vcpu_context_xsave_pages(void);

/* Makes this CPU run `vcpu` next: its VMCS current, and the state the
 * VMCS does not hold (extended registers and XCR0, CR2, DR0-DR3 and DR6,
 * the syscall MSRs and KERNEL_GS_BASE solo passes through) loaded; a vCPU that never ran
 * starts from the reset state of all of them. False when its VMCS could
 * not be made current (the caller must not enter the guest). */
bool vcpu_context_load(struct vcpu *vcpu);

/* Saves that state after a time slice, so another vCPU may use the CPU. */
void vcpu_context_save(struct vcpu *vcpu);

#endif

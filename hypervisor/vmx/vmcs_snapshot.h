/*
 * A vCPU's guest state as its VMCS holds it, read out at a VM exit and
 * written into another VMCS, so a clone resumes exactly where its
 * template stopped: every guest-state field (SDM 24.4) and the controls
 * that carry guest state (the CR0/CR4 read shadows, IA-32e mode on
 * entry, interrupt-window exiting).
 */
#ifndef SOLO_VMX_VMCS_SNAPSHOT_H
#define SOLO_VMX_VMCS_SNAPSHOT_H

#include <stdint.h>

#define VMCS_SNAPSHOT_FIELDS 56

struct vmcs_snapshot {
	uint64_t values[VMCS_SNAPSHOT_FIELDS];
};

/* From the current VMCS. */
void vmcs_snapshot_take(struct vmcs_snapshot *s);

/* Into the current VMCS, after its controls are set up. */
void vmcs_snapshot_restore(const struct vmcs_snapshot *s);

/* The value a snapshot holds for one of its fields (for tests and for
 * reading the guest's paging registers); 0 for a field it lacks. */
uint64_t vmcs_snapshot_field(const struct vmcs_snapshot *s, uint32_t field);

/* The VMCS encoding of the snapshot's ith field. */
uint32_t vmcs_snapshot_field_code(unsigned i);

#endif

/*
 * Test-side controls of the fake VMCS and VMX instructions
 * (tests/fakes/fake_vmcs.c). Fields are stored by encoding and truncated
 * to their width as VMWRITE does; reading a field nobody wrote fails the
 * test. The fallible instructions count calls and can be told to fail on
 * their Nth call, so every error path can be driven.
 */
#ifndef SOLO_FAKE_VMCS_H
#define SOLO_FAKE_VMCS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/vmx_ops.h"

enum fake_vmx_op {
	FAKE_VMXON,
	FAKE_VMCLEAR,
	FAKE_VMPTRLD,
	FAKE_VMWRITE,
	FAKE_VMX_OP_COUNT,
};

struct fake_vmx_log {
	unsigned calls[FAKE_VMX_OP_COUNT];
	uint64_t last_vmxon, last_clear, last_ptrld;
	uint64_t current_vmcs; /* set by VMPTRLD, cleared by VMCLEAR of it */
	unsigned vmxoff_calls;
	unsigned invept_calls, invvpid_calls;
	uint64_t last_invept_type, last_invept_eptp;
	uint64_t last_invvpid_type;
	uint16_t last_invvpid_vpid;
};

extern struct fake_vmx_log fake_vmx;

/* Empties the VMCS, the call log and every pending failure. */
void fake_vmcs_reset(void);

/* Writes a field as the CPU would (on a VM exit, say): not counted as a
 * VMWRITE and never failed. */
void fake_vmcs_set(uint32_t field, uint64_t value);
bool fake_vmcs_has(uint32_t field);
/* The field's value; fails the test when it was never written. */
uint64_t fake_vmcs_get(uint32_t field);
/* VMWRITEs of this field since the reset. */
unsigned fake_vmcs_writes(uint32_t field);

/* The nth call (1 = the next one) of `op` from now returns rc
 * (VMX_FAIL_INVALID or VMX_FAIL_VALID) instead of succeeding. */
void fake_vmx_fail_on(enum fake_vmx_op op, unsigned nth, int rc);

#endif

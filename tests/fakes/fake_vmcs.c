/*
 * The fake VMCS behind tests/fakes/include/arch/vmx_ops.h. One VMCS, a
 * table of (encoding, value) pairs: VMWRITE stores the value cut to the
 * field's width (SDM Appendix B: bits 14:13 of the encoding), VMREAD of a
 * field nobody wrote fails the test, since on hardware it would return
 * whatever the VMCS happened to hold. VMXON, VMCLEAR, VMPTRLD and VMWRITE
 * count their calls and can fail on a chosen call (Bareflank's idea), so
 * each caller's error path is reachable from a test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake/vmcs.h"

#define FIELD_MAX 256

struct fake_field {
	uint32_t field;
	uint64_t value;
	unsigned writes;
};

struct fake_vmx_log fake_vmx;

static struct fake_field fields[FIELD_MAX];
static unsigned field_count;
/* Per operation: how many calls from now fail (0: none) and with what. */
static unsigned fail_countdown[FAKE_VMX_OP_COUNT];
static int fail_rc[FAKE_VMX_OP_COUNT];

void fake_vmcs_reset(void)
{
	field_count = 0;
	memset(&fake_vmx, 0, sizeof(fake_vmx));
	memset(fail_countdown, 0, sizeof(fail_countdown));
}

static struct fake_field *find(uint32_t field)
{
	for (unsigned i = 0; i < field_count; i++)
		if (fields[i].field == field)
			return &fields[i];
	return NULL;
}

static uint64_t width_mask(uint32_t field)
{
	switch ((field >> 13) & 3) {
	case 0:
		return 0xffff;
	case 2:
		return 0xffffffff;
	default:
		return ~0ULL;
	}
}

static struct fake_field *store(uint32_t field, uint64_t value)
{
	struct fake_field *f = find(field);
	if (!f) {
		assert_true(field_count < FIELD_MAX);
		f = &fields[field_count++];
		*f = (struct fake_field){.field = field};
	}
	f->value = value & width_mask(field);
	return f;
}

void fake_vmcs_set(uint32_t field, uint64_t value)
{
	store(field, value);
}

bool fake_vmcs_has(uint32_t field)
{
	return find(field) != NULL;
}

uint64_t fake_vmcs_get(uint32_t field)
{
	struct fake_field *f = find(field);
	if (!f)
		fail_msg("VMCS field 0x%04x read but never written", field);
	return f->value;
}

unsigned fake_vmcs_writes(uint32_t field)
{
	struct fake_field *f = find(field);
	return f ? f->writes : 0;
}

void fake_vmx_fail_on(enum fake_vmx_op op, unsigned nth, int rc)
{
	assert_true(nth > 0);
	assert_true(rc == VMX_FAIL_INVALID || rc == VMX_FAIL_VALID);
	fail_countdown[op] = nth;
	fail_rc[op] = rc;
}

/* Counts a call of `op`; returns the failure to report, or 0. */
static int call(enum fake_vmx_op op)
{
	fake_vmx.calls[op]++;
	if (fail_countdown[op] && --fail_countdown[op] == 0)
		return fail_rc[op];
	return 0;
}

int vmx_on(uint64_t vmxon_region_pa)
{
	fake_vmx.last_vmxon = vmxon_region_pa;
	return call(FAKE_VMXON);
}

void vmx_off(void)
{
	fake_vmx.vmxoff_calls++;
}

int vmx_clear(uint64_t vmcs_pa)
{
	fake_vmx.last_clear = vmcs_pa;
	int rc = call(FAKE_VMCLEAR);
	if (!rc && fake_vmx.current_vmcs == vmcs_pa)
		fake_vmx.current_vmcs = 0; /* SDM 30.3 VMCLEAR */
	return rc;
}

int vmx_ptrld(uint64_t vmcs_pa)
{
	fake_vmx.last_ptrld = vmcs_pa;
	int rc = call(FAKE_VMPTRLD);
	if (!rc)
		fake_vmx.current_vmcs = vmcs_pa;
	return rc;
}

uint64_t vmx_vmread(uint32_t field)
{
	return fake_vmcs_get(field);
}

int vmx_vmwrite(uint32_t field, uint64_t value)
{
	int rc = call(FAKE_VMWRITE);
	if (rc)
		return rc;
	store(field, value)->writes++;
	return 0;
}

void vmx_invept(uint64_t type, uint64_t eptp)
{
	fake_vmx.invept_calls++;
	fake_vmx.last_invept_type = type;
	fake_vmx.last_invept_eptp = eptp;
}

void vmx_invvpid(uint64_t type, uint16_t vpid)
{
	fake_vmx.invvpid_calls++;
	fake_vmx.last_invvpid_type = type;
	fake_vmx.last_invvpid_vpid = vpid;
}

/*
 * The fake extended-register operations: fpu_reset.S run XRSTOR, XSAVE
 * and friends on the host's registers; here each call is logged with the
 * fake XCR0 of the moment, and the registers are one word that reset
 * zeroes and save/restore move through the area, so tests can follow the
 * state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake/cpu.h"
#include "fake/fpu.h"

static struct fake_fpu_call calls[FAKE_FPU_LOG_MAX];
static unsigned call_count;
static uint64_t registers;

void fake_fpu_reset(void)
{
	memset(calls, 0, sizeof(calls));
	call_count = 0;
	registers = 0;
}

void fake_fpu_set_registers(uint64_t word)
{
	registers = word;
}

uint64_t fake_fpu_registers(void)
{
	return registers;
}

void fake_fpu_forget_log(void)
{
	call_count = 0;
}

unsigned fake_fpu_log(const struct fake_fpu_call **log)
{
	*log = calls;
	return call_count;
}

static void record(enum fake_fpu_op op, const void *area, uint64_t rfbm, uint64_t word)
{
	assert_true(call_count < FAKE_FPU_LOG_MAX);
	calls[call_count++] = (struct fake_fpu_call){op, area, rfbm, fake_cpu.xcr0, word};
}

void fpu_reset_extended_state(const void *xsave_init_area, uint64_t rfbm)
{
	assert_int_equal((uintptr_t)xsave_init_area % 64, 0);
	registers = 0;
	record(FAKE_FPU_RESET, xsave_init_area, rfbm, 0);
}

/* XSAVE's header: XSTATE_BV, the components the area holds. */
#define XSTATE_BV_OFFSET 512

/* As XSAVE does, the header gains the saved components (all in use)
 * and keeps its other bits; XRSTOR faults on a bit XCR0 lacks. */
void fpu_save_extended_state(void *area, uint64_t rfbm)
{
	assert_int_equal((uintptr_t)area % 64, 0);
	if (rfbm) {
		uint64_t bv;
		memcpy(&bv, (uint8_t *)area + XSTATE_BV_OFFSET, sizeof(bv));
		bv |= rfbm;
		memcpy((uint8_t *)area + XSTATE_BV_OFFSET, &bv, sizeof(bv));
	}
	memcpy(area, &registers, sizeof(registers));
	record(FAKE_FPU_SAVE, area, rfbm, registers);
}

void fpu_restore_extended_state(const void *area, uint64_t rfbm)
{
	assert_int_equal((uintptr_t)area % 64, 0);
	if (rfbm) {
		uint64_t bv;
		memcpy(&bv, (const uint8_t *)area + XSTATE_BV_OFFSET, sizeof(bv));
		if (bv & ~fake_cpu.xcr0)
			fail_msg("XRSTOR #GP: XSTATE_BV 0x%llx has components XCR0 0x%llx lacks",
			         (unsigned long long)bv, (unsigned long long)fake_cpu.xcr0);
	}
	memcpy(&registers, area, sizeof(registers));
	record(FAKE_FPU_RESTORE, area, rfbm, registers);
}

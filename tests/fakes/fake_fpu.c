/*
 * The fake extended-register operations: fpu_reset.S run XRSTOR, XSAVE
 * and friends on the host's registers; here each call is logged with the
 * fake XCR0 of the moment, and save/restore move one word through the
 * area so tests can follow the state.
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
static uint64_t saved_word;

void fake_fpu_reset(void)
{
	memset(calls, 0, sizeof(calls));
	call_count = 0;
	saved_word = 0;
}

void fake_fpu_set_saved_word(uint64_t word)
{
	saved_word = word;
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
	record(FAKE_FPU_RESET, xsave_init_area, rfbm, 0);
}

void fpu_save_extended_state(void *area, uint64_t rfbm)
{
	assert_int_equal((uintptr_t)area % 64, 0);
	memcpy(area, &saved_word, sizeof(saved_word));
	record(FAKE_FPU_SAVE, area, rfbm, saved_word);
}

void fpu_restore_extended_state(const void *area, uint64_t rfbm)
{
	assert_int_equal((uintptr_t)area % 64, 0);
	uint64_t word;
	memcpy(&word, area, sizeof(word));
	record(FAKE_FPU_RESTORE, area, rfbm, word);
}

/*
 * Test-side view of the fake extended-register operations
 * (tests/fakes/fake_fpu.c): every reset, save and restore in order, with
 * its area, requested-feature bitmap and the fake XCR0 at the time, so a
 * test can check that XCR0 was loaded before XRSTOR. A save writes a
 * recognisable pattern into its area; a restore records the area's first
 * word, so a test can see that what was saved comes back.
 */
#ifndef SOLO_FAKE_FPU_H
#define SOLO_FAKE_FPU_H

#include <stdint.h>

#include "arch/fpu.h"

#define FAKE_FPU_LOG_MAX 16

enum fake_fpu_op { FAKE_FPU_RESET, FAKE_FPU_SAVE, FAKE_FPU_RESTORE };

struct fake_fpu_call {
	enum fake_fpu_op op;
	const void *area;
	uint64_t rfbm;
	uint64_t xcr0;       /* fake_cpu.xcr0 when called */
	uint64_t first_word; /* save: what it wrote; restore: what it read */
};

void fake_fpu_reset(void);
/* What the guest left in the registers (a guest writing them). */
void fake_fpu_set_registers(uint64_t word);
uint64_t fake_fpu_registers(void);
unsigned fake_fpu_log(const struct fake_fpu_call **log);
/* Empties the log, keeping the registers: for long runs. */
void fake_fpu_forget_log(void);

#endif

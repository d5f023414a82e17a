/* Clearing the extended (FPU/SSE/AVX) register state between partitions. */
#ifndef SOLO_ARCH_FPU_H
#define SOLO_ARCH_FPU_H

#include <stdint.h>

/* See fpu_reset.S. rfbm: the XCR0 components to initialise (XCR0 must
 * hold them), or 0 on a CPU without XSAVE. */
void fpu_reset_extended_state(const void *xsave_init_area, uint64_t rfbm);

/* Save and restore a vCPU's extended registers (see fpu_reset.S). */
void fpu_save_extended_state(void *area, uint64_t rfbm);
void fpu_restore_extended_state(const void *area, uint64_t rfbm);

#endif

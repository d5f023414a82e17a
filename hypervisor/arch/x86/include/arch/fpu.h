/* Clearing the extended (FPU/SSE/AVX) register state between partitions. */
#ifndef SOLO_ARCH_FPU_H
#define SOLO_ARCH_FPU_H

#include <stdint.h>

/* See fpu_reset.S. rfbm: the XCR0 components to initialise (XCR0 must
 * hold them), or 0 on a CPU without XSAVE. */
void fpu_reset_extended_state(const void *xsave_init_area, uint64_t rfbm);

#endif

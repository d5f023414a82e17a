/*
 * Host-test stand-in for hypervisor/arch/x86/include/arch/fpu.h: the same
 * API, implemented in tests/fakes/fake_fpu.c, which records each call
 * (fake/fpu.h reads the log) instead of touching the host's registers.
 */
#ifndef SOLO_ARCH_FPU_H
#define SOLO_ARCH_FPU_H

#include <stdint.h>

void fpu_reset_extended_state(const void *xsave_init_area, uint64_t rfbm);
void fpu_save_extended_state(void *area, uint64_t rfbm);
void fpu_restore_extended_state(const void *area, uint64_t rfbm);

#endif

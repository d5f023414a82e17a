/*
 * The general-register half of the context checks, shared by the
 * freestanding guest (ctxcheck.c) and the Linux one (user.c): all sixteen
 * general registers, RSP included, and RFLAGS.DF hold tagged values while
 * the check spins (spin.S), and are compared afterwards. Whoever links
 * this provides ctx_mismatch() (xstate.h).
 */
#ifndef SOLO_CTXCHECK_GPRS_H
#define SOLO_CTXCHECK_GPRS_H

#include <stdbool.h>
#include <stdint.h>

#include "values.h"

/* Fills every general register with a fresh tagged value and spins
 * about `spin` iterations (between half and one and a half times that)
 * touching no register. True when the spin took far longer per iteration
 * than the fastest one so far (*fastest, ticks per iteration, start it at
 * UINT64_MAX): something else ran on the CPU meanwhile. */
bool ctx_gprs_spin(struct ctx_random *r, unsigned long spin, uint64_t *fastest);

/* Reports every register (and RFLAGS.DF) the spin did not give back. */
void ctx_gprs_compare(void);

#endif

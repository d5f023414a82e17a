/*
 * The extended-state half of the context checks, shared by the
 * freestanding guest (ctxcheck.c) and the Linux one (user.c): every
 * register XSAVE manages (x87, SSE, AVX, AVX-512) is loaded from a random
 * image with XRSTOR and read back with XSAVE and plain moves. Whoever
 * links this provides ctx_mismatch(), which reports one differing value.
 * Callers must keep the compiler off these registers (-mgeneral-regs-only)
 * between loading and reading them back.
 */
#ifndef SOLO_CTXCHECK_XSTATE_H
#define SOLO_CTXCHECK_XSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "values.h"

#define XCR0_X87      (1ULL << 0)
#define XCR0_SSE      (1ULL << 1)
#define XCR0_AVX      (1ULL << 2)
#define XCR0_OPMASK   (1ULL << 5)
#define XCR0_ZMM_HI   (1ULL << 6)
#define XCR0_HI16_ZMM (1ULL << 7)
#define XCR0_AVX512   (XCR0_OPMASK | XCR0_ZMM_HI | XCR0_HI16_ZMM)

#define CTX_AREA_BYTES (3 * 4096)
#define CTX_XMM_BYTES  (16 * 16)

struct ctx_xstate {
	bool xsave;          /* else FXSAVE/FXRSTOR: x87 and SSE only */
	uint64_t components; /* the XCR0 bits exercised */
	uint32_t bytes;      /* of an image holding them all */
	uint32_t offset[8], size[8];
	uint32_t mxcsr_mask;
};

/* What the CPU has of x87, SSE, AVX and AVX-512, within `usable` (the
 * XCR0 bits the caller may enable), and the standard-format layout. */
void ctx_xstate_discover(struct ctx_xstate *x, bool xsave, uint64_t usable);

/* An image of the state a CPU comes out of reset with. */
void ctx_xstate_reset_image(const struct ctx_xstate *x, uint8_t *area);
/* Random contents for the components in xcr0, XSTATE_BV = xcr0. */
void ctx_xstate_random_image(const struct ctx_xstate *x, uint8_t *area, uint64_t xcr0,
                             struct ctx_random *r);

void ctx_xstate_restore(const struct ctx_xstate *x, const void *area, uint64_t rfbm);
void ctx_xstate_save(const struct ctx_xstate *x, void *area, uint64_t rfbm);
/* Reads XMM0-15 with plain moves into xmm, then XSAVEs everything in
 * rfbm into area (filled with a pattern first, so that a component XSAVE
 * does not write stands out). */
void ctx_xstate_capture(const struct ctx_xstate *x, uint8_t *area, uint8_t xmm[CTX_XMM_BYTES],
                        uint64_t rfbm);
/* Fills an area with a byte without touching a vector register (a libc
 * memset would). */
void ctx_xstate_poison(const struct ctx_xstate *x, uint8_t *area, uint8_t byte);

/* Reports every register of the components in xcr0 whose saved value
 * differs from the expected image. */
void ctx_xstate_compare(const struct ctx_xstate *x, const uint8_t *seen, const uint8_t *expected,
                        uint64_t xcr0);
/* XMM0-15 read with plain moves against the expected image. */
void ctx_xstate_compare_xmm(const uint8_t *xmm, const uint8_t *expected);

/* Which register the image gives `value` to, for a report that a value
 * turned up in the wrong register: its name (index in *index, -1 for
 * none), or 0 when the image holds no such 64-bit word. */
const char *ctx_xstate_owner(const struct ctx_xstate *x, const uint8_t *image, uint64_t xcr0,
                             uint64_t value, int *index);

/* Provided by the program: one differing value; index < 0 for none. */
void ctx_mismatch(const char *name, int index, uint64_t seen, uint64_t expected);

#endif

/*
 * Loading, saving and comparing the XSAVE-managed registers for the
 * context checks (xstate.h). Images use the standard (non-compacted)
 * format: the legacy region (SDM Vol. 1 10.5.1), the header, then each
 * component at the offset CPUID leaf 0xd gives.
 */
#include "xstate.h"

#define LEGACY_FCW        0
#define LEGACY_FSW        2
#define LEGACY_FTW        4
#define LEGACY_FOP        6
#define LEGACY_FIP        8
#define LEGACY_FDP        16
#define LEGACY_MXCSR      24
#define LEGACY_MXCSR_MASK 28
#define LEGACY_ST0        32
#define LEGACY_XMM0       160
#define HEADER_XSTATE_BV  512

#define FCW_RESET   0x037f
#define MXCSR_RESET 0x1f80

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
	                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	                 : "a"(leaf), "c"(sub));
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint16_t load16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static void store64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void store16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void ctx_xstate_discover(struct ctx_xstate *x, bool xsave, uint64_t usable)
{
	static uint8_t image[512] __attribute__((aligned(64)));
	*x = (struct ctx_xstate){.xsave = xsave, .components = XCR0_X87 | XCR0_SSE, .bytes = 512};
	if (xsave) {
		x->components |= usable & XCR0_AVX;
		if ((usable & XCR0_AVX512) == XCR0_AVX512 && (usable & XCR0_AVX))
			x->components |= XCR0_AVX512;
		for (unsigned i = 2; i < 8; i++) {
			if (!(x->components & (1ULL << i)))
				continue;
			uint32_t r[4];
			cpuid(0xd, i, r);
			x->size[i] = r[0];
			x->offset[i] = r[1];
			if (x->offset[i] + x->size[i] > x->bytes)
				x->bytes = x->offset[i] + x->size[i];
		}
		if (x->bytes < 576)
			x->bytes = 576; /* the legacy region and the header */
	}
	/* MXCSR_MASK from an FXSAVE image; 0 there means the default. */
	for (unsigned i = 0; i < sizeof(image); i++)
		image[i] = 0;
	__asm__ volatile("fxsave64 (%0)" : : "r"(image) : "memory");
	x->mxcsr_mask = (uint32_t)load64(image + LEGACY_MXCSR_MASK);
	if (!x->mxcsr_mask)
		x->mxcsr_mask = 0xffbf;
}

void ctx_xstate_poison(const struct ctx_xstate *x, uint8_t *area, uint8_t byte)
{
	uint64_t n = x->bytes;
	__asm__ volatile("rep stosb" : "+D"(area), "+c"(n) : "a"(byte) : "memory");
}

void ctx_xstate_reset_image(const struct ctx_xstate *x, uint8_t *area)
{
	ctx_xstate_poison(x, area, 0);
	store16(area + LEGACY_FCW, FCW_RESET);
	store64(area + LEGACY_MXCSR, MXCSR_RESET);
}

void ctx_xstate_random_image(const struct ctx_xstate *x, uint8_t *area, uint64_t xcr0,
                             struct ctx_random *r)
{
	ctx_xstate_reset_image(x, area);
	/* Precision control 01 is reserved: 11 instead. */
	uint16_t fcw = (uint16_t)(0x0040 | (ctx_next(r) & 0x0f3f));
	if ((fcw & 0x0300) == 0x0100)
		fcw |= 0x0300;
	store16(area + LEGACY_FCW, fcw);
	/* TOP only: no exception flags, so nothing is pending. */
	store16(area + LEGACY_FSW, (uint16_t)(ctx_next(r) & 0x3800));
	area[LEGACY_FTW] = (uint8_t)ctx_next(r);
	store64(area + LEGACY_MXCSR, (uint32_t)ctx_next(r) & x->mxcsr_mask & 0xffff);
	for (unsigned i = 0; i < 8; i++) {
		store64(area + LEGACY_ST0 + 16 * i, ctx_tagged(r));
		store16(area + LEGACY_ST0 + 16 * i + 8, (uint16_t)ctx_next(r));
	}
	for (unsigned o = 0; o < CTX_XMM_BYTES; o += 8)
		store64(area + LEGACY_XMM0 + o, ctx_tagged(r));
	for (unsigned i = 2; i < 8; i++)
		if (xcr0 & (1ULL << i))
			for (unsigned o = 0; o < x->size[i]; o += 8)
				store64(area + x->offset[i] + o, ctx_tagged(r));
	store64(area + HEADER_XSTATE_BV, x->xsave ? xcr0 : 0);
}

void ctx_xstate_restore(const struct ctx_xstate *x, const void *area, uint64_t rfbm)
{
	if (x->xsave)
		__asm__ volatile("xrstor64 (%0)"
		                 :
		                 : "r"(area), "a"((uint32_t)rfbm), "d"((uint32_t)(rfbm >> 32))
		                 : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

void ctx_xstate_save(const struct ctx_xstate *x, void *area, uint64_t rfbm)
{
	if (x->xsave)
		__asm__ volatile("xsave64 (%0)"
		                 :
		                 : "r"(area), "a"((uint32_t)rfbm), "d"((uint32_t)(rfbm >> 32))
		                 : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static void read_xmm(uint8_t out[CTX_XMM_BYTES])
{
	__asm__ volatile(
	    "movdqu %%xmm0, 0(%0); movdqu %%xmm1, 16(%0); movdqu %%xmm2, 32(%0);"
	    "movdqu %%xmm3, 48(%0); movdqu %%xmm4, 64(%0); movdqu %%xmm5, 80(%0);"
	    "movdqu %%xmm6, 96(%0); movdqu %%xmm7, 112(%0); movdqu %%xmm8, 128(%0);"
	    "movdqu %%xmm9, 144(%0); movdqu %%xmm10, 160(%0); movdqu %%xmm11, 176(%0);"
	    "movdqu %%xmm12, 192(%0); movdqu %%xmm13, 208(%0); movdqu %%xmm14, 224(%0);"
	    "movdqu %%xmm15, 240(%0)"
	    :
	    : "r"(out)
	    : "memory");
}

void ctx_xstate_capture(const struct ctx_xstate *x, uint8_t *area, uint8_t xmm[CTX_XMM_BYTES],
                        uint64_t rfbm)
{
	read_xmm(xmm);
	ctx_xstate_poison(x, area, 0xa5);
	ctx_xstate_save(x, area, rfbm);
}

static void compare(const char *name, int index, uint64_t seen, uint64_t expected)
{
	if (seen != expected)
		ctx_mismatch(name, index, seen, expected);
}

/* Compares whole 64-bit words; `words` of them make one register. */
static void compare_registers(const char *name, int first_index, unsigned words,
                              const uint8_t *seen, const uint8_t *expected, unsigned bytes)
{
	for (unsigned o = 0; o < bytes; o += 8)
		compare(name, first_index + (int)(o / 8 / words), load64(seen + o),
		        load64(expected + o));
}

/* A component the CPU reports in its initial state (XSTATE_BV bit clear)
 * was not written by XSAVE: it is compared as the reset image, which a
 * random one never is. MXCSR is saved with SSE or AVX either way. */
void ctx_xstate_compare(const struct ctx_xstate *x, const uint8_t *seen, const uint8_t *expected,
                        uint64_t xcr0)
{
	static uint8_t reset[CTX_AREA_BYTES] __attribute__((aligned(64)));
	uint64_t in_use = x->xsave ? load64(seen + HEADER_XSTATE_BV) : XCR0_X87 | XCR0_SSE;
	ctx_xstate_reset_image(x, reset);
	const uint8_t *x87 = (in_use & XCR0_X87) ? seen : reset;
	const uint8_t *sse = (in_use & XCR0_SSE) ? seen : reset;
	compare("fcw", -1, load16(x87 + LEGACY_FCW), load16(expected + LEGACY_FCW));
	compare("fsw", -1, load16(x87 + LEGACY_FSW), load16(expected + LEGACY_FSW));
	compare("ftw", -1, x87[LEGACY_FTW], expected[LEGACY_FTW]);
	compare("fop", -1, load16(x87 + LEGACY_FOP), load16(expected + LEGACY_FOP));
	compare("fip", -1, load64(x87 + LEGACY_FIP), load64(expected + LEGACY_FIP));
	compare("fdp", -1, load64(x87 + LEGACY_FDP), load64(expected + LEGACY_FDP));
	compare("mxcsr", -1, load64(seen + LEGACY_MXCSR) & 0xffffffff,
	        load64(expected + LEGACY_MXCSR) & 0xffffffff);
	for (unsigned i = 0; i < 8; i++) {
		const uint8_t *s = x87 + LEGACY_ST0 + 16 * i, *e = expected + LEGACY_ST0 + 16 * i;
		compare("st", (int)i, load64(s), load64(e));
		compare("st.exponent", (int)i, load16(s + 8), load16(e + 8));
	}
	compare_registers("xmm", 0, 2, sse + LEGACY_XMM0, expected + LEGACY_XMM0, CTX_XMM_BYTES);
	static const char *const names[8] = {0, 0, "ymm.high", 0, 0, "k", "zmm.high", "zmm"};
	static const int first[8] = {0, 0, 0, 0, 0, 0, 0, 16};
	static const unsigned words[8] = {0, 0, 2, 0, 0, 1, 4, 8};
	for (unsigned i = 2; i < 8; i++) {
		if (!(xcr0 & (1ULL << i)))
			continue;
		const uint8_t *s = (in_use & (1ULL << i)) ? seen : reset;
		compare_registers(names[i], first[i], words[i], s + x->offset[i],
		                  expected + x->offset[i], x->size[i]);
	}
}

const char *ctx_xstate_owner(const struct ctx_xstate *x, const uint8_t *image, uint64_t xcr0,
                             uint64_t value, int *index)
{
	static const char *const names[8] = {0, 0, "ymm.high", 0, 0, "k", "zmm.high", "zmm"};
	static const int first[8] = {0, 0, 0, 0, 0, 0, 0, 16};
	static const unsigned bytes[8] = {0, 0, 16, 0, 0, 8, 32, 64};
	for (unsigned i = 0; i < 8; i++)
		if (load64(image + LEGACY_ST0 + 16 * i) == value) {
			*index = (int)i;
			return "st";
		}
	for (unsigned o = 0; o < CTX_XMM_BYTES; o += 8)
		if (load64(image + LEGACY_XMM0 + o) == value) {
			*index = (int)(o / 16);
			return "xmm";
		}
	for (unsigned c = 2; c < 8; c++) {
		if (!(xcr0 & (1ULL << c)))
			continue;
		for (unsigned o = 0; o < x->size[c]; o += 8)
			if (load64(image + x->offset[c] + o) == value) {
				*index = first[c] + (int)(o / bytes[c]);
				return names[c];
			}
	}
	return 0;
}

void ctx_xstate_compare_xmm(const uint8_t *xmm, const uint8_t *expected)
{
	compare_registers("xmm(mov)", 0, 2, xmm, expected + LEGACY_XMM0, CTX_XMM_BYTES);
}

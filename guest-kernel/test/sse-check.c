/*
 * sse-check: shows that a guest's vector registers survive VM exits.
 * Loads xmm0-xmm15 with distinct byte patterns, executes CPUID ROUNDS
 * times (under solo every CPUID exits to the hypervisor), reads the
 * registers back and compares; then the same with the full 256-bit
 * ymm0-ymm15 when the CPU and the kernel enable AVX, since a hypervisor
 * that saves state with FXSAVE instead of XSAVE would lose the upper
 * halves. All of it happens inside one asm statement each, so the
 * compiler cannot touch the registers between load and store.
 *   sse-check [ROUNDS]      default 5000; exit status 1 on corruption
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NREGS 16

/* The loop body shared by both checks: CPUID leaf 1 ROUNDS times. */
#define CPUID_LOOP                                                                                 \
	"1:\n\t"                                                                                   \
	"mov $1, %%eax\n\t"                                                                        \
	"xor %%ecx, %%ecx\n\t"                                                                     \
	"cpuid\n\t"                                                                                \
	"dec %[n]\n\t"                                                                             \
	"jnz 1b\n\t"

#define CLOBBERS                                                                                   \
	"eax", "ebx", "ecx", "edx", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",        \
	    "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",          \
	    "memory", "cc"

/* One instruction per line reads better than clang-format's packing. */
/* clang-format off */
static void xmm_round(const uint8_t in[NREGS][16], uint8_t out[NREGS][16], uint64_t n)
{
	__asm__ volatile(
		"movdqu 0x00(%[in]), %%xmm0\n\t"
		"movdqu 0x10(%[in]), %%xmm1\n\t"
		"movdqu 0x20(%[in]), %%xmm2\n\t"
		"movdqu 0x30(%[in]), %%xmm3\n\t"
		"movdqu 0x40(%[in]), %%xmm4\n\t"
		"movdqu 0x50(%[in]), %%xmm5\n\t"
		"movdqu 0x60(%[in]), %%xmm6\n\t"
		"movdqu 0x70(%[in]), %%xmm7\n\t"
		"movdqu 0x80(%[in]), %%xmm8\n\t"
		"movdqu 0x90(%[in]), %%xmm9\n\t"
		"movdqu 0xa0(%[in]), %%xmm10\n\t"
		"movdqu 0xb0(%[in]), %%xmm11\n\t"
		"movdqu 0xc0(%[in]), %%xmm12\n\t"
		"movdqu 0xd0(%[in]), %%xmm13\n\t"
		"movdqu 0xe0(%[in]), %%xmm14\n\t"
		"movdqu 0xf0(%[in]), %%xmm15\n\t"
		CPUID_LOOP
		"movdqu %%xmm0, 0x00(%[out])\n\t"
		"movdqu %%xmm1, 0x10(%[out])\n\t"
		"movdqu %%xmm2, 0x20(%[out])\n\t"
		"movdqu %%xmm3, 0x30(%[out])\n\t"
		"movdqu %%xmm4, 0x40(%[out])\n\t"
		"movdqu %%xmm5, 0x50(%[out])\n\t"
		"movdqu %%xmm6, 0x60(%[out])\n\t"
		"movdqu %%xmm7, 0x70(%[out])\n\t"
		"movdqu %%xmm8, 0x80(%[out])\n\t"
		"movdqu %%xmm9, 0x90(%[out])\n\t"
		"movdqu %%xmm10, 0xa0(%[out])\n\t"
		"movdqu %%xmm11, 0xb0(%[out])\n\t"
		"movdqu %%xmm12, 0xc0(%[out])\n\t"
		"movdqu %%xmm13, 0xd0(%[out])\n\t"
		"movdqu %%xmm14, 0xe0(%[out])\n\t"
		"movdqu %%xmm15, 0xf0(%[out])\n\t"
		: [n] "+r"(n)
		: [in] "r"(in), [out] "r"(out)
		: CLOBBERS);
}

/* The assembler takes AVX instructions without -mavx; the program only
 * runs them after checking that the CPU and the kernel enable AVX. */
static void ymm_round(const uint8_t in[NREGS][32], uint8_t out[NREGS][32], uint64_t n)
{
	__asm__ volatile(
		"vmovdqu 0x000(%[in]), %%ymm0\n\t"
		"vmovdqu 0x020(%[in]), %%ymm1\n\t"
		"vmovdqu 0x040(%[in]), %%ymm2\n\t"
		"vmovdqu 0x060(%[in]), %%ymm3\n\t"
		"vmovdqu 0x080(%[in]), %%ymm4\n\t"
		"vmovdqu 0x0a0(%[in]), %%ymm5\n\t"
		"vmovdqu 0x0c0(%[in]), %%ymm6\n\t"
		"vmovdqu 0x0e0(%[in]), %%ymm7\n\t"
		"vmovdqu 0x100(%[in]), %%ymm8\n\t"
		"vmovdqu 0x120(%[in]), %%ymm9\n\t"
		"vmovdqu 0x140(%[in]), %%ymm10\n\t"
		"vmovdqu 0x160(%[in]), %%ymm11\n\t"
		"vmovdqu 0x180(%[in]), %%ymm12\n\t"
		"vmovdqu 0x1a0(%[in]), %%ymm13\n\t"
		"vmovdqu 0x1c0(%[in]), %%ymm14\n\t"
		"vmovdqu 0x1e0(%[in]), %%ymm15\n\t"
		CPUID_LOOP
		"vmovdqu %%ymm0, 0x000(%[out])\n\t"
		"vmovdqu %%ymm1, 0x020(%[out])\n\t"
		"vmovdqu %%ymm2, 0x040(%[out])\n\t"
		"vmovdqu %%ymm3, 0x060(%[out])\n\t"
		"vmovdqu %%ymm4, 0x080(%[out])\n\t"
		"vmovdqu %%ymm5, 0x0a0(%[out])\n\t"
		"vmovdqu %%ymm6, 0x0c0(%[out])\n\t"
		"vmovdqu %%ymm7, 0x0e0(%[out])\n\t"
		"vmovdqu %%ymm8, 0x100(%[out])\n\t"
		"vmovdqu %%ymm9, 0x120(%[out])\n\t"
		"vmovdqu %%ymm10, 0x140(%[out])\n\t"
		"vmovdqu %%ymm11, 0x160(%[out])\n\t"
		"vmovdqu %%ymm12, 0x180(%[out])\n\t"
		"vmovdqu %%ymm13, 0x1a0(%[out])\n\t"
		"vmovdqu %%ymm14, 0x1c0(%[out])\n\t"
		"vmovdqu %%ymm15, 0x1e0(%[out])\n\t"
		/* Clean upper halves: no SSE/AVX transition penalty afterwards. */
		"vzeroupper\n\t"
		: [n] "+r"(n)
		: [in] "r"(in), [out] "r"(out)
		: CLOBBERS);
}
/* clang-format on */

/* AVX usable: the CPU has it and the kernel enabled the SSE and AVX
 * state components in XCR0 (CPUID.1:ECX.OSXSAVE says XGETBV is allowed). */
static int avx_usable(void)
{
	unsigned int eax, ebx, ecx, edx, xcr0_lo, xcr0_hi;

	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
		return 0;
	if (!(ecx & bit_OSXSAVE) || !(ecx & bit_AVX))
		return 0;
	__asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
	return (xcr0_lo & 0x6) == 0x6;
}

/* Register r holds bytes (r << 4) | i in its low 16 bytes and their
 * complement in its upper half, so a lost, zeroed or swapped register, or
 * a lost upper half, shows. */
static void fill(uint8_t *p, int regs, int width)
{
	for (int r = 0; r < regs; r++)
		for (int b = 0; b < width; b++)
			p[r * width + b] = (uint8_t)(((r << 4) | (b & 15)) ^ (b >= 16 ? 0xff : 0));
}

static void print_reg(const char *what, const uint8_t *p, int width)
{
	printf("solo-test:   %s ", what);
	for (int b = width - 1; b >= 0; b--)
		printf("%02x", p[b]);
	printf("\n");
}

/* Returns the first register that differs, or -1. */
static int compare(const char *kind, const char *reg, const uint8_t *want, const uint8_t *got,
                   int width, uint64_t rounds)
{
	for (int r = 0; r < NREGS; r++) {
		if (memcmp(want + r * width, got + r * width, (size_t)width) != 0) {
			printf(
			    "solo-test: %s registers survived %llu cpuid exits: CORRUPTED (%s%d)\n",
			    kind, (unsigned long long)rounds, reg, r);
			print_reg("want", want + r * width, width);
			print_reg("got ", got + r * width, width);
			return r;
		}
	}
	printf("solo-test: %s registers survived %llu cpuid exits: ok\n", kind,
	       (unsigned long long)rounds);
	return -1;
}

int main(int argc, char **argv)
{
	static uint8_t xmm_want[NREGS][16], xmm_got[NREGS][16];
	static uint8_t ymm_want[NREGS][32], ymm_got[NREGS][32];
	uint64_t rounds = 5000;
	int corrupted = 0;

	if (argc > 1) {
		rounds = strtoull(argv[1], NULL, 0);
		if (rounds == 0) {
			fprintf(stderr, "usage: sse-check [ROUNDS]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("solo-test: sse-check: xmm0-xmm15, then ymm0-ymm15 if AVX is enabled, "
	       "across %llu CPUIDs each\n",
	       (unsigned long long)rounds);
	fill(&xmm_want[0][0], NREGS, 16);
	uint64_t start = __builtin_ia32_rdtsc();
	xmm_round(xmm_want, xmm_got, rounds);
	/* For `make bench`: in a one-CPU Bochs a TSC tick is an instruction,
	 * so this is what one CPUID costs, exit and return included. */
	printf("solo-test: cpuid round trip: %llu TSC ticks\n",
	       (unsigned long long)((__builtin_ia32_rdtsc() - start) / rounds));
	corrupted |= compare("sse", "xmm", &xmm_want[0][0], &xmm_got[0][0], 16, rounds) >= 0;

	if (avx_usable()) {
		fill(&ymm_want[0][0], NREGS, 32);
		ymm_round(ymm_want, ymm_got, rounds);
		corrupted |=
		    compare("avx", "ymm", &ymm_want[0][0], &ymm_got[0][0], 32, rounds) >= 0;
	} else {
		printf("solo-test: avx registers: not checked (no AVX enabled)\n");
	}
	return corrupted;
}

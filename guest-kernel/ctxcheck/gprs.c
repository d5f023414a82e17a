/* Filling, spinning on and comparing the general registers (gprs.h). */
#include "gprs.h"
#include "xstate.h"

/* spin.S */
void ctx_gpr_spin(void);
extern uint64_t ctx_gpr_in[16], ctx_gpr_out[17], ctx_spin_count;

#define RFLAGS_DF_BIT 10

static const char *const names[16] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
                                      "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

bool ctx_gprs_spin(struct ctx_random *r, unsigned long spin, uint64_t *fastest)
{
	for (unsigned i = 0; i < 16; i++)
		ctx_gpr_in[i] = ctx_tagged(r);
	unsigned long iterations = 1 + spin / 2 + ctx_next(r) % (spin + 1);
	ctx_spin_count = iterations;
	uint64_t t0 = rdtsc();
	ctx_gpr_spin();
	uint64_t ticks = rdtsc() - t0;
	if (ticks / iterations < *fastest)
		*fastest = ticks / iterations;
	/* An exit alone costs a few thousand ticks; another vCPU's turn (or
	 * another task's) costs a time slice. */
	return ticks > 3 * *fastest * iterations + 20000;
}

void ctx_gprs_compare(void)
{
	for (unsigned i = 0; i < 16; i++)
		if (ctx_gpr_out[i] != ctx_gpr_in[i])
			ctx_mismatch(names[i], -1, ctx_gpr_out[i], ctx_gpr_in[i]);
	uint64_t df = (ctx_gpr_out[16] >> RFLAGS_DF_BIT) & 1;
	if (df != 1)
		ctx_mismatch("rflags.df", -1, df, 1);
}

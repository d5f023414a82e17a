/*
 * The context check as a Linux program, run in a container: what a user
 * process can reach of its CPU state must survive solo's time sharing,
 * end to end through the guest kernel. Usage: ctxcheck-user TAG ROUNDS
 * SPIN [WORKERS] (tag 1-127). With several workers (processes, one
 * random sequence each) the guest kernel also switches between them, so
 * its own saving of their registers is checked too.
 *
 * Each round it takes a page fault at a tagged address and checks that
 * the kernel reported that address (CR2, read by the guest's fault
 * handler); sets its GS base (arch_prctl) and every XSAVE-managed
 * register it may use (xstate.c) to values carrying its tag; loads all
 * sixteen general registers and RFLAGS.DF and spins (gprs.c); then reads
 * everything back. Mismatches are printed one per line, naming the tag a
 * wrong value carries, or the register it belonged to when it is one of
 * this worker's own; each worker's last line sums up, and the exit status
 * is 0 only when every worker matched everything.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gprs.h"
#include "values.h"
#include "xstate.h"

#define CPUID1_ECX_OSXSAVE (1u << 27)

void ctx_gpr_spin(void);

static struct ctx_random rng;
static struct ctx_xstate xs;
static unsigned worker;
static unsigned long round_number, mismatches;
static uint8_t expected_area[CTX_AREA_BYTES] __attribute__((aligned(64)));
static uint8_t seen_area[CTX_AREA_BYTES] __attribute__((aligned(64)));
static uint8_t direct_xmm[CTX_XMM_BYTES] __attribute__((aligned(16)));
static sigjmp_buf fault_return;
static volatile uint64_t fault_address;

void ctx_mismatch(const char *name, int index, uint64_t seen, uint64_t expected)
{
	if (++mismatches > 16)
		return;
	char label[32];
	snprintf(label, sizeof(label), index >= 0 ? "%s%d" : "%s", name, index);
	uint64_t other = ctx_tag_of(seen);
	char whose[64] = "";
	int owner_index;
	const char *owner = ctx_xstate_owner(&xs, expected_area, xs.components, seen, &owner_index);
	if (other && other != rng.tag)
		snprintf(whose, sizeof(whose), " (a value of tag %llu)", (unsigned long long)other);
	else if (owner)
		snprintf(whose, sizeof(whose), " (its own value for %s%d)", owner, owner_index);
	printf("ctxcheck-user: tag %llu worker %u: MISMATCH in round %lu: %s = 0x%llx, expected "
	       "0x%llx%s\n",
	       (unsigned long long)rng.tag, worker, round_number, label, (unsigned long long)seen,
	       (unsigned long long)expected, whose);
	fflush(stdout);
}

static void compare(const char *name, uint64_t seen, uint64_t expected)
{
	if (seen != expected)
		ctx_mismatch(name, -1, seen, expected);
}

/* arch_prctl without libc: nothing may touch the vector registers
 * between XRSTOR and XSAVE. */
static long arch_prctl(int code, uint64_t arg)
{
	long ret;
	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"((long)SYS_arch_prctl), "D"((long)code), "S"(arg)
	                 : "rcx", "r11", "memory");
	return ret;
}

static void on_segv(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)context;
	fault_address = (uint64_t)(uintptr_t)info->si_addr;
	siglongjmp(fault_return, 1);
}

/* A read at a tagged address nothing maps: the kernel must report that
 * very address, which it takes from CR2. Done before XRSTOR, as leaving
 * a signal handler by longjmp leaves the registers as the kernel set
 * them for the handler. */
static void check_fault_address(void)
{
	uint64_t address = ctx_tagged(&rng);
	fault_address = 0;
	if (!sigsetjmp(fault_return, 1))
		(void)*(volatile uint8_t *)(uintptr_t)address;
	compare("cr2(page fault)", fault_address, address);
}

static bool one_round(unsigned long spin, uint64_t *fastest)
{
	check_fault_address();
	uint64_t gs_base = ctx_tagged(&rng);
	if (arch_prctl(ARCH_SET_GS, gs_base) != 0)
		compare("arch_prctl(ARCH_SET_GS)", 1, 0);
	ctx_xstate_random_image(&xs, expected_area, xs.components, &rng);
	ctx_xstate_restore(&xs, expected_area, xs.components);
	bool preempted = ctx_gprs_spin(&rng, spin, fastest);
	ctx_xstate_capture(&xs, seen_area, direct_xmm, xs.components);
	uint64_t gs_seen = 0;
	arch_prctl(ARCH_GET_GS, (uint64_t)(uintptr_t)&gs_seen);

	ctx_gprs_compare();
	ctx_xstate_compare(&xs, seen_area, expected_area, xs.components);
	ctx_xstate_compare_xmm(direct_xmm, expected_area);
	compare("gs_base", gs_seen, gs_base);
	return preempted;
}

static void discover_extended_state(void)
{
	uint32_t r[4];
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(1), "c"(0));
	bool xsave = (r[2] & CPUID1_ECX_OSXSAVE) != 0;
	uint64_t xcr0 = 0;
	if (xsave) {
		uint32_t lo, hi;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		xcr0 = ((uint64_t)hi << 32) | lo;
	}
	ctx_xstate_discover(&xs, xsave, xcr0);
}

/* One worker's rounds; its exit status. */
static int check(unsigned long rounds, unsigned long spin)
{
	uint64_t fastest = UINT64_MAX;
	unsigned long switched = 0, done = 0;
	for (round_number = 1; round_number <= rounds; round_number++) {
		unsigned long before = mismatches;
		switched += one_round(spin, &fastest);
		done++;
		if (mismatches != before)
			break;
	}
	printf("ctxcheck-user: tag %llu worker %u: %lu rounds, %lu preempted during their spin, "
	       "%lu mismatches, xcr0 0x%llx\n",
	       (unsigned long long)rng.tag, worker, done, switched, mismatches,
	       (unsigned long long)xs.components);
	fflush(stdout);
	return mismatches ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: ctxcheck-user TAG ROUNDS SPIN [WORKERS]\n");
		return 2;
	}
	uint64_t tag = strtoull(argv[1], 0, 10);
	unsigned long rounds = strtoul(argv[2], 0, 10), spin = strtoul(argv[3], 0, 10);
	unsigned workers = argc == 5 ? (unsigned)strtoul(argv[4], 0, 10) : 1;
	struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_NODEFER};
	sigaction(SIGSEGV, &sa, 0);
	discover_extended_state();
	setvbuf(stdout, 0, _IOLBF, 0);

	for (worker = 1; worker < workers; worker++)
		if (fork() == 0)
			break;
	if (worker == workers)
		worker = 0;
	ctx_random_init(&rng, tag);
	rng.state ^= 0x632be59bd9b4e019ULL * worker;
	int status = check(rounds, spin);
	if (worker)
		return status;
	int child;
	while (wait(&child) > 0)
		if (!WIFEXITED(child) || WEXITSTATUS(child))
			status = 1;
	return status;
}

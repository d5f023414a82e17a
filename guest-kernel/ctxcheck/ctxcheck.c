/*
 * The context-check guest: a freestanding 64-bit partition that proves
 * solo keeps each vCPU's register state its own while partitions
 * time-share a CPU. Run several at once with different tags (`tag=N` on
 * the command line, 1-127) on one CPU, with short time slices.
 *
 * First entry: before writing anything, it checks that what it can read
 * is in the state a CPU comes out of reset with (extended registers, XCR0,
 * the MSRs solo passes through, CR2, debug registers, the general
 * registers it was started with): a partition scheduled after another
 * must see nothing of it. It stays silent then, so that its first time
 * slice goes to loading its own values and the partitions after it find
 * a dirty CPU.
 *
 * Then `rounds=N` rounds, each: pick an XCR0, load every register it can
 * reach with fresh values carrying its tag (values.h): the general
 * registers including RSP and RFLAGS.DF (gprs.c), x87, SSE, AVX and
 * AVX-512 state (xstate.c), the syscall, sysenter and FS/GS/
 * KERNEL_GS_BASE MSRs, CR2 by MOV or by a real page fault, DR0-DR3, DR6
 * and DR7; spin about `spin=N` iterations touching no register; read
 * everything back. A gap in the TSC during the spin says another vCPU ran
 * meanwhile. A value that differs is reported with the round, the
 * register, what was expected, and the tag it carries if it belongs to
 * another partition (or the register it belongs to, if it is the guest's
 * own). The guest ends with solo's exit hypercall: status 0
 * when everything matched, 1 otherwise, 2 on an unexpected exception.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "gprs.h"
#include "solo_hypercall.h"
#include "values.h"
#include "xstate.h"

#define CR4_OSXSAVE      (1ULL << 18)
#define CPUID1_ECX_XSAVE (1u << 26)
#define DR6_RESET        0xffff0ff0ULL
#define DR7_RESET        0x400ULL
#define VECTOR_PF        14

struct ctx_fault_frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

void ctx_main(uint32_t boot_params);
void ctx_fault(struct ctx_fault_frame *frame);
void ctx_gpr_spin(void);
void ctx_touch(const volatile void *address);
extern const char ctx_touch_load[];
extern const uint64_t ctx_stubs[32];
extern uint64_t ctx_gdt[6];
extern uint32_t ctx_entry_regs[6];

/* The MSRs a guest reaches without a VM exit; solo switches each. */
static const struct {
	uint32_t msr;
	const char *name;
	bool low32; /* the upper half is reserved */
} msrs[] = {
    {0xc0000081, "STAR", false},           {0xc0000082, "LSTAR", false},
    {0xc0000083, "CSTAR", false},          {0xc0000084, "SFMASK", true},
    {0xc0000100, "FS_BASE", false},        {0xc0000101, "GS_BASE", false},
    {0xc0000102, "KERNEL_GS_BASE", false}, {0x174, "SYSENTER_CS", true},
    {0x175, "SYSENTER_ESP", false},        {0x176, "SYSENTER_EIP", false},
};
#define MSR_COUNT (sizeof(msrs) / sizeof(msrs[0]))

static struct ctx_random rng;
static struct ctx_xstate xs;
static const char *when; /* what the next mismatch line starts with */
static unsigned long round_number, mismatches;

static uint8_t expected_area[CTX_AREA_BYTES] __attribute__((aligned(64)));
static uint8_t seen_area[CTX_AREA_BYTES] __attribute__((aligned(64)));
static uint8_t direct_xmm[CTX_XMM_BYTES] __attribute__((aligned(16)));
static uint8_t fault_stack[8192] __attribute__((aligned(16)));
static volatile bool page_fault_expected;
static volatile uint64_t page_fault_cr2;

/* ---- the hardware ------------------------------------------------------ */

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t xgetbv0(void)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static inline void xsetbv0(uint64_t v)
{
	__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

#define READ_DR(n)                                                                                 \
	({                                                                                         \
		uint64_t v_;                                                                       \
		__asm__ volatile("mov %%db" #n ", %0" : "=r"(v_));                                 \
		v_;                                                                                \
	})
#define WRITE_DR(n, v) __asm__ volatile("mov %0, %%db" #n : : "r"((uint64_t)(v)))

static uint64_t read_dr(unsigned n)
{
	switch (n) {
	case 0:
		return READ_DR(0);
	case 1:
		return READ_DR(1);
	case 2:
		return READ_DR(2);
	case 3:
		return READ_DR(3);
	case 6:
		return READ_DR(6);
	default:
		return READ_DR(7);
	}
}

static void write_dr(unsigned n, uint64_t v)
{
	switch (n) {
	case 0:
		WRITE_DR(0, v);
		break;
	case 1:
		WRITE_DR(1, v);
		break;
	case 2:
		WRITE_DR(2, v);
		break;
	case 3:
		WRITE_DR(3, v);
		break;
	case 6:
		WRITE_DR(6, v);
		break;
	default:
		WRITE_DR(7, v);
		break;
	}
}

static void finish(int status)
{
	solo_hypercall(SOLO_HC_EXIT, (uint64_t)status, 0);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* ---- reports ------------------------------------------------------------- */

static void report_start(const char *what)
{
	puts_serial("ctxcheck: tag ");
	put_dec(rng.tag);
	puts_serial(what);
}

/* One line per differing value, at most 16 in all; a value carrying
 * another partition's tag is named as such. */
void ctx_mismatch(const char *name, int index, uint64_t seen, uint64_t expected)
{
	if (++mismatches > 16)
		return;
	report_start(when);
	if (round_number) {
		put_dec(round_number);
		puts_serial(": ");
	}
	puts_serial(name);
	if (index >= 0)
		put_dec((unsigned long)index);
	puts_serial(" = ");
	put_hex(seen);
	puts_serial(", expected ");
	put_hex(expected);
	uint64_t other = ctx_tag_of(seen);
	int owner_index;
	const char *owner = ctx_xstate_owner(&xs, expected_area, xs.components, seen, &owner_index);
	if (other && other != rng.tag) {
		puts_serial(" (a value of tag ");
		put_dec(other);
		puts_serial(")");
	} else if (owner) {
		puts_serial(" (its own value for ");
		puts_serial(owner);
		put_dec((unsigned long)owner_index);
		puts_serial(")");
	}
	puts_serial("\n");
}

static void compare(const char *name, int index, uint64_t seen, uint64_t expected)
{
	if (seen != expected)
		ctx_mismatch(name, index, seen, expected);
}

/* ---- everything but the extended registers ------------------------------ */

struct other_state {
	uint64_t msr[MSR_COUNT];
	uint64_t cr2;
	uint64_t dr[8]; /* 0-3, 6 and 7 used */
	uint64_t xcr0;
};

static void read_other_state(struct other_state *s)
{
	for (unsigned i = 0; i < MSR_COUNT; i++)
		s->msr[i] = rdmsr(msrs[i].msr);
	s->cr2 = read_cr2();
	for (unsigned n = 0; n < 8; n++)
		s->dr[n] = (n == 4 || n == 5) ? 0 : read_dr(n);
	s->xcr0 = xs.xsave ? xgetbv0() : 0;
}

static void compare_other_state(const struct other_state *seen, const struct other_state *expected)
{
	for (unsigned i = 0; i < MSR_COUNT; i++)
		compare(msrs[i].name, -1, seen->msr[i], expected->msr[i]);
	compare("cr2", -1, seen->cr2, expected->cr2);
	for (unsigned n = 0; n < 8; n++)
		if (n != 4 && n != 5)
			compare("dr", (int)n, seen->dr[n], expected->dr[n]);
	compare("xcr0", -1, seen->xcr0, expected->xcr0);
}

/* CR2 by a page fault at a tagged address (never mapped: it is above
 * 1 GiB) on odd rounds, by MOV on even ones. */
static void set_cr2(uint64_t value)
{
	if (round_number & 1) {
		page_fault_expected = true;
		ctx_touch((const volatile void *)value);
		if (page_fault_expected || page_fault_cr2 != value)
			ctx_mismatch("cr2(page fault)", -1, page_fault_cr2, value);
	} else {
		__asm__ volatile("mov %0, %%cr2" : : "r"(value));
	}
}

/* DR7: random enables and conditions for breakpoints at tagged addresses
 * the guest never touches (RW = 10, I/O, is avoided: CR4.DE is off; GD
 * would fault the next DR access). */
static uint64_t random_dr7(void)
{
	uint64_t v = DR7_RESET | (ctx_next(&rng) & 0x3ff);
	for (unsigned i = 0; i < 4; i++) {
		uint64_t rw = ctx_next(&rng) & 3, len = ctx_next(&rng) & 3;
		if (rw == 2)
			rw = 3;
		v |= (rw | (len << 2)) << (16 + 4 * i);
	}
	return v & ~(1ULL << 13);
}

static void load_other_state(void)
{
	for (unsigned i = 0; i < MSR_COUNT; i++)
		wrmsr(msrs[i].msr, msrs[i].low32 ? (uint32_t)ctx_tagged(&rng) : ctx_tagged(&rng));
	set_cr2(ctx_tagged(&rng));
	for (unsigned n = 0; n < 4; n++)
		write_dr(n, ctx_tagged(&rng));
	write_dr(6, DR6_RESET | (ctx_next(&rng) & 0xe00f));
	write_dr(7, random_dr7());
}

/* ---- first entry and the rounds ------------------------------------------ */

static bool check_first_entry(void)
{
	unsigned long before = mismatches;
	when = ": LEAK at first entry: ";
	static const char *const entry_names[6] = {"eax", "ebx", "ecx", "edx", "edi", "ebp"};
	for (unsigned i = 0; i < 6; i++)
		compare(entry_names[i], -1, ctx_entry_regs[i], 0);

	struct other_state seen, reset = {.dr = {[6] = DR6_RESET, [7] = DR7_RESET}};
	read_other_state(&seen);
	reset.xcr0 = xs.xsave ? XCR0_X87 : 0;
	compare_other_state(&seen, &reset);

	/* Everything enabled, then one XSAVE: solo resets every component a
	 * CPU has for a new vCPU, so all of it must be in the reset state. */
	if (xs.xsave)
		xsetbv0(xs.components);
	ctx_xstate_reset_image(&xs, expected_area);
	ctx_xstate_capture(&xs, seen_area, direct_xmm, xs.components);
	ctx_xstate_compare(&xs, seen_area, expected_area, xs.components);
	ctx_xstate_compare_xmm(direct_xmm, expected_area);
	return mismatches == before;
}

static uint64_t pick_xcr0(void)
{
	uint64_t choices[3] = {XCR0_X87 | XCR0_SSE,
	                       xs.components & (XCR0_X87 | XCR0_SSE | XCR0_AVX), xs.components};
	return xs.xsave ? choices[ctx_next(&rng) % 3] : 0;
}

/* One round; true when another vCPU ran during its spin. */
static bool one_round(unsigned long spin, uint64_t *fastest)
{
	when = ": MISMATCH in round ";
	uint64_t xcr0 = pick_xcr0();
	if (xs.xsave)
		xsetbv0(xcr0);
	ctx_xstate_random_image(&xs, expected_area, xcr0, &rng);
	ctx_xstate_restore(&xs, expected_area, xcr0);
	load_other_state();
	struct other_state expected, seen;
	read_other_state(&expected);
	bool switched = ctx_gprs_spin(&rng, spin, fastest);
	ctx_xstate_capture(&xs, seen_area, direct_xmm, xcr0);
	read_other_state(&seen);

	ctx_gprs_compare();
	ctx_xstate_compare(&xs, seen_area, expected_area, xcr0);
	ctx_xstate_compare_xmm(direct_xmm, expected_area);
	compare_other_state(&seen, &expected);
	return switched;
}

/* ---- set-up -------------------------------------------------------------- */

struct __attribute__((packed)) table_register {
	uint16_t limit;
	uint64_t base;
};

static struct {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed, aligned(16))) tss;

static uint64_t idt[64] __attribute__((aligned(16)));

/* A TSS for the IST stack, and an interrupt gate (IST 1) per exception. */
static void setup_exceptions(void)
{
	tss.ist[0] = (uint64_t)(uintptr_t)(fault_stack + sizeof(fault_stack));
	tss.iomap_base = sizeof(tss);
	uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof(tss) - 1;
	ctx_gdt[4] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
	             (((base >> 24) & 0xff) << 56);
	ctx_gdt[5] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(0x20));
	for (unsigned v = 0; v < 32; v++) {
		uint64_t handler = ctx_stubs[v];
		idt[2 * v] = (handler & 0xffff) | (0x18ULL << 16) | (1ULL << 32) | (0x8eULL << 40) |
		             (((handler >> 16) & 0xffff) << 48);
		idt[2 * v + 1] = handler >> 32;
	}
	struct table_register idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void ctx_fault(struct ctx_fault_frame *frame)
{
	if (frame->vector == VECTOR_PF && page_fault_expected &&
	    frame->rip == (uint64_t)(uintptr_t)ctx_touch_load) {
		page_fault_cr2 = read_cr2();
		page_fault_expected = false;
		frame->rip += 2;
		return;
	}
	report_start(": unexpected exception ");
	put_dec((unsigned long)frame->vector);
	puts_serial(" at RIP ");
	put_hex(frame->rip);
	puts_serial(", error code ");
	put_hex(frame->error);
	puts_serial(", CR2 ");
	put_hex(read_cr2());
	puts_serial("\n");
	finish(2);
}

static void discover_extended_state(void)
{
	uint32_t r[4];
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(1), "c"(0));
	bool xsave = (r[2] & CPUID1_ECX_XSAVE) != 0;
	uint64_t usable = 0;
	if (xsave) {
		__asm__ volatile("mov %%cr4, %%rax; or %0, %%rax; mov %%rax, %%cr4"
		                 :
		                 : "r"(CR4_OSXSAVE)
		                 : "rax");
		__asm__ volatile("cpuid"
		                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		                 : "a"(0xd), "c"(0));
		usable = ((uint64_t)r[3] << 32) | r[0];
	}
	ctx_xstate_discover(&xs, xsave, usable);
}

void ctx_main(uint32_t boot_params)
{
	const char *cmdline = boot_cmdline((const uint8_t *)(uintptr_t)boot_params);
	ctx_random_init(&rng, cmdline_number(cmdline, "tag=", 1));
	unsigned long rounds = cmdline_number(cmdline, "rounds=", 1000);
	unsigned long spin = cmdline_number(cmdline, "spin=", 20000);
	setup_exceptions();
	discover_extended_state();
	bool clean = check_first_entry();

	uint64_t fastest = UINT64_MAX;
	unsigned long switched = 0;
	for (round_number = 1; round_number <= rounds; round_number++) {
		unsigned long before = mismatches;
		switched += one_round(spin, &fastest);
		if (mismatches != before)
			break; /* the first round that went wrong says it all */
	}
	unsigned long done = round_number > rounds ? rounds : round_number;
	round_number = 0;
	report_start(clean ? ": first entry clean; " : ": first entry NOT clean; ");
	put_dec(done);
	puts_serial(" rounds, ");
	put_dec(switched);
	puts_serial(" with another vCPU in between, ");
	put_dec(mismatches);
	puts_serial(" mismatches, xcr0 up to ");
	put_hex(xs.components);
	puts_serial("\n");
	finish(mismatches ? 1 : 0);
}

/*
 * Host tests for vCPU context switches (hypervisor/core/vcpu_context.c):
 * a vCPU's first load starts it from the reset state (extended registers
 * reset with every XCR0 component enabled, then its own XCR0; CR2, DR0-DR3
 * and the switched MSRs zero, DR6 at its reset value), later loads give
 * back exactly what the last save stored, XCR0 before XRSTOR, and the
 * vCPU's VMCS is made current. A long random schedule of many vCPUs, each
 * leaving its own values in every switched register, checks that each
 * gets back its own and nothing of another's. The extended-register
 * operations are the logging fakes of fake/fpu.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/guest_msr.h"
#include "core/vcpu_context.h"
#include "fake/cpu.h"
#include "fake/fpu.h"
#include "fake/vmcs.h"

#define CPUID1_ECX_XSAVE (1u << 26)
#define XCR0_X87         0x1ULL
#define XCR0_SSE_AVX     0x7ULL /* x87 | SSE | AVX */
#define DR6_RESET        0xffff0ff0ULL

static const uint32_t switched[5] = {MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
                                     MSR_KERNEL_GS_BASE};

static struct vcpu a, b;

static void cpu_model(bool xsave, uint32_t xsave_bytes)
{
	fake_cpuid_set(1, 0, (struct cpuid_regs){.ecx = xsave ? CPUID1_ECX_XSAVE : 0});
	fake_cpuid_set(0xd, 0,
	               (struct cpuid_regs){.eax = (uint32_t)XCR0_SSE_AVX, .ecx = xsave_bytes});
}

/* What a previous guest left on the CPU. */
static void dirty_cpu(void)
{
	fake_cpu.cr2 = 0xbad0;
	fake_cpu.debug = (struct debug_regs){0xbad1, 0xbad2, 0xbad3, 0xbad4, 0xffff4ff1};
	for (unsigned i = 0; i < 5; i++)
		fake_msr_set(switched[i], 0xdead0000 + i);
}

static void init_vcpu(struct vcpu *v, hpa_t vmcs)
{
	memset(v, 0, sizeof(*v));
	v->vmcs = vmcs;
	v->xcr0 = XCR0_X87;
	void *area = aligned_alloc(4096, 4096);
	assert_non_null(area);
	memset(area, 0, 4096);
	v->xsave_area = (hpa_t)(uintptr_t)area;
}

static int setup(void **state)
{
	(void)state;
	fake_cpu_reset();
	fake_vmcs_reset();
	fake_fpu_reset();
	cpu_model(true, 0x340);
	dirty_cpu();
	fake_cpu.xcr0 = XCR0_SSE_AVX;
	init_vcpu(&a, 0x10000);
	init_vcpu(&b, 0x20000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free((void *)(uintptr_t)a.xsave_area);
	free((void *)(uintptr_t)b.xsave_area);
	return 0;
}

static void test_xsave_pages(void **state)
{
	(void)state;
	assert_int_equal(vcpu_context_xsave_pages(), 1);
	cpu_model(true, 0x2440); /* with AVX-512: 9280 bytes */
	assert_int_equal(vcpu_context_xsave_pages(), 3);
	cpu_model(false, 0x2440); /* FXSAVE only: 512 bytes */
	assert_int_equal(vcpu_context_xsave_pages(), 1);
}

static void test_first_load_starts_from_reset(void **state)
{
	(void)state;
	assert_true(vcpu_context_load(&a));
	const struct fake_fpu_call *log;
	assert_int_equal(fake_fpu_log(&log), 1);
	assert_int_equal(log[0].op, FAKE_FPU_RESET);
	/* Every component reset, so XCR0 enables them all meanwhile... */
	assert_int_equal(log[0].rfbm, XCR0_SSE_AVX);
	assert_int_equal(log[0].xcr0, XCR0_SSE_AVX);
	/* ...then the guest's own XCR0. */
	assert_int_equal(fake_cpu.xcr0, XCR0_X87);
	assert_int_equal(fake_cpu.cr2, 0);
	assert_int_equal(fake_cpu.debug.dr0, 0);
	assert_int_equal(fake_cpu.debug.dr1, 0);
	assert_int_equal(fake_cpu.debug.dr2, 0);
	assert_int_equal(fake_cpu.debug.dr3, 0);
	assert_int_equal(fake_cpu.debug.dr6, DR6_RESET);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(fake_msr_get(switched[i]), 0);
	assert_int_equal(fake_vmx.current_vmcs, a.vmcs);
}

static void test_later_loads_restore_what_save_stored(void **state)
{
	(void)state;
	assert_true(vcpu_context_load(&a));
	/* Guest a runs: enables AVX, faults on a page, sets up SYSCALL. */
	a.xcr0 = XCR0_SSE_AVX;
	fake_cpu.xcr0 = XCR0_SSE_AVX;
	fake_cpu.cr2 = 0x7fff1000;
	fake_cpu.debug = (struct debug_regs){0xa0, 0xa1, 0xa2, 0xa3, 0xffff0ff1};
	for (unsigned i = 0; i < 5; i++)
		fake_msr_set(switched[i], 0xa000 + i);
	fake_fpu_set_registers(0xa5a5a5a5);
	vcpu_context_save(&a);
	assert_true(a.context_saved);

	/* Guest b takes the CPU, starts from reset and leaves its own state. */
	assert_true(vcpu_context_load(&b));
	assert_int_equal(fake_cpu.xcr0, XCR0_X87);
	fake_cpu.cr2 = 0xb000;
	fake_cpu.debug = (struct debug_regs){0xb0, 0xb1, 0xb2, 0xb3, 0xffff0ff2};
	for (unsigned i = 0; i < 5; i++)
		fake_msr_set(switched[i], 0xb000 + i);
	fake_fpu_set_registers(0xb5b5b5b5);
	vcpu_context_save(&b);

	assert_true(vcpu_context_load(&a));
	const struct fake_fpu_call *log;
	unsigned n = fake_fpu_log(&log);
	assert_int_equal(n, 5); /* reset a, save a, reset b, save b, restore a */
	assert_int_equal(log[1].op, FAKE_FPU_SAVE);
	assert_ptr_equal(log[1].area, (void *)(uintptr_t)a.xsave_area);
	assert_int_equal(log[1].rfbm, XCR0_SSE_AVX);
	assert_int_equal(log[3].rfbm, XCR0_X87);
	assert_int_equal(log[4].op, FAKE_FPU_RESTORE);
	assert_ptr_equal(log[4].area, (void *)(uintptr_t)a.xsave_area);
	assert_int_equal(log[4].first_word, 0xa5a5a5a5);
	assert_int_equal(log[4].rfbm, XCR0_SSE_AVX);
	/* XRSTOR of AVX state needs AVX enabled in XCR0 first. */
	assert_int_equal(log[4].xcr0, XCR0_SSE_AVX);
	assert_int_equal(fake_cpu.xcr0, XCR0_SSE_AVX);
	assert_int_equal(fake_cpu.cr2, 0x7fff1000);
	assert_int_equal(fake_cpu.debug.dr0, 0xa0);
	assert_int_equal(fake_cpu.debug.dr3, 0xa3);
	assert_int_equal(fake_cpu.debug.dr6, 0xffff0ff1);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(fake_msr_get(switched[i]), 0xa000 + i);
	assert_int_equal(fake_vmx.current_vmcs, a.vmcs);
}

/* Found by the context-check guest: a guest that used AVX and then
 * lowered XCR0 made solo's own XRSTOR fault, stopping the CPU. */
static void test_lowered_xcr0_restores_without_fault(void **state)
{
	(void)state;
	assert_true(vcpu_context_load(&a));
	a.xcr0 = XCR0_SSE_AVX;
	fake_cpu.xcr0 = XCR0_SSE_AVX;
	vcpu_context_save(&a);
	assert_true(vcpu_context_load(&a));
	a.xcr0 = XCR0_X87; /* an XSETBV exit */
	fake_cpu.xcr0 = XCR0_X87;
	vcpu_context_save(&a);
	assert_true(vcpu_context_load(&b));
	assert_true(vcpu_context_load(&a)); /* the fake fails the test on #GP */
	assert_int_equal(fake_cpu.xcr0, XCR0_X87);
}

static void test_without_xsave(void **state)
{
	(void)state;
	cpu_model(false, 0);
	assert_true(vcpu_context_load(&a));
	fake_cpu.cr2 = 0x1234;
	vcpu_context_save(&a);
	assert_true(vcpu_context_load(&a));
	const struct fake_fpu_call *log;
	assert_int_equal(fake_fpu_log(&log), 3);
	/* FXSAVE/FXRSTOR: no feature bitmap, and XCR0 never touched. */
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(log[i].rfbm, 0);
	assert_int_equal(log[2].op, FAKE_FPU_RESTORE);
	assert_int_equal(fake_cpu.xsetbv_calls, 0);
	assert_int_equal(fake_cpu.cr2, 0x1234);
}

/* ---- many vCPUs, a random schedule ------------------------------------- */

#define MANY         7
#define SWITCHES     20000
#define SWITCHED_REG (1 + 5 + 5 + 1 + 1) /* CR2, DRs, MSRs, XCR0, FPU */

/* What a vCPU left in every register the context switch owns; 0 for
 * "never ran" (it must then find the reset state). */
struct left_state {
	uint64_t value[SWITCHED_REG];
	bool ran;
};

static uint64_t mix(uint64_t *seed)
{
	*seed ^= *seed << 13;
	*seed ^= *seed >> 7;
	*seed ^= *seed << 17;
	return *seed;
}

static void read_cpu(uint64_t out[SWITCHED_REG])
{
	unsigned n = 0;
	out[n++] = fake_cpu.cr2;
	out[n++] = fake_cpu.debug.dr0;
	out[n++] = fake_cpu.debug.dr1;
	out[n++] = fake_cpu.debug.dr2;
	out[n++] = fake_cpu.debug.dr3;
	out[n++] = fake_cpu.debug.dr6;
	for (unsigned i = 0; i < 5; i++)
		out[n++] = fake_msr_get(switched[i]);
	out[n++] = fake_cpu.xcr0;
	out[n++] = fake_fpu_registers();
}

/* The guest on the CPU writes its own values everywhere: index i owns
 * the values with i in their top byte, as a leak would show. */
static void guest_writes(struct vcpu *v, unsigned i, uint64_t *seed, struct left_state *left)
{
	uint64_t tag = (uint64_t)(i + 1) << 56;
	fake_cpu.cr2 = tag | (mix(seed) & 0xffffff);
	fake_cpu.debug =
	    (struct debug_regs){tag | 1, tag | 2, tag | 3, tag | 4, 0xffff0ff0 | (mix(seed) & 0xf)};
	for (unsigned r = 0; r < 5; r++)
		fake_msr_set(switched[r], tag | (mix(seed) & 0xffffff));
	/* XCR0 changes only through XSETBV exits, which keep vcpu->xcr0. */
	v->xcr0 = (mix(seed) & 1) ? XCR0_SSE_AVX : XCR0_X87;
	fake_cpu.xcr0 = v->xcr0;
	fake_fpu_set_registers(tag | (mix(seed) & 0xffffff));
	read_cpu(left->value);
	left->ran = true;
}

static void test_random_schedule_gives_each_vcpu_its_own_state(void **state)
{
	(void)state;
	static struct vcpu vcpus[MANY];
	struct left_state left[MANY] = {0};
	for (unsigned i = 0; i < MANY; i++)
		init_vcpu(&vcpus[i], 0x100000 + 0x1000 * i);
	uint64_t seed = 0x5eed;
	for (unsigned k = 0; k < SWITCHES; k++) {
		unsigned i = (unsigned)(mix(&seed) % MANY);
		struct vcpu *v = &vcpus[i];
		assert_true(vcpu_context_load(v));
		assert_int_equal(fake_vmx.current_vmcs, v->vmcs);
		uint64_t now[SWITCHED_REG];
		read_cpu(now);
		if (left[i].ran) {
			for (unsigned r = 0; r < SWITCHED_REG; r++)
				if (now[r] != left[i].value[r])
					fail_msg("switch %u: vCPU %u register %u is 0x%llx, it "
					         "left 0x%llx",
					         k, i, r, (unsigned long long)now[r],
					         (unsigned long long)left[i].value[r]);
		} else {
			const uint64_t reset[SWITCHED_REG] = {0, 0, 0, 0, 0,        DR6_RESET, 0,
			                                      0, 0, 0, 0, XCR0_X87, 0};
			for (unsigned r = 0; r < SWITCHED_REG; r++)
				if (now[r] != reset[r])
					fail_msg(
					    "switch %u: vCPU %u starts with register %u = 0x%llx",
					    k, i, r, (unsigned long long)now[r]);
		}
		guest_writes(v, i, &seed, &left[i]);
		vcpu_context_save(v);
		fake_fpu_forget_log();
	}
	for (unsigned i = 0; i < MANY; i++) {
		assert_true(left[i].ran);
		free((void *)(uintptr_t)vcpus[i].xsave_area);
	}
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_xsave_pages),
	    T(test_first_load_starts_from_reset),
	    T(test_later_loads_restore_what_save_stored),
	    T(test_lowered_xcr0_restores_without_fault),
	    T(test_without_xsave),
	    T(test_random_schedule_gives_each_vcpu_its_own_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Host tests for vCPU context switches (hypervisor/core/vcpu_context.c):
 * a vCPU's first load starts it from the reset state (extended registers
 * reset with every XCR0 component enabled, then its own XCR0; CR2, DR0-DR3
 * and the switched MSRs zero, DR6 at its reset value), later loads give back exactly what the last save
 * stored, XCR0 before XRSTOR, and the vCPU's VMCS is made current. The
 * extended-register operations are the logging fakes of fake/fpu.h.
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
	fake_fpu_set_saved_word(0xa5a5a5a5);
	vcpu_context_save(&a);
	assert_true(a.context_saved);

	/* Guest b takes the CPU, starts from reset and leaves its own state. */
	assert_true(vcpu_context_load(&b));
	assert_int_equal(fake_cpu.xcr0, XCR0_X87);
	fake_cpu.cr2 = 0xb000;
	fake_cpu.debug = (struct debug_regs){0xb0, 0xb1, 0xb2, 0xb3, 0xffff0ff2};
	for (unsigned i = 0; i < 5; i++)
		fake_msr_set(switched[i], 0xb000 + i);
	fake_fpu_set_saved_word(0xb5b5b5b5);
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

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_xsave_pages),
	    T(test_first_load_starts_from_reset),
	    T(test_later_loads_restore_what_save_stored),
	    T(test_without_xsave),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Host tests for entering VMX operation (hypervisor/vmx/vmx_cpu.c) and
 * filling a VMCS (hypervisor/vmx/vmcs_setup.c) against the fake MSRs,
 * control registers and VMX instructions. The fallible instructions are
 * failed on purpose to drive each error path; pages come from the real
 * page allocator seeded with a heap block, so leaks show in its count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/vmx_enter.h"
#include "core/pcpu.h"
#include "core/vcpu.h"
#include "fake/cpu.h"
#include "fake/vmcs.h"
#include "mm/page_alloc.h"
#include "public/handoff.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx_cpu.h"

#define MSR_IA32_EFER    0xc0000080
#define MSR_IA32_PAT     0x277
#define MSR_IA32_FS_BASE 0xc0000100
#define POOL_PAGES       4

static uint8_t *pool;
static struct pcpu cpu;
static char err[120];

/* The Bochs corei7_skylake_x capability MSRs (see test_vmx_caps.c). */
static void declare_vmx_msrs(void)
{
	fake_msr_set(MSR_IA32_VMX_BASIC, 0x00d810000000002bULL);
	fake_msr_set(MSR_IA32_VMX_TRUE_PINBASED_CTLS, 0x000000ff00000016ULL);
	fake_msr_set(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, 0xfff9fffe04006172ULL);
	fake_msr_set(MSR_IA32_VMX_TRUE_EXIT_CTLS, 0x01ffffff00036dfbULL);
	fake_msr_set(MSR_IA32_VMX_TRUE_ENTRY_CTLS, 0x0003ffff000011fbULL);
	fake_msr_set(MSR_IA32_VMX_MISC, 0x00000000300481e5ULL);
	fake_msr_set(MSR_IA32_VMX_CR0_FIXED0, 0x80000021ULL);
	fake_msr_set(MSR_IA32_VMX_CR0_FIXED1, 0xffffffffULL);
	fake_msr_set(MSR_IA32_VMX_CR4_FIXED0, 0x2000ULL);
	fake_msr_set(MSR_IA32_VMX_CR4_FIXED1, 0x3727ffULL);
	fake_msr_set(MSR_IA32_VMX_PROCBASED_CTLS2, 0x02177fff00000000ULL);
	fake_msr_set(MSR_IA32_VMX_EPT_VPID_CAP, 0xf0106334141ULL);
}

static int setup(void **state)
{
	(void)state;
	fake_cpu_reset();
	fake_vmcs_reset();
	declare_vmx_msrs();
	const char *missing = "untouched";
	assert_true(vmx_global_init(&missing));
	assert_null(missing);

	static struct handoff empty;
	page_alloc_init(&empty);
	pool = aligned_alloc(PAGE_SIZE, POOL_PAGES * PAGE_SIZE);
	assert_non_null(pool);
	memset(pool, 0xcc, POOL_PAGES * PAGE_SIZE);
	assert_true(page_alloc_add_range(ptr_to_hpa(pool), POOL_PAGES * PAGE_SIZE));

	memset(&cpu, 0, sizeof(cpu));
	cpu.self = &cpu;
	fake_cpu.cr0 = 0x80000011; /* PG, ET, PE */
	fake_cpu.cr4 = 0x20;       /* PAE */
	/* A CPU with XSAVE (leaf 1 ECX bit 26): solo sets CR4.OSXSAVE. */
	fake_cpuid_set(1, 0, (struct cpuid_regs){.ecx = 1u << 26});
	strcpy(err, "untouched");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(pool);
	return 0;
}

static void test_global_init_computes_controls(void **state)
{
	(void)state;
	assert_int_equal(vmx_controls.procbased2, 0xa2);
	assert_int_equal(vmx_controls.pinbased, 0x5f);
	assert_int_equal(vmx_features.vmcs_revision, 0x2b);
	assert_int_equal(vmx_caps.ept_vpid, 0xf0106334141ULL);
}

static void test_enable_sets_and_locks_feature_control(void **state)
{
	(void)state;
	fake_msr_set(MSR_IA32_FEATURE_CONTROL, 0);
	if (!vmx_cpu_enable(&cpu, err, sizeof(err)))
		fail_msg("%s", err);
	/* lock (0) | VMX outside SMX (2) */
	assert_int_equal(fake_msr_get(MSR_IA32_FEATURE_CONTROL), 0x5);
	/* NE forced on; VMXE and OSXSAVE on */
	assert_int_equal(fake_cpu.cr0, 0x80000031);
	assert_int_equal(fake_cpu.cr4, 0x42020);

	/* The VMXON region: the first pool page, revision in its first
	 * dword, the rest zeroed. */
	assert_int_equal(cpu.vmxon_region, ptr_to_hpa(pool));
	assert_int_equal(fake_vmx.last_vmxon, cpu.vmxon_region);
	uint32_t revision;
	memcpy(&revision, pool, 4);
	assert_int_equal(revision, 0x2b);
	assert_int_equal(pool[4], 0);
	assert_int_equal(pool[PAGE_SIZE - 1], 0);
	assert_int_equal(fake_vmx.calls[FAKE_VMXON], 1);
	/* All-context invalidation of both, after VMXON. */
	assert_int_equal(fake_vmx.invept_calls, 1);
	assert_int_equal(fake_vmx.last_invept_type, 2);
	assert_int_equal(fake_vmx.invvpid_calls, 1);
	assert_int_equal(fake_vmx.last_invvpid_type, 2);
	assert_int_equal(page_alloc_free_pages(), POOL_PAGES - 1);
}

static void test_enable_keeps_locked_feature_control(void **state)
{
	(void)state;
	fake_msr_set(MSR_IA32_FEATURE_CONTROL, 0x5);
	/* Without XSAVE, CR4.OSXSAVE stays clear (setting it would #GP). */
	fake_cpuid_set(1, 0, (struct cpuid_regs){.ecx = ~(1u << 26)});
	assert_true(vmx_cpu_enable(&cpu, err, sizeof(err)));
	assert_int_equal(fake_msr_writes(MSR_IA32_FEATURE_CONTROL), 0);
	assert_int_equal(fake_cpu.cr4, 0x2020);

	/* A second enable (after a VMXOFF, say) reuses the region. */
	hpa_t region = cpu.vmxon_region;
	assert_true(vmx_cpu_enable(&cpu, err, sizeof(err)));
	assert_int_equal(cpu.vmxon_region, region);
	assert_int_equal(page_alloc_free_pages(), POOL_PAGES - 1);
}

static void test_enable_refuses_locked_off(void **state)
{
	(void)state;
	fake_msr_set(MSR_IA32_FEATURE_CONTROL, 0x1);
	assert_false(vmx_cpu_enable(&cpu, err, sizeof(err)));
	assert_string_equal(err, "VMX disabled and locked in IA32_FEATURE_CONTROL");
	assert_int_equal(fake_msr_writes(MSR_IA32_FEATURE_CONTROL), 0);
	assert_int_equal(fake_vmx.calls[FAKE_VMXON], 0);
	assert_int_equal(fake_cpu.cr4_writes, 0);
}

static void test_enable_refuses_different_cpu(void **state)
{
	(void)state;
	fake_msr_set(MSR_IA32_FEATURE_CONTROL, 0x5);
	/* This CPU lacks 1 GiB EPT pages the boot CPU has. */
	fake_msr_set(MSR_IA32_VMX_EPT_VPID_CAP, 0xf0106334141ULL & ~(1ULL << 17));
	assert_false(vmx_cpu_enable(&cpu, err, sizeof(err)));
	assert_string_equal(err, "VMX capabilities differ from the boot CPU's");
	assert_int_equal(fake_vmx.calls[FAKE_VMXON], 0);
}

static void test_enable_vmxon_failures(void **state)
{
	(void)state;
	fake_msr_set(MSR_IA32_FEATURE_CONTROL, 0x5);
	fake_vmx_fail_on(FAKE_VMXON, 1, VMX_FAIL_INVALID);
	assert_false(vmx_cpu_enable(&cpu, err, sizeof(err)));
	assert_string_equal(err, "VMXON failed (VMfailInvalid)");
	assert_int_equal(fake_vmx.invept_calls, 0);

	fake_vmx_fail_on(FAKE_VMXON, 1, VMX_FAIL_VALID);
	assert_false(vmx_cpu_enable(&cpu, err, sizeof(err)));
	assert_string_equal(err, "VMXON failed (VMfailValid)");
	/* The next try succeeds. */
	assert_true(vmx_cpu_enable(&cpu, err, sizeof(err)));
	assert_int_equal(fake_vmx.calls[FAKE_VMXON], 3);
}

static void test_enable_out_of_memory(void **state)
{
	(void)state;
	fake_msr_set(MSR_IA32_FEATURE_CONTROL, 0x5);
	while (page_alloc(1, PAGE_SIZE))
		;
	assert_false(vmx_cpu_enable(&cpu, err, sizeof(err)));
	assert_string_equal(err, "out of memory for the VMXON region");
	assert_int_equal(fake_vmx.calls[FAKE_VMXON], 0);
}

static void test_vmcs_create_and_destroy(void **state)
{
	(void)state;
	struct vcpu vcpu = {.launched = 1};
	assert_true(vmcs_create(&vcpu));
	assert_int_equal(vcpu.vmcs, ptr_to_hpa(pool));
	assert_int_equal(vcpu.launched, 0);
	uint32_t revision;
	memcpy(&revision, pool, 4);
	assert_int_equal(revision, 0x2b);
	/* VMCLEAR first (SDM 24.11.3), then current. */
	assert_int_equal(fake_vmx.last_clear, vcpu.vmcs);
	assert_int_equal(fake_vmx.current_vmcs, vcpu.vmcs);
	assert_int_equal(page_alloc_free_pages(), POOL_PAGES - 1);

	hpa_t vmcs = vcpu.vmcs;
	vmcs_destroy(&vcpu);
	assert_int_equal(vcpu.vmcs, 0);
	assert_int_equal(fake_vmx.calls[FAKE_VMCLEAR], 2);
	assert_int_equal(fake_vmx.last_clear, vmcs);
	assert_int_equal(fake_vmx.current_vmcs, 0);
	assert_int_equal(page_alloc_free_pages(), POOL_PAGES);

	/* Destroying nothing does nothing. */
	vmcs_destroy(&vcpu);
	assert_int_equal(fake_vmx.calls[FAKE_VMCLEAR], 2);
}

static void test_vmcs_create_failures_return_the_page(void **state)
{
	(void)state;
	struct vcpu vcpu = {0};
	fake_vmx_fail_on(FAKE_VMCLEAR, 1, VMX_FAIL_INVALID);
	assert_false(vmcs_create(&vcpu));
	assert_int_equal(vcpu.vmcs, 0);
	assert_int_equal(fake_vmx.calls[FAKE_VMPTRLD], 0);
	assert_int_equal(page_alloc_free_pages(), POOL_PAGES);

	fake_vmx_fail_on(FAKE_VMPTRLD, 1, VMX_FAIL_VALID);
	assert_false(vmcs_create(&vcpu));
	assert_int_equal(vcpu.vmcs, 0);
	assert_int_equal(fake_vmx.current_vmcs, 0);
	assert_int_equal(page_alloc_free_pages(), POOL_PAGES);

	while (page_alloc(1, PAGE_SIZE))
		;
	assert_false(vmcs_create(&vcpu));
	assert_int_equal(fake_vmx.calls[FAKE_VMCLEAR], 2);
}

static void test_vmcs_setup_controls(void **state)
{
	(void)state;
	struct vcpu vcpu = {.vpid = 7};
	struct vmx_bitmaps bitmaps = {0x100000, 0x101000, 0x102000};
	vmcs_setup_controls(&vcpu, &bitmaps, 0x345601e);
	assert_int_equal(fake_vmcs_get(PIN_BASED_VM_EXEC_CONTROL), 0x5f);
	assert_int_equal(fake_vmcs_get(CPU_BASED_VM_EXEC_CONTROL), 0x960061f2);
	assert_int_equal(fake_vmcs_get(SECONDARY_VM_EXEC_CONTROL), 0xa2);
	assert_int_equal(fake_vmcs_get(VM_EXIT_CONTROLS), 0x7fefff); /* with save debug controls */
	assert_int_equal(fake_vmcs_get(VM_ENTRY_CONTROLS), 0xd1ff);  /* with load debug controls */
	assert_int_equal(fake_vmcs_get(IO_BITMAP_A), 0x100000);
	assert_int_equal(fake_vmcs_get(IO_BITMAP_B), 0x101000);
	assert_int_equal(fake_vmcs_get(MSR_BITMAP), 0x102000);
	assert_int_equal(fake_vmcs_get(EPT_POINTER), 0x345601e);
	assert_int_equal(fake_vmcs_get(VIRTUAL_PROCESSOR_ID), 7);
	assert_int_equal(fake_vmcs_get(EXCEPTION_BITMAP), 0);
	/* solo owns CR0.PG and CR0.NE, CR4.VMXE; the shadows belong to the
	 * guest-state set-up. */
	assert_int_equal(fake_vmcs_get(CR0_GUEST_HOST_MASK), 0x80000020);
	assert_int_equal(fake_vmcs_get(CR4_GUEST_HOST_MASK), 0x402000); /* VMXE, PKE */
	assert_false(fake_vmcs_has(CR0_READ_SHADOW));
	assert_false(fake_vmcs_has(CR4_READ_SHADOW));
	assert_int_equal(fake_vmcs_get(VMCS_LINK_POINTER), ~0ULL);
	assert_int_equal(fake_vmcs_get(VMX_PREEMPTION_TIMER_VALUE), 0xffffffff);
}

static void test_vmcs_setup_guest_real_mode(void **state)
{
	(void)state;
	vmcs_setup_guest_real_mode(0x1000, 0x8000);
	/* ET | NE; PE and PG left clear under unrestricted guest. */
	assert_int_equal(fake_vmcs_get(GUEST_CR0), 0x30);
	assert_int_equal(fake_vmcs_get(CR0_READ_SHADOW), 0x30);
	assert_int_equal(fake_vmcs_get(GUEST_CR4), 0x2000);
	assert_int_equal(fake_vmcs_get(CR4_READ_SHADOW), 0);
	assert_int_equal(fake_vmcs_get(GUEST_RIP), 0x1000);
	assert_int_equal(fake_vmcs_get(GUEST_RSP), 0x8000);
	assert_int_equal(fake_vmcs_get(GUEST_RFLAGS), 0x2);
	assert_int_equal(fake_vmcs_get(GUEST_CS_SELECTOR), 0);
	assert_int_equal(fake_vmcs_get(GUEST_CS_LIMIT), 0xffff);
	assert_int_equal(fake_vmcs_get(GUEST_CS_AR_BYTES), 0x9b);
	assert_int_equal(fake_vmcs_get(GUEST_SS_AR_BYTES), 0x93);
	assert_int_equal(fake_vmcs_get(GUEST_TR_AR_BYTES), 0x8b);
	assert_int_equal(fake_vmcs_get(GUEST_LDTR_AR_BYTES), 0x10000);
	assert_int_equal(fake_vmcs_get(GUEST_DR7), 0x400);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_PAT), 0x0007040600070406ULL);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0);
	assert_int_equal(fake_vmcs_get(GUEST_ACTIVITY_STATE), 0);
}

static void expect_segment(uint32_t selector_field, uint32_t limit_field, uint32_t ar_field,
                           uint32_t base_field, uint16_t selector, uint32_t limit, uint32_t ar)
{
	assert_int_equal(fake_vmcs_get(selector_field), selector);
	assert_int_equal(fake_vmcs_get(limit_field), limit);
	assert_int_equal(fake_vmcs_get(ar_field), ar);
	assert_int_equal(fake_vmcs_get(base_field), 0);
}

static void test_vmcs_setup_guest_protected_mode(void **state)
{
	(void)state;
	vmcs_setup_guest_protected_mode(0x100000);
	/* The guest sees PE | ET; the CPU runs with NE forced as well. */
	assert_int_equal(fake_vmcs_get(CR0_READ_SHADOW), 0x11);
	assert_int_equal(fake_vmcs_get(GUEST_CR0), 0x31);
	assert_int_equal(fake_vmcs_get(CR4_READ_SHADOW), 0);
	assert_int_equal(fake_vmcs_get(GUEST_CR4), 0x2000);
	assert_int_equal(fake_vmcs_get(GUEST_CR3), 0);
	/* Flat 4 GiB code 0x10 and data 0x18 (G, D/B, accessed), each field
	 * at its own encoding. */
	expect_segment(GUEST_CS_SELECTOR, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES, GUEST_CS_BASE, 0x10,
	               0xffffffff, 0xc09b);
	expect_segment(GUEST_SS_SELECTOR, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES, GUEST_SS_BASE, 0x18,
	               0xffffffff, 0xc093);
	expect_segment(GUEST_DS_SELECTOR, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES, GUEST_DS_BASE, 0x18,
	               0xffffffff, 0xc093);
	expect_segment(GUEST_ES_SELECTOR, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES, GUEST_ES_BASE, 0x18,
	               0xffffffff, 0xc093);
	expect_segment(GUEST_FS_SELECTOR, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES, GUEST_FS_BASE, 0x18,
	               0xffffffff, 0xc093);
	expect_segment(GUEST_GS_SELECTOR, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES, GUEST_GS_BASE, 0x18,
	               0xffffffff, 0xc093);
	expect_segment(GUEST_TR_SELECTOR, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES, GUEST_TR_BASE, 0,
	               0xffff, 0x8b);
	expect_segment(GUEST_LDTR_SELECTOR, GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES, GUEST_LDTR_BASE,
	               0, 0, 0x10000);
	assert_int_equal(fake_vmcs_get(GUEST_GDTR_LIMIT), 0);
	assert_int_equal(fake_vmcs_get(GUEST_IDTR_LIMIT), 0);
	assert_int_equal(fake_vmcs_get(GUEST_RIP), 0x100000);
	assert_int_equal(fake_vmcs_get(GUEST_RSP), 0);
	assert_int_equal(fake_vmcs_get(GUEST_RFLAGS), 0x2);
	assert_int_equal(fake_vmcs_get(GUEST_INTERRUPTIBILITY_INFO), 0);
	assert_int_equal(fake_vmcs_get(GUEST_ACTIVITY_STATE), 0);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0);
}

static void test_vmcs_setup_host(void **state)
{
	(void)state;
	fake_cpu.cr3 = 0x1e000000;
	fake_cpu.idtr = (struct descriptor_pointer){.limit = 0xfff, .base = 0xffffffff80123000};
	fake_msr_set(MSR_IA32_FS_BASE, 0);
	fake_msr_set(MSR_IA32_EFER, 0xd01);
	fake_msr_set(MSR_IA32_PAT, 0x0007040600070406ULL);
	vmcs_setup_host(&cpu);
	assert_int_equal(fake_vmcs_get(HOST_CR0), 0x80000011);
	assert_int_equal(fake_vmcs_get(HOST_CR3), 0x1e000000);
	assert_int_equal(fake_vmcs_get(HOST_CR4), 0x20);
	assert_int_equal(fake_vmcs_get(HOST_CS_SELECTOR), SEL_CODE64);
	assert_int_equal(fake_vmcs_get(HOST_SS_SELECTOR), SEL_DATA);
	assert_int_equal(fake_vmcs_get(HOST_TR_SELECTOR), SEL_TSS);
	assert_int_equal(fake_vmcs_get(HOST_GS_BASE), ptr_to_hpa(&cpu));
	assert_int_equal(fake_vmcs_get(HOST_TR_BASE), ptr_to_hpa(&cpu.tss));
	assert_int_equal(fake_vmcs_get(HOST_GDTR_BASE), ptr_to_hpa(cpu.gdt));
	assert_int_equal(fake_vmcs_get(HOST_IDTR_BASE), 0xffffffff80123000);
	assert_int_equal(fake_vmcs_get(HOST_IA32_EFER), 0xd01);
	assert_int_equal(fake_vmcs_get(HOST_IA32_PAT), 0x0007040600070406ULL);
	assert_int_equal(fake_vmcs_get(HOST_RIP), (uint64_t)(uintptr_t)vmx_exit_entry);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_global_init_computes_controls),
	    T(test_enable_sets_and_locks_feature_control),
	    T(test_enable_keeps_locked_feature_control),
	    T(test_enable_refuses_locked_off),
	    T(test_enable_refuses_different_cpu),
	    T(test_enable_vmxon_failures),
	    T(test_enable_out_of_memory),
	    T(test_vmcs_create_and_destroy),
	    T(test_vmcs_create_failures_return_the_page),
	    T(test_vmcs_setup_controls),
	    T(test_vmcs_setup_guest_real_mode),
	    T(test_vmcs_setup_guest_protected_mode),
	    T(test_vmcs_setup_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

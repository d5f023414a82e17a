/*
 * Host tests for hypervisor/vmx/vmx_caps.c. The capability MSRs are
 * modelled on Bochs' corei7_skylake_x (VMCS revision 0x2B, TRUE_* MSRs
 * present, secondary controls allowed-1 0x02177FFF, EPT/VPID caps
 * 0xF0106334141) and fed through the fake MSR table, which fails the test
 * on any read of an MSR a given CPU would not have. Expected control words
 * are worked out by hand from those values, bit by bit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake/cpu.h"
#include "vmx/vmx_caps.h"

/* IA32_VMX_BASIC: revision 0x2B, 4 KiB VMCS (bits 44:32), write-back
 * (bits 53:50 = 6), INS/OUTS info (54), TRUE controls (55). */
#define SKL_BASIC 0x00d810000000002bULL
/* allowed-0 in the low half (bits 1, 2, 4 default to 1), allowed-1 in
 * the high half: bits 0-7, so the preemption timer and posted
 * interrupts are available. */
#define SKL_TRUE_PINBASED 0x000000ff00000016ULL
#define SKL_PINBASED      0x000000ff00000016ULL
/* The TRUE variant lets CR3-load/store exiting (bits 15, 16) be 0; the
 * legacy MSR reports them as must-be-one. */
#define SKL_TRUE_PROCBASED 0xfff9fffe04006172ULL
#define SKL_PROCBASED      0xfff9fffe0401e172ULL
#define SKL_PROCBASED2     0x02177fff00000000ULL
#define SKL_TRUE_EXIT      0x01ffffff00036dfbULL
#define SKL_EXIT           0x01ffffff00036dffULL
#define SKL_TRUE_ENTRY     0x0003ffff000011fbULL
#define SKL_ENTRY          0x0003ffff000011ffULL
#define SKL_MISC           0x00000000300481e5ULL /* preemption timer: TSC >> 5 */
#define SKL_EPT_VPID       0xf0106334141ULL
#define SKL_CR0_FIXED0     0x80000021ULL /* PE, NE, PG */
#define SKL_CR0_FIXED1     0xffffffffULL
#define SKL_CR4_FIXED0     0x2000ULL /* VMXE */
#define SKL_CR4_FIXED1     0x3727ffULL

static void declare_skylake_msrs(void)
{
	fake_msr_set(MSR_IA32_VMX_BASIC, SKL_BASIC);
	fake_msr_set(MSR_IA32_VMX_PINBASED_CTLS, SKL_PINBASED);
	fake_msr_set(MSR_IA32_VMX_PROCBASED_CTLS, SKL_PROCBASED);
	fake_msr_set(MSR_IA32_VMX_EXIT_CTLS, SKL_EXIT);
	fake_msr_set(MSR_IA32_VMX_ENTRY_CTLS, SKL_ENTRY);
	fake_msr_set(MSR_IA32_VMX_TRUE_PINBASED_CTLS, SKL_TRUE_PINBASED);
	fake_msr_set(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, SKL_TRUE_PROCBASED);
	fake_msr_set(MSR_IA32_VMX_TRUE_EXIT_CTLS, SKL_TRUE_EXIT);
	fake_msr_set(MSR_IA32_VMX_TRUE_ENTRY_CTLS, SKL_TRUE_ENTRY);
	fake_msr_set(MSR_IA32_VMX_MISC, SKL_MISC);
	fake_msr_set(MSR_IA32_VMX_CR0_FIXED0, SKL_CR0_FIXED0);
	fake_msr_set(MSR_IA32_VMX_CR0_FIXED1, SKL_CR0_FIXED1);
	fake_msr_set(MSR_IA32_VMX_CR4_FIXED0, SKL_CR4_FIXED0);
	fake_msr_set(MSR_IA32_VMX_CR4_FIXED1, SKL_CR4_FIXED1);
	fake_msr_set(MSR_IA32_VMX_PROCBASED_CTLS2, SKL_PROCBASED2);
	fake_msr_set(MSR_IA32_VMX_EPT_VPID_CAP, SKL_EPT_VPID);
}

/* The capability set vmx_caps_read() yields on that CPU. */
static struct vmx_cap_msrs skylake_caps(void)
{
	return (struct vmx_cap_msrs){
	    .basic = SKL_BASIC,
	    .pinbased = SKL_TRUE_PINBASED,
	    .procbased = SKL_TRUE_PROCBASED,
	    .procbased2 = SKL_PROCBASED2,
	    .exit = SKL_TRUE_EXIT,
	    .entry = SKL_TRUE_ENTRY,
	    .misc = SKL_MISC,
	    .ept_vpid = SKL_EPT_VPID,
	    .cr0_fixed0 = SKL_CR0_FIXED0,
	    .cr0_fixed1 = SKL_CR0_FIXED1,
	    .cr4_fixed0 = SKL_CR4_FIXED0,
	    .cr4_fixed1 = SKL_CR4_FIXED1,
	};
}

static int reset(void **state)
{
	(void)state;
	fake_cpu_reset();
	return 0;
}

static void test_adjust_forces_required_bits_on(void **state)
{
	(void)state;
	/* wanted bit 0; bits 1, 2, 4 are must-be-one: 0x01 | 0x16. */
	assert_int_equal(vmx_adjust_controls(0x000000ff00000016ULL, 0x01), 0x17);
}

static void test_adjust_drops_unsupported_bits(void **state)
{
	(void)state;
	/* allowed-1 is 0x7f: bit 7 (posted interrupts) cannot be 1. */
	assert_int_equal(vmx_adjust_controls(0x0000007f00000016ULL, 0x80 | 0x40), 0x56);
	/* Nothing wanted, nothing required, nothing allowed. */
	assert_int_equal(vmx_adjust_controls(0, 0xffffffffu), 0);
}

static void test_adjust_uses_only_low_32_bits_for_allowed_0(void **state)
{
	(void)state;
	/* A bit set in both halves is required and allowed; the high half
	 * must not leak into the low one. */
	assert_int_equal(vmx_adjust_controls(0x8000000180000000ULL, 0), 0x80000000u);
	assert_int_equal(vmx_adjust_controls(0x0000000180000000ULL, 1), 0x00000001u);
}

static void test_read_uses_true_msrs_when_basic_bit_55_set(void **state)
{
	(void)state;
	declare_skylake_msrs();
	struct vmx_cap_msrs caps;
	memset(&caps, 0xa5, sizeof(caps));
	vmx_caps_read(cpu_rdmsr, &caps);

	assert_int_equal(caps.basic, SKL_BASIC);
	assert_int_equal(caps.pinbased, SKL_TRUE_PINBASED);
	assert_int_equal(caps.procbased, SKL_TRUE_PROCBASED);
	assert_int_equal(caps.exit, SKL_TRUE_EXIT);
	assert_int_equal(caps.entry, SKL_TRUE_ENTRY);
	assert_int_equal(caps.procbased2, SKL_PROCBASED2);
	assert_int_equal(caps.ept_vpid, SKL_EPT_VPID);
	assert_int_equal(caps.misc, SKL_MISC);
	assert_int_equal(caps.cr0_fixed0, SKL_CR0_FIXED0);
	assert_int_equal(caps.cr0_fixed1, SKL_CR0_FIXED1);
	assert_int_equal(caps.cr4_fixed0, SKL_CR4_FIXED0);
	assert_int_equal(caps.cr4_fixed1, SKL_CR4_FIXED1);

	for (uint32_t msr = MSR_IA32_VMX_TRUE_PINBASED_CTLS; msr <= MSR_IA32_VMX_TRUE_ENTRY_CTLS;
	     msr++)
		assert_int_equal(fake_msr_reads(msr), 1);
	for (uint32_t msr = MSR_IA32_VMX_PINBASED_CTLS; msr <= MSR_IA32_VMX_ENTRY_CTLS; msr++)
		assert_int_equal(fake_msr_reads(msr), 0);
	/* IA32_VMX_BASIC decides which to read, so it comes first. */
	const uint32_t *log;
	assert_int_equal(fake_msr_read_log(&log), 12);
	assert_int_equal(log[0], MSR_IA32_VMX_BASIC);
}

static void test_read_uses_legacy_msrs_without_bit_55(void **state)
{
	(void)state;
	/* Only the legacy MSRs exist: reading a TRUE_* one fails the test. */
	fake_msr_set(MSR_IA32_VMX_BASIC, SKL_BASIC & ~VMX_BASIC_TRUE_CTLS);
	fake_msr_set(MSR_IA32_VMX_PINBASED_CTLS, SKL_PINBASED);
	fake_msr_set(MSR_IA32_VMX_PROCBASED_CTLS, SKL_PROCBASED);
	fake_msr_set(MSR_IA32_VMX_EXIT_CTLS, SKL_EXIT);
	fake_msr_set(MSR_IA32_VMX_ENTRY_CTLS, SKL_ENTRY);
	fake_msr_set(MSR_IA32_VMX_MISC, SKL_MISC);
	fake_msr_set(MSR_IA32_VMX_CR0_FIXED0, SKL_CR0_FIXED0);
	fake_msr_set(MSR_IA32_VMX_CR0_FIXED1, SKL_CR0_FIXED1);
	fake_msr_set(MSR_IA32_VMX_CR4_FIXED0, SKL_CR4_FIXED0);
	fake_msr_set(MSR_IA32_VMX_CR4_FIXED1, SKL_CR4_FIXED1);
	fake_msr_set(MSR_IA32_VMX_PROCBASED_CTLS2, SKL_PROCBASED2);
	fake_msr_set(MSR_IA32_VMX_EPT_VPID_CAP, SKL_EPT_VPID);

	struct vmx_cap_msrs caps;
	vmx_caps_read(cpu_rdmsr, &caps);
	assert_int_equal(caps.pinbased, SKL_PINBASED);
	assert_int_equal(caps.procbased, SKL_PROCBASED);
	assert_int_equal(caps.exit, SKL_EXIT);
	assert_int_equal(caps.entry, SKL_ENTRY);
	assert_int_equal(caps.procbased2, SKL_PROCBASED2);

	/* From the legacy procbased MSR, CR3-load/store exiting (bits 15,
	 * 16 = 0x18000) stay forced on: 0x0401e172 | HLT (bit 7) | I/O
	 * bitmaps (25) | MSR bitmaps (28) | secondary (31) = 0x9601e1f2. */
	struct vmx_controls controls;
	struct vmx_features features;
	const char *missing = "untouched";
	assert_true(vmx_controls_compute(&caps, &controls, &features, &missing));
	assert_int_equal(controls.procbased, 0x9601e1f2u);
	/* 0x36dff | 0x7c8200 (host 64-bit, ack, PAT and EFER save/load,
	 * save preemption timer) */
	assert_int_equal(controls.exit, 0x7fefffu);
	/* 0x11ff | load PAT (14) | load EFER (15) */
	assert_int_equal(controls.entry, 0xd1ffu);
}

static void test_no_secondary_msr_without_activate_secondary(void **state)
{
	(void)state;
	declare_skylake_msrs();
	/* The CPU cannot set bit 31: IA32_VMX_PROCBASED_CTLS2 and the EPT
	 * caps do not exist, so neither may be read. */
	uint64_t proc =
	    SKL_TRUE_PROCBASED & ~((uint64_t)CPU_BASED_ACTIVATE_SECONDARY_CONTROLS << 32);
	fake_msr_set(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, proc);

	struct vmx_cap_msrs caps;
	memset(&caps, 0xa5, sizeof(caps));
	vmx_caps_read(cpu_rdmsr, &caps);
	assert_int_equal(fake_msr_reads(MSR_IA32_VMX_PROCBASED_CTLS2), 0);
	assert_int_equal(fake_msr_reads(MSR_IA32_VMX_EPT_VPID_CAP), 0);
	assert_int_equal(caps.procbased2, 0);
	assert_int_equal(caps.ept_vpid, 0);

	struct vmx_controls controls;
	struct vmx_features features;
	const char *missing = NULL;
	assert_false(vmx_controls_compute(&caps, &controls, &features, &missing));
	assert_string_equal(missing, "secondary controls");
}

static void test_no_ept_caps_msr_without_ept_or_vpid(void **state)
{
	(void)state;
	declare_skylake_msrs();
	uint64_t proc2 =
	    SKL_PROCBASED2 &
	    ~((uint64_t)(SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID) << 32);
	fake_msr_set(MSR_IA32_VMX_PROCBASED_CTLS2, proc2);

	struct vmx_cap_msrs caps;
	vmx_caps_read(cpu_rdmsr, &caps);
	assert_int_equal(fake_msr_reads(MSR_IA32_VMX_PROCBASED_CTLS2), 1);
	assert_int_equal(fake_msr_reads(MSR_IA32_VMX_EPT_VPID_CAP), 0);
	assert_int_equal(caps.ept_vpid, 0);
}

static void test_ept_caps_msr_read_with_vpid_alone(void **state)
{
	(void)state;
	declare_skylake_msrs();
	uint64_t proc2 = SKL_PROCBASED2 & ~((uint64_t)SECONDARY_EXEC_ENABLE_EPT << 32);
	fake_msr_set(MSR_IA32_VMX_PROCBASED_CTLS2, proc2);

	struct vmx_cap_msrs caps;
	vmx_caps_read(cpu_rdmsr, &caps);
	assert_int_equal(fake_msr_reads(MSR_IA32_VMX_EPT_VPID_CAP), 1);
	assert_int_equal(caps.ept_vpid, SKL_EPT_VPID);
}

static void test_skylake_controls_and_features(void **state)
{
	(void)state;
	struct vmx_cap_msrs caps = skylake_caps();
	struct vmx_controls controls;
	struct vmx_features features;
	const char *missing = "untouched";
	assert_true(vmx_controls_compute(&caps, &controls, &features, &missing));
	assert_null(missing);

	/* 0x16 | ext-intr (0) | NMI (3) | preemption timer (6) = 0x5f */
	assert_int_equal(controls.pinbased, 0x5fu);
	/* 0x04006172 | HLT (7) | I/O bitmaps (25) | MSR bitmaps (28) |
	 * secondary (31) = 0x960061f2 */
	assert_int_equal(controls.procbased, 0x960061f2u);
	/* EPT (1) | VPID (5) | unrestricted guest (7), no must-be-ones */
	assert_int_equal(controls.procbased2, 0xa2u);
	/* 0x36dfb | save debug controls (2) | host 64-bit (9) | ack (15) |
	 * save/load PAT (18, 19) | save/load EFER (20, 21) | save
	 * preemption timer (22) = 0x7fefff: the TRUE MSR lets bit 2 be 0,
	 * which would lose the guest's DR7 at every exit. */
	assert_int_equal(controls.exit, 0x7fefffu);
	/* 0x11fb | load debug controls (2) | load PAT (14) | load EFER (15)
	 * = 0xd1ff */
	assert_int_equal(controls.entry, 0xd1ffu);

	assert_int_equal(features.vmcs_revision, 0x2b);
	assert_int_equal(features.vmcs_size, 4096);
	assert_true(features.ept_2mb_pages);
	assert_true(features.ept_1gb_pages);
	assert_true(features.tpr_shadow);
	assert_true(features.virtualize_x2apic);
	assert_true(features.apic_register_virt);
	assert_true(features.virtual_intr_delivery);
	assert_int_equal(features.preemption_timer_shift, 5);
}

static void test_optional_features_absent(void **state)
{
	(void)state;
	struct vmx_cap_msrs caps = skylake_caps();
	caps.ept_vpid &= ~(EPT_CAP_2MB_PAGES | EPT_CAP_1GB_PAGES);
	caps.procbased &= ~((uint64_t)CPU_BASED_TPR_SHADOW << 32);
	caps.procbased2 &=
	    ~((uint64_t)(SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE | SECONDARY_EXEC_APIC_REGISTER_VIRT |
	                 SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY)
	      << 32);
	caps.misc = 0x300481e0; /* timer rate 0: ticks with the TSC */
	struct vmx_controls controls;
	struct vmx_features features;
	const char *missing = "untouched";
	assert_true(vmx_controls_compute(&caps, &controls, &features, &missing));
	assert_false(features.ept_2mb_pages);
	assert_false(features.ept_1gb_pages);
	assert_false(features.tpr_shadow);
	assert_false(features.virtualize_x2apic);
	assert_false(features.apic_register_virt);
	assert_false(features.virtual_intr_delivery);
	assert_int_equal(features.preemption_timer_shift, 0);
}

/* One required capability bit, and the name solo must report without it. */
struct required_case {
	enum { IN_PIN, IN_PROC, IN_PROC2, IN_EXIT, IN_ENTRY, IN_EPT } where;
	uint64_t bit; /* allowed-1 bit for controls, a bit of EPT_VPID_CAP */
	const char *name;
};

static const struct required_case required_cases[] = {
    {IN_PIN, PIN_BASED_PREEMPTION_TIMER, "VMX-preemption timer"},
    {IN_PROC, CPU_BASED_HLT_EXITING, "HLT exiting"},
    {IN_PROC, CPU_BASED_USE_IO_BITMAPS, "I/O bitmaps"},
    {IN_PROC, CPU_BASED_USE_MSR_BITMAPS, "MSR bitmaps"},
    {IN_PROC, CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, "secondary controls"},
    {IN_PROC2, SECONDARY_EXEC_ENABLE_EPT, "EPT"},
    {IN_PROC2, SECONDARY_EXEC_ENABLE_VPID, "VPID"},
    {IN_PROC2, SECONDARY_EXEC_UNRESTRICTED_GUEST, "unrestricted guest"},
    {IN_EXIT, VM_EXIT_SAVE_DEBUG_CONTROLS, "save debug controls on VM exit"},
    {IN_EXIT, VM_EXIT_HOST_ADDR_SPACE_SIZE, "64-bit host on VM exit"},
    {IN_EXIT, VM_EXIT_SAVE_IA32_EFER, "save IA32_EFER on VM exit"},
    {IN_EXIT, VM_EXIT_LOAD_IA32_EFER, "load IA32_EFER on VM exit"},
    {IN_ENTRY, VM_ENTRY_LOAD_DEBUG_CONTROLS, "load debug controls on VM entry"},
    {IN_ENTRY, VM_ENTRY_LOAD_IA32_EFER, "load IA32_EFER on VM entry"},
    {IN_EPT, EPT_CAP_WALK_LENGTH_4, "EPT 4-level page walk"},
    {IN_EPT, EPT_CAP_MEMTYPE_WB, "EPT write-back paging structures"},
    {IN_EPT, EPT_CAP_INVEPT, "INVEPT"},
    /* solo only ever issues all-context INVEPT/INVVPID (type 2). */
    {IN_EPT, EPT_CAP_INVEPT_ALL_CONTEXT, "INVEPT"},
    {IN_EPT, VPID_CAP_INVVPID, "INVVPID"},
    {IN_EPT, VPID_CAP_INVVPID_ALL_CONTEXT, "INVVPID"},
};

static void test_each_required_feature_missing(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(required_cases) / sizeof(required_cases[0]); i++) {
		const struct required_case *c = &required_cases[i];
		struct vmx_cap_msrs caps = skylake_caps();
		uint64_t *msr[] = {&caps.pinbased, &caps.procbased, &caps.procbased2,
		                   &caps.exit,     &caps.entry,     &caps.ept_vpid};
		*msr[c->where] &= ~(c->where == IN_EPT ? c->bit : c->bit << 32);
		struct vmx_controls controls;
		struct vmx_features features;
		const char *missing = NULL;
		if (vmx_controls_compute(&caps, &controls, &features, &missing))
			fail_msg("case %u (%s): accepted", i, c->name);
		if (!missing || strcmp(missing, c->name) != 0)
			fail_msg("case %u: missing '%s', expected '%s'", i,
			         missing ? missing : "(null)", c->name);
	}
}

static void test_no_vmx_msrs_at_all(void **state)
{
	(void)state;
	struct vmx_cap_msrs caps = {0};
	struct vmx_controls controls;
	struct vmx_features features;
	const char *missing = NULL;
	assert_false(vmx_controls_compute(&caps, &controls, &features, &missing));
	assert_string_equal(missing, "VMX capability MSRs");
}

static void test_single_context_invalidation_only_is_not_enough(void **state)
{
	(void)state;
	/* A CPU offering only single-context INVEPT/INVVPID would fail the
	 * all-context invalidations solo issues after VMXON. */
	struct vmx_cap_msrs caps = skylake_caps();
	caps.ept_vpid &= ~EPT_CAP_INVEPT_ALL_CONTEXT;
	struct vmx_controls controls;
	struct vmx_features features;
	const char *missing = NULL;
	assert_false(vmx_controls_compute(&caps, &controls, &features, &missing));
	assert_string_equal(missing, "INVEPT");

	caps = skylake_caps();
	caps.ept_vpid &= ~VPID_CAP_INVVPID_ALL_CONTEXT;
	assert_false(vmx_controls_compute(&caps, &controls, &features, &missing));
	assert_string_equal(missing, "INVVPID");
}

static void test_first_missing_feature_wins(void **state)
{
	(void)state;
	struct vmx_cap_msrs caps = skylake_caps();
	caps.procbased2 &= ~((uint64_t)SECONDARY_EXEC_ENABLE_EPT << 32);
	caps.entry &= ~((uint64_t)VM_ENTRY_LOAD_IA32_EFER << 32);
	caps.procbased &= ~((uint64_t)CPU_BASED_USE_MSR_BITMAPS << 32);
	struct vmx_controls controls;
	struct vmx_features features;
	const char *missing = NULL;
	assert_false(vmx_controls_compute(&caps, &controls, &features, &missing));
	assert_string_equal(missing, "MSR bitmaps");
}

static void test_fixed_cr0(void **state)
{
	(void)state;
	struct vmx_cap_msrs caps = skylake_caps();
	const uint64_t et = 1u << 4, ne = 1u << 5, pe = 1u << 0, pg = 1u << 31;
	/* Without unrestricted guest PE, NE and PG are forced on. */
	assert_int_equal(vmx_fixed_cr0(&caps, et, false), et | ne | pe | pg);
	/* Unrestricted guest exempts PE and PG (SDM 26.3.1.1), not NE. */
	assert_int_equal(vmx_fixed_cr0(&caps, et, true), et | ne);
	/* PE/PG the caller asked for stay. */
	assert_int_equal(vmx_fixed_cr0(&caps, et | pe, true), et | ne | pe);
	/* A bit outside FIXED1 is cleared: CD (30) on a CPU that cannot
	 * have it set in VMX operation. */
	caps.cr0_fixed1 = 0xbfffffff;
	assert_int_equal(vmx_fixed_cr0(&caps, et | (1u << 30), false), et | ne | pe | pg);
}

static void test_fixed_cr4(void **state)
{
	(void)state;
	struct vmx_cap_msrs caps = skylake_caps();
	const uint64_t vmxe = 1u << 13, pae = 1u << 5, cet = 1u << 23;
	assert_int_equal(vmx_fixed_cr4(&caps, 0), vmxe);
	assert_int_equal(vmx_fixed_cr4(&caps, pae), pae | vmxe);
	/* CET (23) is outside 0x3727ff. */
	assert_int_equal(vmx_fixed_cr4(&caps, pae | cet), pae | vmxe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_adjust_forces_required_bits_on, reset),
	    cmocka_unit_test_setup(test_adjust_drops_unsupported_bits, reset),
	    cmocka_unit_test_setup(test_adjust_uses_only_low_32_bits_for_allowed_0, reset),
	    cmocka_unit_test_setup(test_read_uses_true_msrs_when_basic_bit_55_set, reset),
	    cmocka_unit_test_setup(test_read_uses_legacy_msrs_without_bit_55, reset),
	    cmocka_unit_test_setup(test_no_secondary_msr_without_activate_secondary, reset),
	    cmocka_unit_test_setup(test_no_ept_caps_msr_without_ept_or_vpid, reset),
	    cmocka_unit_test_setup(test_ept_caps_msr_read_with_vpid_alone, reset),
	    cmocka_unit_test_setup(test_skylake_controls_and_features, reset),
	    cmocka_unit_test_setup(test_optional_features_absent, reset),
	    cmocka_unit_test_setup(test_each_required_feature_missing, reset),
	    cmocka_unit_test_setup(test_no_vmx_msrs_at_all, reset),
	    cmocka_unit_test_setup(test_single_context_invalidation_only_is_not_enough, reset),
	    cmocka_unit_test_setup(test_first_missing_feature_wins, reset),
	    cmocka_unit_test_setup(test_fixed_cr0, reset),
	    cmocka_unit_test_setup(test_fixed_cr4, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Host tests for solo's MSR policy (hypervisor/core/guest_msr.c): which
 * MSRs the bitmap passes through, and the emulation of the intercepted
 * ones (EFER, APIC base, x2APIC registers, TSC deadline, PAT and the
 * identification MSRs Linux reads), down to the VMCS fields they write.
 * Refusals are checked to leave every piece of state untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/guest_msr.h"
#include "fake/vmcs.h"
#include "vmx/msr_bitmap.h"
#include "vmx/vmcs_fields.h"

#define CR0_PE_PG      0x80000001ULL
#define PAT_DEFAULT    0x0007040600070406ULL
#define MSR_TSC_ADJUST 0x3b

static struct vcpu vcpu;

static int setup(void **state)
{
	(void)state;
	fake_vmcs_reset();
	memset(&vcpu, 0, sizeof(vcpu));
	x2apic_init(&vcpu.apic, 0, 1);
	fake_vmcs_set(GUEST_CR0, 0x11); /* PE | ET: paging off */
	fake_vmcs_set(GUEST_IA32_PAT, PAT_DEFAULT);
	return 0;
}

static uint64_t rd(uint32_t msr, uint64_t now)
{
	uint64_t value = 0xbadbadULL;
	if (!guest_msr_read(&vcpu, msr, now, &value))
		fail_msg("rdmsr 0x%x refused", msr);
	return value;
}

static bool read_refused(uint32_t msr)
{
	uint64_t value = 0x1234;
	return !guest_msr_read(&vcpu, msr, 0, &value);
}

static const uint32_t pass_through[] = {
    0x174,      0x175,      0x176,      0xc0000081, 0xc0000082,
    0xc0000083, 0xc0000084, 0xc0000100, 0xc0000101, 0xc0000102,
};

static bool in_pass_through(uint32_t msr)
{
	for (unsigned i = 0; i < sizeof(pass_through) / sizeof(pass_through[0]); i++)
		if (pass_through[i] == msr)
			return true;
	return false;
}

static void test_bitmap_passes_exactly_the_listed_msrs(void **state)
{
	(void)state;
	static uint8_t bitmap[MSR_BITMAP_SIZE];
	memset(bitmap, 0, sizeof(bitmap)); /* it must set every other bit */
	guest_msr_setup_bitmap(bitmap);
	unsigned passed = 0;
	const uint32_t ranges[] = {0, 0xc0000000u};
	for (unsigned r = 0; r < 2; r++) {
		for (uint32_t msr = ranges[r]; msr < ranges[r] + 0x2000; msr++) {
			bool expected = !in_pass_through(msr);
			if (msr_bitmap_intercepts(bitmap, msr, false) != expected ||
			    msr_bitmap_intercepts(bitmap, msr, true) != expected)
				fail_msg("MSR 0x%x: wrong intercept bits", msr);
			passed += !expected;
		}
	}
	assert_int_equal(passed, 10);
	/* EFER, APIC base, TSC deadline and the x2APIC are emulated. */
	assert_true(msr_bitmap_intercepts(bitmap, 0xc0000080, true));
	assert_true(msr_bitmap_intercepts(bitmap, 0x1b, false));
	assert_true(msr_bitmap_intercepts(bitmap, 0x6e0, true));
	assert_true(msr_bitmap_intercepts(bitmap, 0x80b, true));
}

static void test_efer_write_and_read(void **state)
{
	(void)state;
	assert_true(guest_msr_write(&vcpu, MSR_IA32_EFER, EFER_LME, 0));
	assert_int_equal(vcpu.efer, 0x100);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0x100);
	assert_true(guest_msr_write(&vcpu, MSR_IA32_EFER, EFER_SCE | EFER_LME | EFER_NXE, 0));
	assert_int_equal(vcpu.efer, 0x901);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0x901);
	assert_int_equal(rd(MSR_IA32_EFER, 0), 0x901);
	assert_int_equal(fake_vmcs_writes(GUEST_IA32_EFER), 2);
}

static void test_efer_reserved_bits_refused(void **state)
{
	(void)state;
	vcpu.efer = EFER_SCE;
	const uint64_t bad[] = {1ULL << 1, 1ULL << 9, 1ULL << 12, 1ULL << 14, 1ULL << 63};
	for (unsigned i = 0; i < 5; i++)
		assert_false(guest_msr_write(&vcpu, MSR_IA32_EFER, EFER_SCE | bad[i], 0));
	assert_int_equal(vcpu.efer, EFER_SCE);
	assert_false(fake_vmcs_has(GUEST_IA32_EFER));
}

static void test_efer_lma_belongs_to_solo(void **state)
{
	(void)state;
	/* Paging off, LMA clear: a write setting LMA does not set it. */
	assert_true(guest_msr_write(&vcpu, MSR_IA32_EFER, EFER_LME | EFER_LMA, 0));
	assert_int_equal(vcpu.efer, EFER_LME);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), EFER_LME);

	/* In long mode, a write without LMA keeps it. */
	fake_vmcs_set(GUEST_CR0, CR0_PE_PG);
	vcpu.efer = EFER_LME | EFER_LMA;
	assert_true(guest_msr_write(&vcpu, MSR_IA32_EFER, EFER_SCE | EFER_LME | EFER_NXE, 0));
	assert_int_equal(vcpu.efer, 0xd01);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0xd01);
	assert_int_equal(rd(MSR_IA32_EFER, 0), 0xd01);
}

static void test_efer_lme_frozen_while_paging(void **state)
{
	(void)state;
	fake_vmcs_set(GUEST_CR0, CR0_PE_PG);
	vcpu.efer = EFER_LME | EFER_LMA;
	assert_false(guest_msr_write(&vcpu, MSR_IA32_EFER, EFER_SCE, 0));
	assert_int_equal(vcpu.efer, EFER_LME | EFER_LMA);
	/* 32-bit paging on: LME may not be turned on either. */
	vcpu.efer = 0;
	assert_false(guest_msr_write(&vcpu, MSR_IA32_EFER, EFER_LME, 0));
	assert_int_equal(vcpu.efer, 0);
	assert_false(fake_vmcs_has(GUEST_IA32_EFER));
	/* Other bits may change. */
	assert_true(guest_msr_write(&vcpu, MSR_IA32_EFER, EFER_NXE, 0));
	assert_int_equal(vcpu.efer, EFER_NXE);
}

static void test_apic_base(void **state)
{
	(void)state;
	/* Out of reset: 0xfee00000, enabled (11), BSP (8) for vCPU 0, in
	 * xAPIC mode (x2APIC, bit 10, clear). */
	assert_false(vcpu.apic.x2apic_mode);
	assert_int_equal(rd(MSR_IA32_APIC_BASE, 0), 0xfee00900);
	assert_true(guest_msr_write(&vcpu, MSR_IA32_APIC_BASE, 0xfee00900, 0));
	assert_false(vcpu.apic.x2apic_mode);
	/* Disabling, moving, setting x2APIC without the enable bit or with
	 * the BSP bit changed: all refused, the mode untouched. */
	const uint64_t refused_xapic[] = {0xfee00100, 0xfee00500, 0xfee00800, 0xfed00900,
	                                  0xfed00d00, 0xfee00c00, 0,          0x1fee00900};
	for (unsigned i = 0; i < sizeof(refused_xapic) / sizeof(refused_xapic[0]); i++) {
		if (guest_msr_write(&vcpu, MSR_IA32_APIC_BASE, refused_xapic[i], 0))
			fail_msg("APIC base 0x%llx accepted in xAPIC mode",
			         (unsigned long long)refused_xapic[i]);
		assert_false(vcpu.apic.x2apic_mode);
	}
	assert_int_equal(rd(MSR_IA32_APIC_BASE, 0), 0xfee00900);

	/* xAPIC -> x2APIC, as Linux switches. */
	assert_true(guest_msr_write(&vcpu, MSR_IA32_APIC_BASE, 0xfee00d00, 0));
	assert_true(vcpu.apic.x2apic_mode);
	assert_int_equal(rd(MSR_IA32_APIC_BASE, 0), 0xfee00d00);
	assert_true(guest_msr_write(&vcpu, MSR_IA32_APIC_BASE, 0xfee00d00, 0));
	/* No way back: not to xAPIC, not to disabled (SDM 11.12.5). */
	const uint64_t refused_x2apic[] = {0xfee00900, 0xfee00c00, 0xfed00d00, 0xfee00500,
	                                   0xfee00100, 0,          0x1fee00d00};
	for (unsigned i = 0; i < sizeof(refused_x2apic) / sizeof(refused_x2apic[0]); i++) {
		if (guest_msr_write(&vcpu, MSR_IA32_APIC_BASE, refused_x2apic[i], 0))
			fail_msg("APIC base 0x%llx accepted in x2APIC mode",
			         (unsigned long long)refused_x2apic[i]);
		assert_true(vcpu.apic.x2apic_mode);
	}
	assert_int_equal(rd(MSR_IA32_APIC_BASE, 0), 0xfee00d00);
}

static void test_apic_base_of_an_application_processor(void **state)
{
	(void)state;
	vcpu.index = 1;
	assert_int_equal(rd(MSR_IA32_APIC_BASE, 0), 0xfee00800);
	assert_true(guest_msr_write(&vcpu, MSR_IA32_APIC_BASE, 0xfee00800, 0));
	assert_false(guest_msr_write(&vcpu, MSR_IA32_APIC_BASE, 0xfee00900, 0));
	assert_false(guest_msr_write(&vcpu, MSR_IA32_APIC_BASE, 0xfee00d00, 0)); /* BSP bit */
	assert_false(vcpu.apic.x2apic_mode);
	assert_true(guest_msr_write(&vcpu, MSR_IA32_APIC_BASE, 0xfee00c00, 0));
	assert_true(vcpu.apic.x2apic_mode);
	assert_int_equal(rd(MSR_IA32_APIC_BASE, 0), 0xfee00c00);
}

/* Switches the vCPU's APIC to x2APIC mode the way the guest does. */
static void enter_x2apic_mode(void)
{
	assert_true(guest_msr_write(&vcpu, MSR_IA32_APIC_BASE, 0xfee00d00, 0));
}

static void test_x2apic_msrs_gp_in_xapic_mode(void **state)
{
	(void)state;
	x2apic_init(&vcpu.apic, 7, 1);
	/* Every x2APIC MSR, readable or writable in x2APIC mode, is #GP
	 * until the switch (SDM 11.12.1.2), and a refused write changes
	 * nothing. */
	for (uint32_t msr = 0x800; msr <= 0x8ff; msr++) {
		assert_true(read_refused(msr));
		assert_false(guest_msr_write(&vcpu, msr, 0, 0));
	}
	assert_false(guest_msr_write(&vcpu, 0x80f, 0x1ff, 0));
	assert_false(guest_msr_write(&vcpu, 0x808, 0x20, 0));
	assert_false(guest_msr_write(&vcpu, 0x83f, 0x40, 0));
	assert_int_equal(vcpu.apic.svr, 0xff);
	assert_int_equal(vcpu.apic.tpr, 0);
	assert_int_equal(vcpu.apic.irr[2], 0);
	/* Right past the range is not the APIC's. */
	assert_true(read_refused(0x7ff));
	assert_true(read_refused(0x900));
	enter_x2apic_mode();
	assert_int_equal(rd(0x802, 0), 7);
	assert_int_equal(rd(0x80f, 0), 0xff);
}

static void test_x2apic_range_goes_to_the_apic(void **state)
{
	(void)state;
	x2apic_init(&vcpu.apic, 7, 1);
	enter_x2apic_mode();
	assert_int_equal(rd(0x802, 0), 7);
	assert_true(guest_msr_write(&vcpu, 0x80f, 0x1ff, 0));
	assert_int_equal(vcpu.apic.svr, 0x1ff);
	assert_true(guest_msr_write(&vcpu, 0x808, 0x20, 0));
	assert_int_equal(rd(0x808, 0), 0x20);
	/* The APIC's own #GP cases come through. */
	assert_true(read_refused(0x80b));
	assert_true(read_refused(0x8ff));
	assert_false(guest_msr_write(&vcpu, 0x802, 1, 0));
	assert_false(guest_msr_write(&vcpu, 0x808, 1ULL << 32, 0));
	/* The current count is computed at `now`. */
	assert_true(guest_msr_write(&vcpu, 0x83e, 0xb, 0));
	assert_true(guest_msr_write(&vcpu, 0x838, 1000, 5000));
	assert_int_equal(rd(0x839, 5400), 600);
}

static void test_tsc_deadline(void **state)
{
	(void)state;
	/* Outside TSC-deadline mode: reads 0, writes accepted and ignored. */
	assert_true(guest_msr_write(&vcpu, MSR_IA32_TSC_DEADLINE, 12345, 0));
	assert_int_equal(rd(MSR_IA32_TSC_DEADLINE, 0), 0);
	assert_int_equal(vcpu.apic.timer_deadline, 0);

	/* The MSR works in xAPIC mode too; the LVT is set through MMIO
	 * there, here through the x2APIC MSRs after the switch. */
	enter_x2apic_mode();
	assert_true(guest_msr_write(&vcpu, 0x80f, 0x1ff, 0));
	assert_true(guest_msr_write(&vcpu, 0x832, 0x400ec, 0));
	assert_true(guest_msr_write(&vcpu, MSR_IA32_TSC_DEADLINE, 12345, 0));
	assert_int_equal(vcpu.apic.timer_deadline, 12345);
	assert_int_equal(rd(MSR_IA32_TSC_DEADLINE, 0), 12345);
	assert_true(guest_msr_write(&vcpu, MSR_IA32_TSC_DEADLINE, 0, 0));
	assert_int_equal(vcpu.apic.timer_deadline, 0);
}

static void test_tsc_deadline_in_xapic_mode(void **state)
{
	(void)state;
	/* SVR and the timer LVT through the xAPIC page. */
	assert_true(xapic_mmio_write(&vcpu.apic, 0xf0, 0x1ff, 0));
	assert_true(xapic_mmio_write(&vcpu.apic, 0x320, 0x400ec, 0));
	assert_true(guest_msr_write(&vcpu, MSR_IA32_TSC_DEADLINE, 777, 0));
	assert_int_equal(vcpu.apic.timer_deadline, 777);
	assert_int_equal(rd(MSR_IA32_TSC_DEADLINE, 0), 777);
	assert_false(vcpu.apic.x2apic_mode);
}

static void test_tsc_reads_now(void **state)
{
	(void)state;
	assert_int_equal(rd(MSR_IA32_TSC, 0x123456789abULL), 0x123456789abULL);
	assert_false(guest_msr_write(&vcpu, MSR_IA32_TSC, 0, 0));
}

static void test_pat(void **state)
{
	(void)state;
	assert_int_equal(rd(MSR_IA32_PAT, 0), PAT_DEFAULT);
	/* Every valid type (0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC-). */
	const uint64_t good = 0x0706050401000706ULL;
	assert_true(guest_msr_write(&vcpu, MSR_IA32_PAT, good, 0));
	assert_int_equal(fake_vmcs_get(GUEST_IA32_PAT), good);
	assert_int_equal(rd(MSR_IA32_PAT, 0), good);
	/* Types 2, 3 and anything above 7, in any entry, are refused. */
	const uint8_t bad_types[] = {2, 3, 8, 0x16, 0xff};
	for (unsigned entry = 0; entry < 8; entry++) {
		for (unsigned t = 0; t < 5; t++) {
			uint64_t value = (good & ~(0xffULL << (entry * 8))) |
			                 ((uint64_t)bad_types[t] << (entry * 8));
			if (guest_msr_write(&vcpu, MSR_IA32_PAT, value, 0))
				fail_msg("PAT 0x%llx accepted", (unsigned long long)value);
		}
	}
	assert_int_equal(fake_vmcs_get(GUEST_IA32_PAT), good);
	assert_int_equal(fake_vmcs_writes(GUEST_IA32_PAT), 1);
}

static void test_identification_msrs(void **state)
{
	(void)state;
	/* Fast strings on; BTS and PEBS unavailable. */
	assert_int_equal(rd(MSR_IA32_MISC_ENABLE, 0), 0x1801);
	assert_true(guest_msr_write(&vcpu, MSR_IA32_MISC_ENABLE, 0, 0));
	assert_int_equal(rd(MSR_IA32_MISC_ENABLE, 0), 0x1801);
	/* No microcode revision; Linux writes 0 first. */
	assert_true(guest_msr_write(&vcpu, MSR_IA32_BIOS_SIGN_ID, 0, 0));
	assert_int_equal(rd(MSR_IA32_BIOS_SIGN_ID, 0), 0);
	assert_int_equal(rd(MSR_IA32_PLATFORM_ID, 0), 0);
	assert_false(guest_msr_write(&vcpu, MSR_IA32_PLATFORM_ID, 0, 0));
	/* IA32_FEATURE_CONTROL: locked (bit 0) with VMX off (bits 1, 2
	 * clear); locked, so writes fault as on hardware. */
	assert_int_equal(rd(0x3a, 0), 1);
	assert_false(guest_msr_write(&vcpu, 0x3a, 1, 0));
	assert_false(guest_msr_write(&vcpu, 0x3a, 5, 0));
	assert_int_equal(rd(0x3a, 0), 1);
}

static void test_unknown_msrs_refused(void **state)
{
	(void)state;
	/* TSC_ADJUST, SPEC_CTRL, MTRRcap, DEBUGCTL,
	 * VMX_BASIC, TSC_AUX, a pass-through MSR (never emulated), and ones
	 * that do not exist. */
	const uint32_t unknown[] = {MSR_TSC_ADJUST, 0x48,       0xfe,       0x1d9,     0x480,
	                            0xc0000103,     0xc0000082, 0x40000000, 0xffffffff};
	for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		assert_true(read_refused(unknown[i]));
		assert_false(guest_msr_write(&vcpu, unknown[i], 0, 0));
	}
	assert_int_equal(vcpu.efer, 0);
	assert_false(fake_vmcs_has(GUEST_IA32_EFER));
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_bitmap_passes_exactly_the_listed_msrs),
	    T(test_efer_write_and_read),
	    T(test_efer_reserved_bits_refused),
	    T(test_efer_lma_belongs_to_solo),
	    T(test_efer_lme_frozen_while_paging),
	    T(test_apic_base),
	    T(test_apic_base_of_an_application_processor),
	    T(test_x2apic_msrs_gp_in_xapic_mode),
	    T(test_x2apic_range_goes_to_the_apic),
	    T(test_tsc_deadline),
	    T(test_tsc_deadline_in_xapic_mode),
	    T(test_tsc_reads_now),
	    T(test_pat),
	    T(test_identification_msrs),
	    T(test_unknown_msrs_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

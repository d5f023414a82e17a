/*
 * Host tests for the virtual x2APIC (hypervisor/devices/x2apic.c): the MSR
 * interface and its #GP cases, interrupt priority (TPR, in-service
 * classes, PPR), IRR to ISR acceptance and EOI, the timer in TSC-deadline,
 * one-shot and periodic modes with every divide value, the
 * software-disabled state, self-IPIs and the ICR; and the xAPIC MMIO view
 * of the same registers the guest uses until it switches to x2APIC mode
 * (ID in bits 31:24, software LDR and DFR, the ICR in two halves). Time
 * is the `now` argument, so every deadline is checked to the TSC tick.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "devices/x2apic.h"

/* x2APIC MSRs: 0x800 + the xAPIC register offset / 16 (SDM Table 11-6). */
#define MSR_ID            0x802
#define MSR_VERSION       0x803
#define MSR_TPR           0x808
#define MSR_PPR           0x80a
#define MSR_EOI           0x80b
#define MSR_LDR           0x80d
#define MSR_SVR           0x80f
#define MSR_ISR0          0x810
#define MSR_TMR0          0x818
#define MSR_IRR0          0x820
#define MSR_ESR           0x828
#define MSR_LVT_CMCI      0x82f
#define MSR_ICR           0x830
#define MSR_LVT_TIMER     0x832
#define MSR_LVT_THERMAL   0x833
#define MSR_LVT_PERF      0x834
#define MSR_LVT_LINT0     0x835
#define MSR_LVT_LINT1     0x836
#define MSR_LVT_ERROR     0x837
#define MSR_TIMER_INITIAL 0x838
#define MSR_TIMER_CURRENT 0x839
#define MSR_TIMER_DIVIDE  0x83e
#define MSR_SELF_IPI      0x83f

#define SVR_ENABLED   0x1ff /* APIC enabled, spurious vector 0xff */
#define MODE_ONESHOT  (0u << 17)
#define MODE_PERIODIC (1u << 17)
#define MODE_DEADLINE (2u << 17)
#define MASKED        (1u << 16)

static struct x2apic apic;

static int setup(void **state)
{
	(void)state;
	x2apic_init(&apic, 5, 3);
	return 0;
}

static uint64_t rd(uint32_t msr, uint64_t now)
{
	uint64_t value = 0xbadbadbadULL;
	if (!x2apic_read(&apic, msr, now, &value))
		fail_msg("read of MSR 0x%x raised #GP", msr);
	return value;
}

static uint64_t reg(uint32_t msr)
{
	return rd(msr, 0);
}

static void wr(uint32_t msr, uint64_t value, uint64_t now)
{
	if (!x2apic_write(&apic, msr, value, now))
		fail_msg("write of 0x%llx to MSR 0x%x raised #GP", (unsigned long long)value, msr);
}

static void set(uint32_t msr, uint64_t value)
{
	wr(msr, value, 0);
}

static void enable(void)
{
	set(MSR_SVR, SVR_ENABLED);
}

/* Is `vector` set in the 256-bit register starting at MSR `first`? */
static bool bit_in(uint32_t first, int vector)
{
	return (reg(first + (uint32_t)vector / 32) >> (vector % 32)) & 1;
}

static unsigned bits_in(uint32_t first)
{
	unsigned n = 0;
	for (uint32_t i = 0; i < 8; i++)
		n += (unsigned)__builtin_popcountll(reg(first + i));
	return n;
}

static void test_reset_state(void **state)
{
	(void)state;
	/* The guest starts in xAPIC mode and switches itself (guest_msr.c). */
	assert_false(apic.x2apic_mode);
	assert_int_equal(reg(MSR_ID), 5);
	assert_int_equal(reg(MSR_VERSION), 0x00060014);
	/* Software-disabled, spurious vector 0xff, every LVT masked. */
	assert_int_equal(reg(MSR_SVR), 0xff);
	const uint32_t lvts[] = {MSR_LVT_CMCI,  MSR_LVT_TIMER, MSR_LVT_THERMAL, MSR_LVT_PERF,
	                         MSR_LVT_LINT0, MSR_LVT_LINT1, MSR_LVT_ERROR};
	for (unsigned i = 0; i < 7; i++)
		assert_int_equal(reg(lvts[i]), MASKED);
	/* Logical ID: cluster (ID >> 4) in 31:16, bit (ID & 15) below. */
	assert_int_equal(reg(MSR_LDR), 0x20);
	x2apic_init(&apic, 0x23, 0);
	assert_int_equal(reg(MSR_LDR), 0x20008);
	assert_int_equal(apic.tsc_per_apic_tick, 1); /* 0 would stop time */
	assert_int_equal(reg(MSR_TPR), 0);
	assert_int_equal(reg(MSR_PPR), 0);
	assert_int_equal(reg(MSR_ESR), 0);
	assert_int_equal(reg(MSR_ICR), 0);
	assert_int_equal(reg(MSR_TIMER_INITIAL), 0);
	assert_int_equal(reg(MSR_TIMER_CURRENT), 0);
	assert_int_equal(reg(MSR_TIMER_DIVIDE), 0);
	assert_int_equal(bits_in(MSR_IRR0) + bits_in(MSR_ISR0) + bits_in(MSR_TMR0), 0);
	assert_int_equal(x2apic_pending_vector(&apic), -1);
}

static void test_reads_that_raise_gp(void **state)
{
	(void)state;
	/* EOI and SELF_IPI are write-only; the others do not exist in
	 * x2APIC mode (APR, RRD, DFR, ICR high half) or at all. */
	const uint32_t bad[] = {0x800, 0x801, 0x804, 0x807, 0x809, MSR_EOI, 0x80c,
	                        0x80e, 0x829, 0x82e, 0x831, 0x83a, 0x83d,   MSR_SELF_IPI,
	                        0x840, 0x8ff, 0x7ff, 0x900, 0};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t value = 0;
		if (x2apic_read(&apic, bad[i], 0, &value))
			fail_msg("read of MSR 0x%x succeeded", bad[i]);
	}
}

static void test_writes_that_raise_gp(void **state)
{
	(void)state;
	enable();
	x2apic_set_irr(&apic, 0x41);
	x2apic_accept(&apic, 0x41);
	/* Read-only registers, reserved ones, and MSRs outside the range. */
	const uint32_t read_only[] = {
	    MSR_ID, MSR_VERSION,       MSR_PPR, MSR_LDR, MSR_ISR0, MSR_ISR0 + 2, MSR_TMR0, MSR_IRR0,
	    0x827,  MSR_TIMER_CURRENT, 0x800,   0x809,   0x831,    0x8ff,        0x7ff,    0x900};
	for (unsigned i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++)
		if (x2apic_write(&apic, read_only[i], 0x77, 0))
			fail_msg("write to MSR 0x%x succeeded", read_only[i]);
	assert_int_equal(reg(MSR_ID), 5);
	assert_int_equal(reg(MSR_LDR), 0x20);
	assert_true(bit_in(MSR_ISR0, 0x41));
	assert_int_equal(bits_in(MSR_IRR0), 0);

	/* A non-zero EOI does not retire anything; a non-zero ESR write
	 * faults too (both must be written with 0 in x2APIC mode). */
	assert_false(x2apic_write(&apic, MSR_EOI, 1, 0));
	assert_true(bit_in(MSR_ISR0, 0x41));
	assert_false(x2apic_write(&apic, MSR_ESR, 4, 0));
	assert_true(x2apic_write(&apic, MSR_ESR, 0, 0));

	/* Only the ICR takes a 64-bit value. */
	assert_false(x2apic_write(&apic, MSR_TPR, (1ULL << 32) | 0x20, 0));
	assert_int_equal(reg(MSR_TPR), 0);
	assert_false(x2apic_write(&apic, MSR_EOI, 1ULL << 32, 0));
	assert_true(bit_in(MSR_ISR0, 0x41));
	assert_false(x2apic_write(&apic, MSR_LVT_TIMER, 1ULL << 63, 0));
	assert_int_equal(reg(MSR_LVT_TIMER), MASKED);
	assert_true(x2apic_write(&apic, MSR_ICR, (5ULL << 32) | 0x42, 0));
	assert_true(bit_in(MSR_IRR0, 0x42));
}

static void test_register_writes_read_back(void **state)
{
	(void)state;
	set(MSR_TPR, 0x1ab); /* 8 bits wide */
	assert_int_equal(reg(MSR_TPR), 0xab);
	set(MSR_SVR, 0x3ff); /* bit 9 (focus checking) is not kept */
	assert_int_equal(reg(MSR_SVR), 0x1ff);
	/* Timer LVT: vector, mask and mode; the delivery-status bit (12) is
	 * read-only. */
	set(MSR_LVT_TIMER, MODE_PERIODIC | (1u << 12) | 0xec);
	assert_int_equal(reg(MSR_LVT_TIMER), 0x200ec);
	set(MSR_LVT_LINT0, 0x700); /* ExtINT */
	assert_int_equal(reg(MSR_LVT_LINT0), 0x700);
	set(MSR_LVT_LINT1, 0x400); /* NMI */
	assert_int_equal(reg(MSR_LVT_LINT1), 0x400);
	set(MSR_LVT_ERROR, 0xfe);
	assert_int_equal(reg(MSR_LVT_ERROR), 0xfe);
	set(MSR_LVT_THERMAL, 0xfa);
	assert_int_equal(reg(MSR_LVT_THERMAL), 0xfa);
	set(MSR_LVT_PERF, 0xf9);
	assert_int_equal(reg(MSR_LVT_PERF), 0xf9);
	set(MSR_LVT_CMCI, 0xf8);
	assert_int_equal(reg(MSR_LVT_CMCI), 0xf8);
	/* TDCR keeps bits 0, 1 and 3 only. */
	set(MSR_TIMER_DIVIDE, 0xff);
	assert_int_equal(reg(MSR_TIMER_DIVIDE), 0xb);
	set(MSR_TIMER_INITIAL, 0x12345678);
	assert_int_equal(reg(MSR_TIMER_INITIAL), 0x12345678);
}

static void test_priority_tpr_against_vector_class(void **state)
{
	(void)state;
	enable();
	x2apic_set_irr(&apic, 0x31);
	assert_int_equal(x2apic_pending_vector(&apic), 0x31);
	/* A vector is taken only when its class (vector >> 4) is above the
	 * TPR's class. */
	set(MSR_TPR, 0x30);
	assert_int_equal(x2apic_pending_vector(&apic), -1);
	set(MSR_TPR, 0x3f);
	assert_int_equal(x2apic_pending_vector(&apic), -1);
	set(MSR_TPR, 0x2f);
	assert_int_equal(x2apic_pending_vector(&apic), 0x31);
	/* The highest requested vector comes first. */
	x2apic_set_irr(&apic, 0x45);
	x2apic_set_irr(&apic, 0x44);
	assert_int_equal(x2apic_pending_vector(&apic), 0x45);
	set(MSR_TPR, 0x40);
	assert_int_equal(x2apic_pending_vector(&apic), -1);
	set(MSR_TPR, 0);
	assert_int_equal(x2apic_pending_vector(&apic), 0x45);
	/* IRR as the guest reads it: 0x31 is bit 17 of IRR1, 0x44 and 0x45
	 * bits 4 and 5 of IRR2. */
	assert_int_equal(reg(MSR_IRR0 + 1), 1u << 17);
	assert_int_equal(reg(MSR_IRR0 + 2), 0x30);
	assert_int_equal(reg(MSR_IRR0), 0);
	/* Vectors 0-15 are not interrupts: never requested. */
	x2apic_set_irr(&apic, 15);
	x2apic_set_irr(&apic, -1);
	x2apic_set_irr(&apic, 256);
	assert_int_equal(reg(MSR_IRR0), 0);
	assert_int_equal(bits_in(MSR_IRR0), 3);
}

static void test_in_service_blocks_its_class_and_lower(void **state)
{
	(void)state;
	enable();
	x2apic_set_irr(&apic, 0x31);
	x2apic_set_irr(&apic, 0x45);
	x2apic_accept(&apic, 0x45);
	/* Accepting moves the vector from IRR to ISR. */
	assert_false(bit_in(MSR_IRR0, 0x45));
	assert_int_equal(reg(MSR_ISR0 + 2), 0x20);
	assert_true(bit_in(MSR_IRR0, 0x31));
	/* 0x45 in service: classes 4 and below wait. */
	assert_int_equal(x2apic_pending_vector(&apic), -1);
	x2apic_set_irr(&apic, 0x4f);
	assert_int_equal(x2apic_pending_vector(&apic), -1);
	x2apic_set_irr(&apic, 0x50);
	assert_int_equal(x2apic_pending_vector(&apic), 0x50);
	/* Accepting a vector that was never requested changes nothing. */
	x2apic_accept(&apic, 0x99);
	x2apic_accept(&apic, -1);
	x2apic_accept(&apic, 300);
	assert_int_equal(bits_in(MSR_ISR0), 1);
	assert_int_equal(bits_in(MSR_IRR0), 3);
}

static void test_ppr(void **state)
{
	(void)state;
	enable();
	set(MSR_TPR, 0x25);
	assert_int_equal(reg(MSR_PPR), 0x25); /* nothing in service: the TPR */
	x2apic_set_irr(&apic, 0x47);
	x2apic_accept(&apic, 0x47);
	/* ISR class 4 above TPR class 2: PPR is the class, low bits 0. */
	assert_int_equal(reg(MSR_PPR), 0x40);
	set(MSR_TPR, 0x4a); /* same class: the TPR wins, whole */
	assert_int_equal(reg(MSR_PPR), 0x4a);
	set(MSR_TPR, 0x55);
	assert_int_equal(reg(MSR_PPR), 0x55);
	set(MSR_TPR, 0);
	wr(MSR_EOI, 0, 0);
	assert_int_equal(reg(MSR_PPR), 0);
}

static void test_eoi_retires_highest_in_service(void **state)
{
	(void)state;
	enable();
	/* A nested interrupt: 0x31 in service, then 0x61 preempts it. */
	x2apic_set_irr(&apic, 0x31);
	x2apic_accept(&apic, x2apic_pending_vector(&apic));
	x2apic_set_irr(&apic, 0x61);
	assert_int_equal(x2apic_pending_vector(&apic), 0x61);
	x2apic_accept(&apic, 0x61);
	x2apic_set_irr(&apic, 0x32);
	assert_int_equal(bits_in(MSR_ISR0), 2);

	wr(MSR_EOI, 0, 0);
	assert_false(bit_in(MSR_ISR0, 0x61));
	assert_true(bit_in(MSR_ISR0, 0x31));
	assert_int_equal(x2apic_pending_vector(&apic), -1); /* 0x31 still blocks 0x32 */
	wr(MSR_EOI, 0, 0);
	assert_int_equal(bits_in(MSR_ISR0), 0);
	assert_int_equal(x2apic_pending_vector(&apic), 0x32);
	/* EOI with nothing in service is harmless. */
	wr(MSR_EOI, 0, 0);
	assert_int_equal(bits_in(MSR_ISR0), 0);
	assert_true(bit_in(MSR_IRR0, 0x32));
}

static void test_tsc_deadline_timer(void **state)
{
	(void)state;
	enable();
	set(MSR_LVT_TIMER, MODE_DEADLINE | 0xec);
	x2apic_write_tsc_deadline(&apic, 1000);
	assert_int_equal(x2apic_read_tsc_deadline(&apic), 1000);
	assert_int_equal(apic.timer_deadline, 1000);
	/* The current count reads 0 in this mode; the initial count is
	 * not used. */
	assert_int_equal(rd(MSR_TIMER_CURRENT, 500), 0);

	x2apic_timer_update(&apic, 999);
	assert_int_equal(apic.timer_fired, 0);
	assert_int_equal(bits_in(MSR_IRR0), 0);
	x2apic_timer_update(&apic, 1000);
	assert_int_equal(apic.timer_fired, 1);
	assert_true(bit_in(MSR_IRR0, 0xec));
	assert_int_equal(bits_in(MSR_IRR0), 1);
	/* It fires once and disarms. */
	assert_int_equal(apic.timer_deadline, 0);
	assert_int_equal(x2apic_read_tsc_deadline(&apic), 0);
	x2apic_timer_update(&apic, 1000000);
	assert_int_equal(apic.timer_fired, 1);

	/* A deadline already past fires at the next update; writing 0
	 * disarms. */
	x2apic_write_tsc_deadline(&apic, 10);
	x2apic_timer_update(&apic, 2000);
	assert_int_equal(apic.timer_fired, 2);
	x2apic_write_tsc_deadline(&apic, 3000);
	x2apic_write_tsc_deadline(&apic, 0);
	x2apic_timer_update(&apic, 5000);
	assert_int_equal(apic.timer_fired, 2);
}

static void test_tsc_deadline_ignored_outside_its_mode(void **state)
{
	(void)state;
	enable();
	set(MSR_LVT_TIMER, MODE_ONESHOT | 0xec);
	x2apic_write_tsc_deadline(&apic, 1000);
	assert_int_equal(apic.timer_deadline, 0);
	assert_int_equal(x2apic_read_tsc_deadline(&apic), 0);
	x2apic_timer_update(&apic, 2000);
	assert_int_equal(apic.timer_fired, 0);

	/* An armed one-shot timer does not show through IA32_TSC_DEADLINE,
	 * nor does a write there move it. */
	wr(MSR_TIMER_INITIAL, 10, 100);
	assert_int_equal(apic.timer_deadline, 100 + 10 * 2 * 3);
	assert_int_equal(x2apic_read_tsc_deadline(&apic), 0);
	x2apic_write_tsc_deadline(&apic, 5);
	assert_int_equal(apic.timer_deadline, 160);
}

static void test_one_shot_each_divide_value(void **state)
{
	(void)state;
	/* TDCR bits 3,1,0 (SDM Figure 11-10). */
	const struct {
		uint32_t tdcr;
		uint64_t divide;
	} cases[] = {{0x0, 2},  {0x1, 4},  {0x2, 8},   {0x3, 16},
	             {0x8, 32}, {0x9, 64}, {0xa, 128}, {0xb, 1}};
	for (unsigned i = 0; i < 8; i++) {
		x2apic_init(&apic, 0, 3); /* 3 TSC ticks per APIC tick */
		enable();
		set(MSR_LVT_TIMER, MODE_ONESHOT | 0x40);
		set(MSR_TIMER_DIVIDE, cases[i].tdcr);
		const uint64_t start = 1000, tick = 3 * cases[i].divide;
		const uint64_t deadline = start + 10 * tick;
		wr(MSR_TIMER_INITIAL, 10, start);
		assert_int_equal(apic.timer_deadline, deadline);
		/* The count falls by one every `tick` TSC ticks. */
		assert_int_equal(rd(MSR_TIMER_CURRENT, start), 10);
		assert_int_equal(rd(MSR_TIMER_CURRENT, start + 4 * tick), 6);
		assert_int_equal(rd(MSR_TIMER_CURRENT, start + 9 * tick), 1);
		assert_int_equal(rd(MSR_TIMER_CURRENT, deadline), 0);
		assert_int_equal(rd(MSR_TIMER_CURRENT, deadline + 1000), 0);

		x2apic_timer_update(&apic, deadline - 1);
		assert_int_equal(apic.timer_fired, 0);
		x2apic_timer_update(&apic, deadline);
		assert_int_equal(apic.timer_fired, 1);
		assert_true(bit_in(MSR_IRR0, 0x40));
		/* One-shot: disarmed, the count stays 0. */
		assert_int_equal(apic.timer_deadline, 0);
		assert_int_equal(rd(MSR_TIMER_CURRENT, deadline + 1), 0);
		x2apic_timer_update(&apic, deadline + 100 * tick);
		assert_int_equal(apic.timer_fired, 1);
	}
}

static void test_initial_count_zero_stops_the_timer(void **state)
{
	(void)state;
	enable();
	set(MSR_LVT_TIMER, MODE_ONESHOT | 0x40);
	set(MSR_TIMER_DIVIDE, 0xb);
	wr(MSR_TIMER_INITIAL, 100, 0);
	assert_int_equal(apic.timer_deadline, 300);
	wr(MSR_TIMER_INITIAL, 0, 10);
	assert_int_equal(apic.timer_deadline, 0);
	x2apic_timer_update(&apic, 1000);
	assert_int_equal(apic.timer_fired, 0);
	/* Rewriting the initial count restarts the count from now. */
	wr(MSR_TIMER_INITIAL, 100, 500);
	wr(MSR_TIMER_INITIAL, 100, 700);
	assert_int_equal(apic.timer_deadline, 1000);
}

static void test_periodic_rearms_and_skips_missed_periods(void **state)
{
	(void)state;
	x2apic_init(&apic, 0, 1);
	enable();
	set(MSR_LVT_TIMER, MODE_PERIODIC | 0x30);
	set(MSR_TIMER_DIVIDE, 0xb); /* divide by 1: a period of 100 TSC ticks */
	wr(MSR_TIMER_INITIAL, 100, 1000);
	assert_int_equal(apic.timer_deadline, 1100);
	assert_int_equal(apic.timer_period, 100);

	x2apic_timer_update(&apic, 1100);
	assert_int_equal(apic.timer_fired, 1);
	assert_int_equal(apic.timer_deadline, 1200);
	assert_int_equal(rd(MSR_TIMER_CURRENT, 1150), 50);
	x2apic_timer_update(&apic, 1250);
	assert_int_equal(apic.timer_fired, 2);
	assert_int_equal(apic.timer_deadline, 1300);
	/* Late by 4.99 periods: one interrupt, and the next deadline stays on
	 * the original grid. */
	x2apic_timer_update(&apic, 1799);
	assert_int_equal(apic.timer_fired, 3);
	assert_int_equal(apic.timer_deadline, 1800);
	x2apic_timer_update(&apic, 1800);
	assert_int_equal(apic.timer_fired, 4);
	assert_int_equal(apic.timer_deadline, 1900);
	assert_true(bit_in(MSR_IRR0, 0x30));
	assert_int_equal(bits_in(MSR_IRR0), 1);
	assert_int_equal(rd(MSR_TIMER_CURRENT, 1875), 25);
}

static void test_masked_lvt_fires_nothing(void **state)
{
	(void)state;
	enable();
	set(MSR_LVT_TIMER, MASKED | MODE_DEADLINE | 0xec);
	x2apic_write_tsc_deadline(&apic, 100);
	x2apic_timer_update(&apic, 100);
	/* The timer expired (and disarmed) but raised no interrupt. */
	assert_int_equal(apic.timer_fired, 1);
	assert_int_equal(apic.timer_deadline, 0);
	assert_int_equal(bits_in(MSR_IRR0), 0);

	/* Masked periodic: keeps counting, still silent. */
	set(MSR_TIMER_DIVIDE, 0xb);
	set(MSR_LVT_TIMER, MASKED | MODE_PERIODIC | 0x30);
	wr(MSR_TIMER_INITIAL, 10, 0);
	x2apic_timer_update(&apic, 30);
	x2apic_timer_update(&apic, 60);
	assert_int_equal(apic.timer_fired, 3);
	assert_int_equal(apic.timer_deadline, 90);
	assert_int_equal(bits_in(MSR_IRR0), 0);
}

static void test_mode_change_disarms(void **state)
{
	(void)state;
	enable();
	set(MSR_LVT_TIMER, MODE_ONESHOT | 0x40);
	wr(MSR_TIMER_INITIAL, 10, 0);
	assert_int_equal(apic.timer_deadline, 60);
	/* Same mode, new vector or mask: still armed. */
	set(MSR_LVT_TIMER, MASKED | MODE_ONESHOT | 0x41);
	assert_int_equal(apic.timer_deadline, 60);
	set(MSR_LVT_TIMER, MODE_PERIODIC | 0x41);
	assert_int_equal(apic.timer_deadline, 0);
	x2apic_timer_update(&apic, 1000);
	assert_int_equal(apic.timer_fired, 0);

	set(MSR_LVT_TIMER, MODE_DEADLINE | 0xec);
	x2apic_write_tsc_deadline(&apic, 500);
	set(MSR_LVT_TIMER, MODE_DEADLINE | 0xed);
	assert_int_equal(apic.timer_deadline, 500);
	set(MSR_LVT_TIMER, MODE_ONESHOT | 0xec);
	assert_int_equal(apic.timer_deadline, 0);
	x2apic_timer_update(&apic, 1000);
	assert_int_equal(apic.timer_fired, 0);
	assert_int_equal(bits_in(MSR_IRR0), 0);
}

static void test_software_disabled_apic(void **state)
{
	(void)state;
	/* After reset the APIC is software-disabled: nothing is delivered,
	 * even a requested vector. */
	x2apic_set_irr(&apic, 0x40);
	assert_int_equal(x2apic_pending_vector(&apic), -1);
	enable();
	assert_int_equal(x2apic_pending_vector(&apic), 0x40);

	const uint32_t lvts[] = {MSR_LVT_CMCI,  MSR_LVT_TIMER, MSR_LVT_THERMAL, MSR_LVT_PERF,
	                         MSR_LVT_LINT0, MSR_LVT_LINT1, MSR_LVT_ERROR};
	for (unsigned i = 0; i < 7; i++)
		set(lvts[i], 0x50 + i);
	set(MSR_LVT_TIMER, MODE_DEADLINE | 0xec);
	x2apic_write_tsc_deadline(&apic, 100);

	set(MSR_SVR, 0xff); /* bit 8 clear: software-disabled */
	assert_int_equal(reg(MSR_SVR), 0xff);
	assert_int_equal(x2apic_pending_vector(&apic), -1);
	/* Every LVT entry is masked, the rest of it kept. */
	for (unsigned i = 0; i < 7; i++) {
		uint64_t want = lvts[i] == MSR_LVT_TIMER ? MODE_DEADLINE | 0xec : 0x50 + i;
		assert_int_equal(reg(lvts[i]), want | MASKED);
	}
	/* ...and cannot be unmasked while disabled (SDM 11.4.7.2). */
	for (unsigned i = 0; i < 7; i++) {
		set(lvts[i], 0x60);
		assert_int_equal(reg(lvts[i]), 0x60 | MASKED);
	}
	/* The timer still expires, silently. */
	set(MSR_LVT_TIMER, MODE_DEADLINE | 0xec);
	x2apic_write_tsc_deadline(&apic, 100);
	x2apic_timer_update(&apic, 100);
	assert_int_equal(apic.timer_fired, 1);
	assert_false(bit_in(MSR_IRR0, 0xec));

	/* Re-enabled, the guest unmasks what it wants; the held request is
	 * delivered. */
	enable();
	set(MSR_LVT_TIMER, MODE_DEADLINE | 0xec);
	assert_int_equal(reg(MSR_LVT_TIMER), MODE_DEADLINE | 0xec);
	assert_int_equal(x2apic_pending_vector(&apic), 0x40);
}

static void test_self_ipi(void **state)
{
	(void)state;
	enable();
	set(MSR_SELF_IPI, 0x55);
	assert_true(bit_in(MSR_IRR0, 0x55));
	assert_int_equal(x2apic_pending_vector(&apic), 0x55);
	/* Only the vector byte counts; vectors below 16 are not raised. */
	set(MSR_SELF_IPI, 0x3f0);
	assert_true(bit_in(MSR_IRR0, 0xf0));
	set(MSR_SELF_IPI, 0x0f);
	assert_int_equal(bits_in(MSR_IRR0), 2);
	assert_int_equal(apic.ipis_dropped, 0);
}

static void test_icr_destinations(void **state)
{
	(void)state;
	enable();
	/* Fixed, no shorthand, destination our own APIC ID (5). */
	set(MSR_ICR, (5ULL << 32) | 0x61);
	assert_true(bit_in(MSR_IRR0, 0x61));
	/* Shorthand "self" and "all including self": the destination field
	 * does not matter. */
	set(MSR_ICR, (9ULL << 32) | (1u << 18) | 0x62);
	assert_true(bit_in(MSR_IRR0, 0x62));
	set(MSR_ICR, (9ULL << 32) | (2u << 18) | 0x63);
	assert_true(bit_in(MSR_IRR0, 0x63));
	assert_int_equal(apic.ipis_dropped, 0);

	/* Nowhere to go: all excluding self, another APIC ID, and any
	 * delivery mode but fixed (NMI, INIT, SIPI) even to ourselves. */
	set(MSR_ICR, (3u << 18) | 0x64);
	set(MSR_ICR, (6ULL << 32) | 0x65);
	set(MSR_ICR, (5ULL << 32) | (4u << 8) | 0x66);
	set(MSR_ICR, (5ULL << 32) | (5u << 8) | 0x67);
	set(MSR_ICR, (5ULL << 32) | (6u << 8) | 0x68);
	assert_int_equal(apic.ipis_dropped, 5);
	assert_int_equal(bits_in(MSR_IRR0), 3);
}

/* ---- xAPIC MMIO (SDM 11.4.1, Table 11-1) ---- */

static uint32_t mmio_rd(unsigned offset, uint64_t now)
{
	uint32_t value = 0xbadbad;
	if (!xapic_mmio_read(&apic, offset, now, &value))
		fail_msg("MMIO read at 0x%x refused", offset);
	return value;
}

static void mmio_wr(unsigned offset, uint32_t value, uint64_t now)
{
	if (!xapic_mmio_write(&apic, offset, value, now))
		fail_msg("MMIO write of 0x%x at 0x%x refused", value, offset);
}

static void test_xapic_id_and_version(void **state)
{
	(void)state;
	/* The ID in bits 31:24 (8-bit xAPIC ID), unlike the x2APIC MSR. */
	assert_int_equal(mmio_rd(0x20, 0), 0x05000000);
	x2apic_init(&apic, 0xff, 1);
	assert_int_equal(mmio_rd(0x20, 0), 0xff000000);
	/* Writes to the ID are accepted and change nothing. */
	mmio_wr(0x20, 0x07000000, 0);
	assert_int_equal(mmio_rd(0x20, 0), 0xff000000);
	assert_int_equal(apic.id, 0xff);
	assert_int_equal(mmio_rd(0x30, 0), 0x00060014);
	assert_false(apic.x2apic_mode);
}

static void test_xapic_ldr_and_dfr(void **state)
{
	(void)state;
	/* Reset: LDR 0, DFR all ones (flat model). */
	assert_int_equal(mmio_rd(0xd0, 0), 0);
	assert_int_equal(mmio_rd(0xe0, 0), 0xffffffff);
	/* LDR keeps the logical ID in bits 31:24 only (Linux's flat mode
	 * writes 1 << (24 + cpu)). */
	mmio_wr(0xd0, 0x12345678, 0);
	assert_int_equal(mmio_rd(0xd0, 0), 0x12000000);
	mmio_wr(0xd0, 0x01000000, 0);
	assert_int_equal(mmio_rd(0xd0, 0), 0x01000000);
	/* DFR: the model in bits 31:28, the rest reads as ones. */
	mmio_wr(0xe0, 0x0, 0); /* cluster */
	assert_int_equal(mmio_rd(0xe0, 0), 0x0fffffff);
	mmio_wr(0xe0, 0xf0000000, 0); /* flat */
	assert_int_equal(mmio_rd(0xe0, 0), 0xffffffff);
	/* The x2APIC logical ID (derived from the APIC ID) is separate. */
	assert_int_equal(reg(MSR_LDR), 0x20);
}

static void test_xapic_registers_shared_with_x2apic(void **state)
{
	(void)state;
	/* The same state as the MSRs, at offset (MSR - 0x800) * 16. */
	mmio_wr(0xf0, 0x1ff, 0);
	assert_int_equal(reg(MSR_SVR), 0x1ff);
	mmio_wr(0x80, 0x1ab, 0);
	assert_int_equal(mmio_rd(0x80, 0), 0xab);
	assert_int_equal(reg(MSR_TPR), 0xab);
	assert_int_equal(mmio_rd(0xa0, 0), 0xab); /* PPR */
	mmio_wr(0x80, 0, 0);
	const struct {
		unsigned offset;
		uint32_t msr, value;
	} lvts[] = {{0x2f0, MSR_LVT_CMCI, 0xf8},    {0x320, MSR_LVT_TIMER, MODE_DEADLINE | 0xec},
	            {0x330, MSR_LVT_THERMAL, 0xfa}, {0x340, MSR_LVT_PERF, 0xf9},
	            {0x350, MSR_LVT_LINT0, 0x700},  {0x360, MSR_LVT_LINT1, 0x400},
	            {0x370, MSR_LVT_ERROR, 0xfe}};
	for (unsigned i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++) {
		mmio_wr(lvts[i].offset, lvts[i].value, 0);
		assert_int_equal(mmio_rd(lvts[i].offset, 0), lvts[i].value);
		assert_int_equal(reg(lvts[i].msr), lvts[i].value);
	}
	/* IRR, ISR and TMR in eight 16-byte-spaced words. */
	x2apic_set_irr(&apic, 0x41);
	x2apic_set_irr(&apic, 0xe5);
	assert_int_equal(mmio_rd(0x200 + 0x10 * 2, 0), 1u << 1);
	assert_int_equal(mmio_rd(0x200 + 0x10 * 7, 0), 1u << 5);
	x2apic_accept(&apic, 0xe5);
	assert_int_equal(mmio_rd(0x100 + 0x10 * 7, 0), 1u << 5);
	assert_int_equal(mmio_rd(0x200 + 0x10 * 7, 0), 0);
	assert_int_equal(mmio_rd(0x180, 0), 0);
	assert_int_equal(mmio_rd(0xa0, 0), 0xe0); /* PPR: the in-service class */
	/* EOI (write 0, as Linux's native_apic_mem_eoi) retires it. */
	mmio_wr(0xb0, 0, 0);
	assert_int_equal(mmio_rd(0x100 + 0x10 * 7, 0), 0);
	assert_int_equal(x2apic_pending_vector(&apic), 0x41);
	/* ESR: Linux writes 0 before reading. */
	mmio_wr(0x280, 0, 0);
	assert_int_equal(mmio_rd(0x280, 0), 0);
	/* Unlike x2APIC, xAPIC takes any value in EOI and ESR writes. */
	x2apic_set_irr(&apic, 0x51);
	x2apic_accept(&apic, 0x51);
	mmio_wr(0xb0, 0x1234, 0);
	assert_int_equal(mmio_rd(0x100 + 0x10 * 2, 0), 0);
	mmio_wr(0x280, 0xffffffff, 0);
	assert_int_equal(mmio_rd(0x280, 0), 0);
}

static void test_xapic_timer(void **state)
{
	(void)state;
	mmio_wr(0xf0, 0x1ff, 0);
	mmio_wr(0x3e0, 0xb, 0);                 /* divide by 1 */
	mmio_wr(0x320, MODE_ONESHOT | 0xef, 0); /* one-shot, vector 0xef */
	mmio_wr(0x380, 1000, 100);              /* 3 TSC ticks per APIC tick */
	assert_int_equal(mmio_rd(0x380, 0), 1000);
	assert_int_equal(mmio_rd(0x390, 400), 900);
	assert_int_equal(mmio_rd(0x3e0, 0), 0xb);
	x2apic_timer_update(&apic, 3100);
	assert_int_equal(x2apic_pending_vector(&apic), 0xef);
	assert_int_equal(mmio_rd(0x390, 3100), 0);
}

static void test_xapic_icr_halves(void **state)
{
	(void)state;
	mmio_wr(0xf0, 0x1ff, 0);
	/* The destination in ICR high bits 31:24; the rest is reserved. */
	mmio_wr(0x310, 0xffffffff, 0);
	assert_int_equal(mmio_rd(0x310, 0), 0xff000000);
	/* Writing the low half sends: to APIC 7, not us (5). */
	mmio_wr(0x310, 0x07000000, 0);
	mmio_wr(0x300, 0x61, 0);
	assert_int_equal(apic.ipis_dropped, 1);
	assert_int_equal(bits_in(MSR_IRR0), 0);
	/* 0xff is the xAPIC broadcast: it reaches us too. */
	mmio_wr(0x310, 0xff000000, 0);
	mmio_wr(0x300, 0x60, 0);
	assert_true(bit_in(MSR_IRR0, 0x60));
	/* To our own ID, as Linux's __default_send_IPI_dest_field writes it. */
	mmio_wr(0x310, 0x05000000, 0);
	mmio_wr(0x300, 0x62, 0);
	assert_true(bit_in(MSR_IRR0, 0x62));
	/* The delivery-status bit reads idle, so a sender never waits. */
	assert_int_equal(mmio_rd(0x300, 0) & (1u << 12), 0);
	/* Shorthand self, whatever the high half says. */
	mmio_wr(0x310, 0x09000000, 0);
	mmio_wr(0x300, (1u << 18) | 0x63, 0);
	assert_true(bit_in(MSR_IRR0, 0x63));
	/* The high half is kept between sends; writing it alone sends
	 * nothing. */
	assert_int_equal(mmio_rd(0x310, 0), 0x09000000);
	mmio_wr(0x310, 0x05000000, 0);
	assert_int_equal(bits_in(MSR_IRR0), 3);
	/* Not fixed (INIT): dropped even to ourselves. */
	mmio_wr(0x300, (5u << 8) | 0x64, 0);
	assert_int_equal(apic.ipis_dropped, 2);
	assert_int_equal(bits_in(MSR_IRR0), 3);
}

static void test_xapic_refusals(void **state)
{
	(void)state;
	uint32_t value = 0x5a5a;
	/* Not 16-byte aligned, or past the page. */
	const unsigned misaligned[] = {0x21, 0x24, 0x28, 0x2c, 0xf4, 0x304, 0x1000, 0x1010, ~0u};
	for (unsigned i = 0; i < sizeof(misaligned) / sizeof(misaligned[0]); i++) {
		assert_false(xapic_mmio_read(&apic, misaligned[i], 0, &value));
		assert_false(xapic_mmio_write(&apic, misaligned[i], 0x1ff, 0));
	}
	assert_int_equal(value, 0x5a5a);
	assert_int_equal(reg(MSR_SVR), 0xff);
	/* Reserved (0x00, 0x10, 0x40-0x70, 0x90 APR, 0xc0 RRD, past
	 * 0x3f0) and write-only (EOI) registers do not read. */
	const unsigned unreadable[] = {0x00, 0x10, 0x40,  0x70,  0x90,
	                               0xb0, 0xc0, 0x3a0, 0x400, 0xff0};
	for (unsigned i = 0; i < sizeof(unreadable) / sizeof(unreadable[0]); i++)
		if (xapic_mmio_read(&apic, unreadable[i], 0, &value))
			fail_msg("MMIO read at 0x%x accepted", unreadable[i]);
	/* Read-only registers (version, PPR, ISR, TMR, IRR, current count)
	 * and reserved ones refuse writes. */
	const unsigned unwritable[] = {0x00, 0x30, 0xa0, 0x100, 0x180, 0x200, 0x390, 0x3a0, 0xff0};
	for (unsigned i = 0; i < sizeof(unwritable) / sizeof(unwritable[0]); i++)
		if (xapic_mmio_write(&apic, unwritable[i], 0, 0))
			fail_msg("MMIO write at 0x%x accepted", unwritable[i]);
	assert_int_equal(bits_in(MSR_IRR0) + bits_in(MSR_ISR0), 0);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_reset_state),
	    T(test_reads_that_raise_gp),
	    T(test_writes_that_raise_gp),
	    T(test_register_writes_read_back),
	    T(test_priority_tpr_against_vector_class),
	    T(test_in_service_blocks_its_class_and_lower),
	    T(test_ppr),
	    T(test_eoi_retires_highest_in_service),
	    T(test_tsc_deadline_timer),
	    T(test_tsc_deadline_ignored_outside_its_mode),
	    T(test_one_shot_each_divide_value),
	    T(test_initial_count_zero_stops_the_timer),
	    T(test_periodic_rearms_and_skips_missed_periods),
	    T(test_masked_lvt_fires_nothing),
	    T(test_mode_change_disarms),
	    T(test_software_disabled_apic),
	    T(test_self_ipi),
	    T(test_icr_destinations),
	    T(test_xapic_id_and_version),
	    T(test_xapic_ldr_and_dfr),
	    T(test_xapic_registers_shared_with_x2apic),
	    T(test_xapic_timer),
	    T(test_xapic_icr_halves),
	    T(test_xapic_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Host tests for interrupt routing inside a partition
 * (hypervisor/core/partition_ipi.c): IPIs written to a vCPU's ICR reach
 * the partition's vCPUs they name (physical, logical, shorthands,
 * broadcast), through the posted bits and a kick for the others; a
 * destination outside the partition reaches nobody and is counted; the
 * INIT/SIPI sequence starts an application processor once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/partition.h"
#include "core/partition_ipi.h"
#include "fake/kick.h"

#define ICR               0x830
#define SVR               0x80f
#define ICR_LOGICAL       (1u << 11)
#define ICR_LEVEL_ASSERT  (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)
#define MODE(m)           ((uint64_t)(m) << 8)
#define SHORTHAND(s)      ((uint64_t)(s) << 18)
#define DEST(d)           ((uint64_t)(d) << 32)

static struct partition part;

static int setup(void **state)
{
	(void)state;
	memset(&part, 0, sizeof(part));
	part.vcpu_count = 3;
	for (unsigned i = 0; i < part.vcpu_count; i++) {
		struct vcpu *v = &part.vcpus[i];
		v->partition = &part;
		v->index = i;
		x2apic_init(&v->apic, i, 1);
		v->apic.x2apic_mode = true;
		v->apic.ipi_sink = partition_send_ipi;
		v->apic.ipi_ctx = v;
		v->run_state = i == 0 ? VCPU_STATE_RUNNABLE : VCPU_STATE_WAIT_SIPI;
	}
	part.vcpus_active = 1;
	fake_kick_reset();
	return 0;
}

/* vCPU `from` writes its ICR (x2APIC MSR). */
static void send(unsigned from, uint64_t icr)
{
	assert_true(x2apic_write(&part.vcpus[from].apic, ICR, icr, 0));
}

static bool irr_has(unsigned vcpu, int vector)
{
	return (part.vcpus[vcpu].apic.irr[vector / 32] >> (vector % 32)) & 1;
}

static unsigned irr_count_of(const struct vcpu *v)
{
	unsigned n = 0;
	for (unsigned i = 0; i < 8; i++)
		n += (unsigned)__builtin_popcount(v->apic.irr[i]);
	return n;
}

static unsigned irr_count(unsigned vcpu)
{
	return irr_count_of(&part.vcpus[vcpu]);
}

static void test_fixed_ipi_is_posted_then_taken(void **state)
{
	(void)state;
	send(0, DEST(1) | 0x41);
	/* Not in vCPU 1's APIC yet: its own CPU takes it in at entry. */
	assert_int_equal(irr_count(1), 0);
	assert_int_equal(fake_kicks[1], 1);
	assert_int_equal(fake_kicks[0] + fake_kicks[2], 0);
	assert_true(vcpu_take_posted(&part.vcpus[1]));
	assert_true(irr_has(1, 0x41));
	assert_int_equal(irr_count(1), 1);
	assert_false(vcpu_take_posted(&part.vcpus[1]));
	assert_int_equal(irr_count(0) + irr_count(2), 0);
	assert_int_equal(part.vcpus[0].apic.ipis_dropped, 0);
}

static void test_ipi_to_itself_needs_no_kick(void **state)
{
	(void)state;
	send(1, SHORTHAND(APIC_SHORTHAND_SELF) | 0x52);
	assert_true(irr_has(1, 0x52));
	send(2, DEST(2) | 0x53); /* by its own ID */
	assert_true(irr_has(2, 0x53));
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(fake_kicks[i], 0);
}

static void test_all_but_self_reaches_the_others(void **state)
{
	(void)state;
	send(1, SHORTHAND(APIC_SHORTHAND_ALL_BUT_SELF) | 0xf0);
	for (unsigned i = 0; i < 3; i++)
		vcpu_take_posted(&part.vcpus[i]);
	assert_true(irr_has(0, 0xf0));
	assert_false(irr_has(1, 0xf0));
	assert_true(irr_has(2, 0xf0));
	/* Including self, and the physical broadcast ID. */
	send(0, SHORTHAND(APIC_SHORTHAND_ALL) | 0xe1);
	send(0, DEST(0xffffffff) | 0xe2);
	for (unsigned i = 0; i < 3; i++) {
		vcpu_take_posted(&part.vcpus[i]);
		assert_true(irr_has(i, 0xe1));
		assert_true(irr_has(i, 0xe2));
	}
}

static void test_foreign_destination_reaches_nobody(void **state)
{
	(void)state;
	/* APIC IDs 3 and up belong to no vCPU of this partition (nor does
	 * any other partition's vCPU live in its ID space). */
	send(0, DEST(3) | 0x41);
	send(0, DEST(0x100) | 0x41);
	send(0, ICR_LOGICAL | DEST(0x10001) | 0x41); /* cluster 1: IDs 16 and up */
	assert_int_equal(part.vcpus[0].apic.ipis_dropped, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_false(vcpu_take_posted(&part.vcpus[i]));
		assert_int_equal(irr_count(i), 0);
		assert_int_equal(fake_kicks[i], 0);
	}
}

static void test_logical_destinations(void **state)
{
	(void)state;
	/* x2APIC cluster 0, bits 1 and 2: vCPUs 1 and 2. */
	send(0, ICR_LOGICAL | DEST(0x6) | 0x61);
	for (unsigned i = 0; i < 3; i++)
		vcpu_take_posted(&part.vcpus[i]);
	assert_false(irr_has(0, 0x61));
	assert_true(irr_has(1, 0x61));
	assert_true(irr_has(2, 0x61));

	/* xAPIC flat model: the logical ID software wrote, 8-bit mask. */
	for (unsigned i = 0; i < 3; i++) {
		part.vcpus[i].apic.x2apic_mode = false;
		assert_true(xapic_mmio_write(&part.vcpus[i].apic, 0xd0, (1u << i) << 24, 0));
	}
	assert_true(xapic_mmio_write(&part.vcpus[2].apic, 0x310, 0x01u << 24, 0));
	assert_true(xapic_mmio_write(&part.vcpus[2].apic, 0x300, ICR_LOGICAL | 0x62, 0));
	vcpu_take_posted(&part.vcpus[0]);
	assert_true(irr_has(0, 0x62));
	assert_false(irr_has(1, 0x62));
	/* xAPIC cluster model (DFR 0): cluster in the high nibble. */
	assert_true(xapic_mmio_write(&part.vcpus[1].apic, 0xe0, 0x0fffffff, 0));
	assert_true(xapic_mmio_write(&part.vcpus[1].apic, 0xd0, 0x12u << 24, 0));
	assert_true(xapic_mmio_write(&part.vcpus[2].apic, 0x310, 0x12u << 24, 0));
	assert_true(xapic_mmio_write(&part.vcpus[2].apic, 0x300, ICR_LOGICAL | 0x63, 0));
	vcpu_take_posted(&part.vcpus[1]);
	assert_true(irr_has(1, 0x63));
	assert_int_equal(part.vcpus[2].apic.ipis_dropped, 0);
}

static void test_lowest_priority_goes_to_one(void **state)
{
	(void)state;
	send(0, MODE(APIC_DELIVERY_LOWEST) | SHORTHAND(APIC_SHORTHAND_ALL_BUT_SELF) | 0x71);
	vcpu_take_posted(&part.vcpus[1]);
	vcpu_take_posted(&part.vcpus[2]);
	assert_int_equal(irr_count(1) + irr_count(2), 1);
}

static void test_unmodelled_modes_and_vectors_dropped(void **state)
{
	(void)state;
	send(0, MODE(APIC_DELIVERY_NMI) | DEST(1));
	send(0, MODE(APIC_DELIVERY_SMI) | DEST(1));
	send(0, MODE(7) | DEST(1)); /* ExtINT */
	assert_int_equal(part.vcpus[0].apic.ipis_dropped, 3);
	/* Vectors 0-15 are illegal for fixed delivery: nothing arrives. */
	send(0, DEST(1) | 0x0e);
	vcpu_take_posted(&part.vcpus[1]);
	assert_int_equal(irr_count(1), 0);
}

static void test_init_sipi_starts_an_application_processor_once(void **state)
{
	(void)state;
	struct vcpu *ap = &part.vcpus[1];
	/* INIT assert, then INIT level de-assert: still waiting. */
	send(0, MODE(APIC_DELIVERY_INIT) | ICR_TRIGGER_LEVEL | ICR_LEVEL_ASSERT | DEST(1));
	send(0, MODE(APIC_DELIVERY_INIT) | ICR_TRIGGER_LEVEL | DEST(1));
	assert_int_equal(ap->run_state, VCPU_STATE_WAIT_SIPI);
	send(0, MODE(APIC_DELIVERY_STARTUP) | DEST(1) | 0x9a);
	assert_int_equal(ap->run_state, VCPU_STATE_STARTING);
	assert_int_equal(ap->sipi_vector, 0x9a);
	assert_int_equal(part.vcpus_active, 2);
	assert_int_equal(fake_kicks[1], 1);
	/* The second SIPI of the sequence changes nothing. */
	send(0, MODE(APIC_DELIVERY_STARTUP) | DEST(1) | 0x55);
	assert_int_equal(ap->sipi_vector, 0x9a);
	assert_int_equal(part.vcpus_active, 2);
	assert_int_equal(part.vcpus[2].run_state, VCPU_STATE_WAIT_SIPI);
	/* A SIPI to a running vCPU does not restart it. */
	send(1, MODE(APIC_DELIVERY_STARTUP) | DEST(0) | 0x10);
	assert_int_equal(part.vcpus[0].run_state, VCPU_STATE_RUNNABLE);
	assert_int_equal(part.vcpus_active, 2);
}

static void test_no_start_up_once_the_partition_ended(void **state)
{
	(void)state;
	partition_end(&part, PARTITION_CRASHED, "triple fault");
	send(0, MODE(APIC_DELIVERY_STARTUP) | DEST(2) | 0x9a);
	assert_int_equal(part.vcpus[2].run_state, VCPU_STATE_WAIT_SIPI);
	assert_int_equal(part.vcpus_active, 1);
	assert_int_equal(fake_kicks[2], 0);
}

static void test_without_a_sink_only_self_arrives(void **state)
{
	(void)state;
	struct x2apic alone;
	x2apic_init(&alone, 0, 1);
	assert_true(x2apic_write(&alone, SVR, 0x1ff, 0));
	assert_true(x2apic_write(&alone, ICR, DEST(0) | 0x44, 0));
	assert_int_equal(x2apic_pending_vector(&alone), 0x44);
	assert_true(x2apic_write(&alone, ICR, DEST(1) | 0x45, 0));
	assert_int_equal(alone.ipis_dropped, 1);
}

/* A second partition beside `part`, as another tenant on the machine. */
static struct partition other;

static void test_random_icr_writes_stay_inside_the_partition(void **state)
{
	(void)state;
	memset(&other, 0, sizeof(other));
	other.vcpu_count = 2;
	for (unsigned i = 0; i < 2; i++) {
		struct vcpu *v = &other.vcpus[i];
		v->partition = &other;
		v->index = i;
		x2apic_init(&v->apic, i, 1); /* the same APIC IDs as part's */
		v->apic.x2apic_mode = true;
		v->apic.ipi_sink = partition_send_ipi;
		v->apic.ipi_ctx = v;
		v->run_state = i == 0 ? VCPU_STATE_RUNNABLE : VCPU_STATE_WAIT_SIPI;
	}
	other.vcpus_active = 1;
	/* A hostile guest controls every bit of its ICR writes. */
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (unsigned n = 0; n < 200000; n++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		unsigned from = (unsigned)(x >> 60) % part.vcpu_count;
		part.vcpus[from].apic.x2apic_mode = (x >> 59) & 1;
		if (part.vcpus[from].apic.x2apic_mode)
			assert_true(x2apic_write(&part.vcpus[from].apic, ICR, x, 0));
		else
			assert_true(
			    xapic_mmio_write(&part.vcpus[from].apic, 0x300, (uint32_t)x, 0));
	}
	/* Nothing reached the other partition... */
	for (unsigned i = 0; i < 2; i++) {
		assert_false(vcpu_take_posted(&other.vcpus[i]));
		assert_int_equal(irr_count_of(&other.vcpus[i]), 0);
	}
	assert_int_equal(other.vcpus[1].run_state, VCPU_STATE_WAIT_SIPI);
	assert_int_equal(other.vcpus_active, 1);
	/* ...while inside its own partition messages did arrive, and the
	 * ones naming nobody there were counted... */
	uint64_t arrived = 0, dropped = 0;
	for (unsigned i = 0; i < part.vcpu_count; i++) {
		vcpu_take_posted(&part.vcpus[i]);
		arrived += irr_count(i);
		dropped += part.vcpus[i].apic.ipis_dropped;
	}
	assert_true(arrived > 0);
	assert_true(dropped > 1000);
	/* ...and at most its own vCPUs were started. */
	assert_in_range(part.vcpus_active, 1, part.vcpu_count);
	for (unsigned i = part.vcpu_count; i < PARTITION_MAX_VCPUS; i++)
		assert_int_equal(part.vcpus[i].run_state, VCPU_STATE_OFF);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_fixed_ipi_is_posted_then_taken),
	    T(test_ipi_to_itself_needs_no_kick),
	    T(test_all_but_self_reaches_the_others),
	    T(test_foreign_destination_reaches_nobody),
	    T(test_logical_destinations),
	    T(test_lowest_priority_goes_to_one),
	    T(test_unmodelled_modes_and_vectors_dropped),
	    T(test_init_sipi_starts_an_application_processor_once),
	    T(test_no_start_up_once_the_partition_ended),
	    T(test_without_a_sink_only_self_arrives),
	    T(test_random_icr_writes_stay_inside_the_partition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

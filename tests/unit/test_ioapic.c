/*
 * Host tests for the I/O APIC model (hypervisor/devices/ioapic.c): the
 * IOREGSEL/IOWIN window and the offsets it refuses, the ID, version and
 * arbitration registers, the 24 redirection entries (reset masked, both
 * halves, read-only delivery-status and remote-IRR bits), and edge
 * delivery of a pin's vector to the local APIC's IRR unless masked or in
 * a delivery mode the model does not route.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "devices/ioapic.h"
#include "devices/x2apic.h"

#define IOREGSEL        0x00
#define IOWIN           0x10
#define REG_ID          0x00
#define REG_VERSION     0x01
#define REG_ARBITRATION 0x02
#define REDIR_LOW(pin)  (0x10 + 2 * (pin))
#define REDIR_HIGH(pin) (0x11 + 2 * (pin))
#define MASKED          (1u << 16)

static struct ioapic ioapic;
static struct x2apic apic;

static int setup(void **state)
{
	(void)state;
	ioapic_init(&ioapic, 1);
	x2apic_init(&apic, 0, 1);
	return 0;
}

static void select_reg(uint32_t reg)
{
	assert_true(ioapic_mmio_write(&ioapic, IOREGSEL, reg));
}

static uint32_t rd(uint32_t reg)
{
	uint32_t value = 0xbadbad;
	select_reg(reg);
	assert_true(ioapic_mmio_read(&ioapic, IOWIN, &value));
	return value;
}

static void wr(uint32_t reg, uint32_t value)
{
	select_reg(reg);
	assert_true(ioapic_mmio_write(&ioapic, IOWIN, value));
}

static void test_identification_registers(void **state)
{
	(void)state;
	/* ID in bits 27:24; version 0x11 with 23 as the highest entry. */
	assert_int_equal(rd(REG_ID), 0x01000000);
	assert_int_equal(rd(REG_VERSION), 0x00170011);
	assert_int_equal(rd(REG_ARBITRATION), 0x01000000);
	/* The ID is writable (4 bits); the version is not. */
	wr(REG_ID, 0x0f000000);
	assert_int_equal(rd(REG_ID), 0x0f000000);
	assert_int_equal(rd(REG_ARBITRATION), 0x0f000000);
	wr(REG_ID, 0xf3ffffff);
	assert_int_equal(rd(REG_ID), 0x03000000);
	wr(REG_VERSION, 0);
	assert_int_equal(rd(REG_VERSION), 0x00170011);
	wr(REG_ARBITRATION, 0);
	assert_int_equal(rd(REG_ARBITRATION), 0x03000000);
	/* init keeps 4 bits of the ID too. */
	ioapic_init(&ioapic, 0x12);
	assert_int_equal(rd(REG_ID), 0x02000000);
}

static void test_register_select(void **state)
{
	(void)state;
	uint32_t value;
	/* IOREGSEL reads back what was selected, 8 bits of it. */
	select_reg(0x21);
	assert_true(ioapic_mmio_read(&ioapic, IOREGSEL, &value));
	assert_int_equal(value, 0x21);
	select_reg(0x1234510);
	assert_true(ioapic_mmio_read(&ioapic, IOREGSEL, &value));
	assert_int_equal(value, 0x10);
	assert_true(ioapic_mmio_read(&ioapic, IOWIN, &value));
	assert_int_equal(value, MASKED); /* so IOWIN reads entry 0's low half */
	/* Reserved registers read as zero and ignore writes. */
	const uint32_t reserved[] = {0x03, 0x0f, 0x40, 0x41, 0x80, 0xff};
	for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		wr(reserved[i], 0xffffffff);
		assert_int_equal(rd(reserved[i]), 0);
	}
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		assert_int_equal(ioapic.redirection[pin], MASKED);
}

static void test_other_offsets_refused(void **state)
{
	(void)state;
	const unsigned offsets[] = {0x04, 0x08, 0x0c, 0x14, 0x20, 0x40, 0xff0, 0x1000};
	for (unsigned i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		uint32_t value = 0x5a5a;
		assert_false(ioapic_mmio_read(&ioapic, offsets[i], &value));
		assert_int_equal(value, 0x5a5a);
		assert_false(ioapic_mmio_write(&ioapic, offsets[i], 0x12));
	}
	uint32_t value;
	assert_true(ioapic_mmio_read(&ioapic, IOREGSEL, &value));
	assert_int_equal(value, 0);
}

static void test_entries_reset_masked(void **state)
{
	(void)state;
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		assert_int_equal(rd(REDIR_LOW(pin)), MASKED);
		assert_int_equal(rd(REDIR_HIGH(pin)), 0);
	}
	assert_int_equal(ioapic.select, REDIR_HIGH(23));
	assert_int_equal(ioapic.delivered, 0);
}

static void test_entry_halves(void **state)
{
	(void)state;
	/* As Linux's ioapic_write_entry(): high half first, then low. */
	wr(REDIR_HIGH(4), 0x03000000);
	wr(REDIR_LOW(4), 0x00000024);
	assert_int_equal(rd(REDIR_LOW(4)), 0x24);
	assert_int_equal(rd(REDIR_HIGH(4)), 0x03000000);
	assert_int_equal(ioapic.redirection[4], 0x0300000000000024ULL);
	/* Each half leaves the other alone. */
	wr(REDIR_LOW(4), MASKED | 0x31);
	assert_int_equal(ioapic.redirection[4], 0x0300000000010031ULL);
	wr(REDIR_HIGH(4), 0xff000000);
	assert_int_equal(ioapic.redirection[4], 0xff00000000010031ULL);
	/* Neighbours untouched. */
	assert_int_equal(ioapic.redirection[3], MASKED);
	assert_int_equal(ioapic.redirection[5], MASKED);
	/* The last entry. */
	wr(REDIR_LOW(23), 0x00008a55); /* level-triggered, logical, vector 0x55 */
	wr(REDIR_HIGH(23), 0x01000000);
	assert_int_equal(ioapic.redirection[23], 0x0100000000008a55ULL);
}

static void test_read_only_bits_kept(void **state)
{
	(void)state;
	/* Delivery status (12) and remote IRR (14) are the I/O APIC's:
	 * writes do not set them... */
	wr(REDIR_LOW(2), 0xffffffff);
	assert_int_equal(rd(REDIR_LOW(2)), 0xffffafff);
	wr(REDIR_LOW(2), 0x00005040);
	assert_int_equal(rd(REDIR_LOW(2)), 0x00000040);
	/* ...nor clear them when the model has them set. */
	ioapic.redirection[2] = (1ULL << 14) | (1ULL << 12) | 0x40;
	wr(REDIR_LOW(2), 0x00010041);
	assert_int_equal(rd(REDIR_LOW(2)), 0x00015041);
	/* The high half has no read-only bits. */
	wr(REDIR_HIGH(2), 0xffffffff);
	assert_int_equal(rd(REDIR_HIGH(2)), 0xffffffff);
}

static void test_raise_delivers_the_vector(void **state)
{
	(void)state;
	struct apic_ipi m;
	wr(REDIR_LOW(4), 0x24); /* fixed, physical, edge, unmasked, to APIC 0 */
	assert_true(ioapic_raise(&ioapic, 4, &m));
	assert_int_equal(m.vector, 0x24);
	assert_int_equal(m.delivery_mode, APIC_DELIVERY_FIXED);
	assert_false(m.logical);
	assert_int_equal(m.dest, 0);
	assert_int_equal(m.shorthand, APIC_SHORTHAND_NONE);
	assert_false(m.x2apic_format);
	assert_true(x2apic_accepts(&apic, &m));
	assert_int_equal(ioapic.delivered, 1);
	/* The destination is the entry's top byte: APIC 1 is not APIC 0. */
	wr(REDIR_HIGH(4), 0x01000000);
	assert_true(ioapic_raise(&ioapic, 4, &m));
	assert_int_equal(m.dest, 1);
	assert_false(x2apic_accepts(&apic, &m));
	assert_int_equal(ioapic.delivered, 2);
	/* Lowest priority (1) is passed on as such. */
	wr(REDIR_LOW(5), 0x100 | 0x35);
	assert_true(ioapic_raise(&ioapic, 5, &m));
	assert_int_equal(m.delivery_mode, APIC_DELIVERY_LOWEST);
	assert_int_equal(m.vector, 0x35);
	/* Logical destination mode, to all (0xff). */
	wr(REDIR_HIGH(6), 0xff000000);
	wr(REDIR_LOW(6), 0x800 | 0x46);
	assert_true(ioapic_raise(&ioapic, 6, &m));
	assert_true(m.logical);
	assert_int_equal(m.dest, 0xff);
	assert_true(x2apic_accepts(&apic, &m));
	assert_int_equal(ioapic.delivered, 4);
}

static void test_raise_refused(void **state)
{
	(void)state;
	/* Masked (the reset state of every pin). */
	struct apic_ipi m = {.vector = 0x99};
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		assert_false(ioapic_raise(&ioapic, pin, &m));
	wr(REDIR_LOW(4), MASKED | 0x24);
	assert_false(ioapic_raise(&ioapic, 4, &m));
	/* SMI (2), NMI (4), INIT (5), ExtINT (7) and the reserved modes. */
	for (unsigned mode = 2; mode < 8; mode++) {
		wr(REDIR_LOW(4), (mode << 8) | 0x24);
		if (ioapic_raise(&ioapic, 4, &m))
			fail_msg("delivery mode %u delivered", mode);
	}
	/* Pins past the last entry. */
	assert_false(ioapic_raise(&ioapic, IOAPIC_PINS, &m));
	assert_false(ioapic_raise(&ioapic, ~0u, &m));
	assert_int_equal(m.vector, 0x99); /* nothing was written */
	assert_int_equal(ioapic.delivered, 0);
	/* Unmasked again, it delivers. */
	wr(REDIR_LOW(4), 0x24);
	assert_true(ioapic_raise(&ioapic, 4, &m));
	assert_int_equal(m.vector, 0x24);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_identification_registers),
	    T(test_register_select),
	    T(test_other_offsets_refused),
	    T(test_entries_reset_masked),
	    T(test_entry_halves),
	    T(test_read_only_bits_kept),
	    T(test_raise_delivers_the_vector),
	    T(test_raise_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

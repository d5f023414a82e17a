/*
 * Host tests for loader/mptable.c. The tables are found the way Linux
 * finds them (arch/x86/kernel/mpparse.c: scan the first KiB, the last KiB
 * below 640 KiB and 0xF0000-0xFFFFF in 16-byte steps for "_MP_" with
 * length 1, a zero checksum and revision 1 or 4, then check the "PCMP"
 * table) and then walked entry by entry, with the offsets of the MP spec
 * 1.4 written out here independently of the builder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mptable.h"

#define RAM_SIZE (1u << 20)
/* The highest 16-byte aligned address where tables for 2 vCPUs fit. */
#define LAST_FIT_GPA ((RAM_SIZE - MPTABLE_SIZE(2)) & ~15u)

static uint8_t *ram;
static char err[96];

static uint32_t get(const uint8_t *p, unsigned bytes)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static int setup(void **state)
{
	(void)state;
	ram = calloc(1, RAM_SIZE);
	assert_non_null(ram);
	strcpy(err, "untouched");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

/* Linux's smp_scan_config() over one region: the floating pointer's
 * address, or 0. */
static uint32_t scan(uint32_t base, uint32_t length)
{
	for (uint32_t a = base; a + 16 <= base + length; a += 16) {
		const uint8_t *p = ram + a;
		if (memcmp(p, "_MP_", 4) == 0 && p[8] == 1 && sum(p, 16) == 0 &&
		    (p[9] == 1 || p[9] == 4))
			return a;
	}
	return 0;
}

static uint32_t find_like_linux(void)
{
	uint32_t a = scan(0, 0x400);
	if (!a)
		a = scan(639 * 0x400, 0x400);
	if (!a)
		a = scan(0xf0000, 0x10000);
	return a;
}

struct walked {
	unsigned processors, buses, ioapics, interrupts, others;
	unsigned bsp_count;
	int bsp_apic_id;
	uint8_t apic_ids[256];
	/* The last I/O APIC and I/O interrupt entries, as written. */
	uint8_t ioapic[8], interrupt[8], first_interrupt[8];
	/* Entry types in table order. */
	uint8_t order[80];
};

/* Checks the configuration table like smp_check_mpc() and walks its
 * entries like smp_read_mpc(). */
static struct walked walk(uint32_t mpf)
{
	struct walked w = {.bsp_apic_id = -1};
	uint32_t physptr = get(ram + mpf + 4, 4);
	assert_true(physptr + 44 <= RAM_SIZE);
	const uint8_t *mpc = ram + physptr;
	assert_memory_equal(mpc, "PCMP", 4);
	uint32_t length = get(mpc + 4, 2);
	assert_int_equal(sum(mpc, length), 0);
	assert_int_equal(mpc[6], 4);
	assert_memory_equal(mpc + 8, "SOLO    ", 8);
	assert_memory_equal(mpc + 16, "SOLO VM     ", 12);
	assert_int_equal(get(mpc + 36, 4), 0xfee00000);
	assert_int_equal(get(mpc + 40, 2), 0); /* no extended table */

	uint32_t count = get(mpc + 34, 2);
	uint32_t off = 44;
	for (uint32_t i = 0; i < count; i++) {
		assert_true(off < length);
		const uint8_t *e = mpc + off;
		if (i < sizeof(w.order))
			w.order[i] = e[0];
		switch (e[0]) {
		case 0:
			assert_int_equal(w.buses, 0); /* processors come first */
			w.apic_ids[w.processors++] = e[1];
			assert_int_equal(e[2], 0x14);
			assert_true(e[3] & 1); /* enabled */
			if (e[3] & 2) {
				w.bsp_count++;
				w.bsp_apic_id = e[1];
			}
			assert_int_not_equal(get(e + 8, 4), 0); /* feature flags */
			off += 20;
			break;
		case 1:
			assert_memory_equal(e + 2, "ISA   ", 6);
			w.buses++;
			off += 8;
			break;
		case 2:
			memcpy(w.ioapic, e, 8);
			w.ioapics++;
			off += 8;
			break;
		case 3:
			if (!w.interrupts)
				memcpy(w.first_interrupt, e, 8);
			memcpy(w.interrupt, e, 8);
			w.interrupts++;
			off += 8;
			break;
		default:
			w.others++;
			off += 8;
			break;
		}
	}
	assert_int_equal(off, length);
	return w;
}

static void test_found_and_walked(void **state)
{
	(void)state;
	static const unsigned counts[] = {1, 2, 7, 64};
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		memset(ram, 0, RAM_SIZE);
		unsigned n = counts[c];
		assert_true(mptable_build(ram, RAM_SIZE, MPTABLE_DEFAULT_GPA, n, err, sizeof(err)));
		uint32_t mpf = find_like_linux();
		assert_int_equal(mpf, 0xf0000);
		assert_int_equal(ram[mpf + 11], 0); /* feature1: a table follows */
		assert_int_equal(ram[mpf + 12], 0); /* no IMCR */
		assert_int_equal(get(ram + mpf + 4, 4), 0xf0010);

		struct walked w = walk(mpf);
		assert_int_equal(w.processors, n);
		assert_int_equal(w.buses, 1);
		assert_int_equal(w.ioapics, 1);
		assert_int_equal(w.interrupts, 6); /* COM1, COM2, four interfaces */
		assert_int_equal(w.others, 0); /* no local interrupt entries */
		assert_int_equal(get(ram + 0xf0010 + 34, 2), n + 8);
		/* Processors, then the bus, the I/O APIC and the interrupt
		 * assignment that refers to both. */
		for (unsigned i = 0; i < n; i++)
			assert_int_equal(w.order[i], 0);
		assert_int_equal(w.order[n], 1);
		assert_int_equal(w.order[n + 1], 2);
		assert_int_equal(w.order[n + 2], 3);
		assert_int_equal(w.order[n + 3], 3);
		/* I/O APIC: ID after the CPUs' (n), version 0x11, enabled, at
		 * 0xfec00000 (MP spec 4.3.3). */
		assert_int_equal(w.ioapic[1], n);
		assert_int_equal(w.ioapic[2], 0x11);
		assert_int_equal(w.ioapic[3], 0x01);
		assert_int_equal(get(w.ioapic + 4, 4), 0xfec00000);
		/* COM1 and then the control line: vectored (INT),
		 * bus-conforming polarity and trigger, ISA bus 0 IRQ 4 -> that
		 * I/O APIC's pin 4 (MP spec 4.3.4); the last is the fourth
		 * network interface's, IRQ 13 -> pin 13. */
		assert_int_equal(w.first_interrupt[5], 4);
		assert_int_equal(w.first_interrupt[7], 4);
		assert_int_equal(w.interrupt[1], 0);
		assert_int_equal(get(w.interrupt + 2, 2), 0);
		assert_int_equal(w.interrupt[4], 0);
		assert_int_equal(w.interrupt[5], 13);
		assert_int_equal(w.interrupt[6], n);
		assert_int_equal(w.interrupt[7], 13);
		assert_int_equal(w.bsp_count, 1);
		assert_int_equal(w.bsp_apic_id, 0);
		for (unsigned i = 0; i < n; i++)
			assert_int_equal(w.apic_ids[i], i);
		/* Exactly the documented size, nothing after it. */
		assert_int_equal(MPTABLE_SIZE(n), 16 + 44 + 20 * n + 64);
		assert_int_equal(get(ram + 0xf0010 + 4, 2) + 16, MPTABLE_SIZE(n));
		assert_int_equal(ram[0xf0000 + MPTABLE_SIZE(n)], 0);
	}
}

static void test_other_addresses(void **state)
{
	(void)state;
	/* In the last KiB below 640 KiB Linux finds it too. */
	assert_true(mptable_build(ram, RAM_SIZE, 639 * 0x400, 1, err, sizeof(err)));
	assert_int_equal(find_like_linux(), 639 * 0x400);
	assert_int_equal(walk(639 * 0x400).processors, 1);
}

static void test_refusals(void **state)
{
	(void)state;
	assert_false(mptable_build(ram, RAM_SIZE, 0xf0000, 0, err, sizeof(err)));
	assert_string_equal(err, "MP table: vcpus outside 1..64");
	assert_false(mptable_build(ram, RAM_SIZE, 0xf0000, 65, err, sizeof(err)));
	assert_string_equal(err, "MP table: vcpus outside 1..64");
	assert_false(mptable_build(ram, RAM_SIZE, 0xf0008, 1, err, sizeof(err)));
	assert_string_equal(err, "MP table: address not 16-byte aligned");
	assert_false(mptable_build(ram, RAM_SIZE, LAST_FIT_GPA + 16, 2, err, sizeof(err)));
	assert_string_equal(err, "MP table: does not fit in RAM");
	assert_false(mptable_build(ram, RAM_SIZE, RAM_SIZE + 16, 1, err, sizeof(err)));
	assert_string_equal(err, "MP table: does not fit in RAM");
	/* The 32-bit pointers cannot reach above 4 GiB: refused before any
	 * write, so a RAM this large need not exist here. */
	assert_false(mptable_build(ram, 8ULL << 30, (4ULL << 30) - 32, 1, err, sizeof(err)));
	assert_string_equal(err, "MP table: does not fit in RAM");
	/* Refusals write nothing. */
	for (size_t i = 0; i < RAM_SIZE; i++)
		if (ram[i])
			fail_msg("byte 0x%zx written", i);
	/* The last byte of RAM is usable. */
	assert_true(mptable_build(ram, RAM_SIZE, LAST_FIT_GPA, 2, err, sizeof(err)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_found_and_walked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_other_addresses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

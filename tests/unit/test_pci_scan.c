/*
 * Host tests for the PCI scan (hypervisor/drivers/pci.c) against a fake
 * configuration space (tests/fakes/fake_pci_config.c): what Bochs with
 * OVMF shows (host bridge, PIIX3 with its IDE function, the e1000 at
 * 00:02.0), multifunction rules, buses behind bridges (and a bridge
 * that loops back), BAR sizing of every kind, and the list filling up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/pci.h"
#include "fake/pci_config.h"

static struct pci_device found[PCI_MAX_DEVICES];

static int reset(void **state)
{
	(void)state;
	fake_pci_reset();
	memset(found, 0, sizeof(found));
	return 0;
}

static struct fake_pci_function *add_e1000(unsigned bus, unsigned device)
{
	struct fake_pci_function *f = fake_pci_add(bus, device, 0, 0x8086, 0x100e, 0x02000003, 0);
	fake_pci_set_bar(f, 0, 0x80000000u, 128 * 1024);
	fake_pci_set_bar(f, 1, 0xc001u, 64);
	f->config[0x3c / 4] = 0x0000010a; /* INTA#, line 10 */
	f->config[1] = 0x02800007;        /* status bits that must survive; IO, memory, master on */
	return f;
}

static void bochs_bus(void)
{
	fake_pci_add(0, 0, 0, 0x8086, 0x1237, 0x06000002, 0);    /* i440FX */
	fake_pci_add(0, 1, 0, 0x8086, 0x7000, 0x06010000, 0x80); /* PIIX3, multifunction */
	fake_pci_add(0, 1, 1, 0x8086, 0x7010, 0x01018000, 0);    /* its IDE */
	add_e1000(0, 2);
}

static void test_bochs_machine(void **state)
{
	(void)state;
	bochs_bus();
	assert_int_equal(pci_scan(found, PCI_MAX_DEVICES), 4);
	assert_int_equal(found[0].device_id, 0x1237);
	assert_int_equal(found[1].device_id, 0x7000);
	assert_int_equal(found[2].device, 1);
	assert_int_equal(found[2].function, 1);
	assert_int_equal(found[2].class_code, 0x01);
	const struct pci_device *nic = &found[3];
	assert_int_equal(nic->vendor_id, 0x8086);
	assert_int_equal(nic->device_id, 0x100e);
	assert_int_equal(nic->class_code, PCI_CLASS_NETWORK);
	assert_int_equal(nic->subclass, 0);
	assert_int_equal(nic->interrupt_line, 10);
	assert_int_equal(nic->interrupt_pin, 1);
	assert_false(nic->bars[0].io);
	assert_int_equal(nic->bars[0].base, 0x80000000u);
	assert_int_equal(nic->bars[0].size, 128 * 1024);
	assert_true(nic->bars[1].io);
	assert_int_equal(nic->bars[1].base, 0xc000);
	assert_int_equal(nic->bars[1].size, 64);
	for (unsigned i = 2; i < PCI_BAR_COUNT; i++)
		assert_int_equal(nic->bars[i].base, 0);
	char where[8];
	pci_format_address(nic, where);
	assert_string_equal(where, "00:02.0");
}

static void test_sizing_restores_bars_and_command(void **state)
{
	(void)state;
	struct fake_pci_function *f = add_e1000(0, 2);
	assert_int_equal(pci_scan(found, PCI_MAX_DEVICES), 1);
	assert_int_equal(f->config[0x10 / 4], 0x80000000u);
	assert_int_equal(f->config[0x14 / 4], 0xc001u);
	assert_int_equal(f->config[1], 0x02800007);
	assert_false(f->sized_while_decoding);
}

static void test_functions_of_single_function_device_are_not_looked_at(void **state)
{
	(void)state;
	/* Some devices answer on every function number; without the
	 * multifunction bit, 1-7 are not theirs. */
	fake_pci_add(0, 3, 0, 0x1af4, 0x1000, 0x02000000, 0);
	fake_pci_add(0, 3, 1, 0x1af4, 0x1000, 0x02000000, 0);
	assert_int_equal(pci_scan(found, PCI_MAX_DEVICES), 1);
}

static void test_multifunction_gaps(void **state)
{
	(void)state;
	fake_pci_add(0, 4, 0, 0x8086, 0x1111, 0x02000000, 0x80);
	fake_pci_add(0, 4, 5, 0x8086, 0x2222, 0x02000000, 0);
	assert_int_equal(pci_scan(found, PCI_MAX_DEVICES), 2);
	assert_int_equal(found[1].function, 5);
	assert_int_equal(found[1].device_id, 0x2222);
}

static void test_bus_behind_bridge(void **state)
{
	(void)state;
	struct fake_pci_function *bridge = fake_pci_add(0, 0x1e, 0, 0x8086, 0x244e, 0x06040000, 1);
	bridge->config[0x18 / 4] = 0x00030300; /* primary 0, secondary 3, subordinate 3 */
	add_e1000(3, 0);
	/* A device on a bus no bridge leads to is not reached. */
	add_e1000(7, 0);
	assert_int_equal(pci_scan(found, PCI_MAX_DEVICES), 2);
	assert_int_equal(found[0].header_type, 1);
	assert_int_equal(found[1].bus, 3);
	assert_int_equal(found[1].device_id, 0x100e);
	assert_int_equal(found[1].bars[0].size, 128 * 1024);
}

static void test_bridge_loop_is_walked_once(void **state)
{
	(void)state;
	struct fake_pci_function *a = fake_pci_add(0, 1, 0, 0x8086, 0x244e, 0x06040000, 1);
	a->config[0x18 / 4] = 0x00010100; /* to bus 1 */
	struct fake_pci_function *b = fake_pci_add(1, 0, 0, 0x8086, 0x244e, 0x06040000, 1);
	b->config[0x18 / 4] = 0x00000001; /* claims bus 0 behind it: a loop */
	struct fake_pci_function *unnumbered = fake_pci_add(1, 1, 0, 0x8086, 0x244e, 0x06040000, 1);
	(void)unnumbered; /* secondary 0: left alone */
	assert_int_equal(pci_scan(found, PCI_MAX_DEVICES), 3);
}

static void test_64bit_bar(void **state)
{
	(void)state;
	struct fake_pci_function *f = fake_pci_add(0, 5, 0, 0x8086, 0x1533, 0x02000003, 0);
	fake_pci_set_bar(f, 0, 0xc000000cu, 1ULL << 20); /* 64-bit, prefetchable */
	f->config[0x14 / 4] = 0x00000002;                /* at 0x2_c0000000 */
	fake_pci_set_bar(f, 2, 0xe001u, 32);
	assert_int_equal(pci_scan(found, PCI_MAX_DEVICES), 1);
	assert_true(found[0].bars[0].is_64bit);
	assert_int_equal(found[0].bars[0].base, 0x2c0000000ULL);
	assert_int_equal(found[0].bars[0].size, 1ULL << 20);
	assert_int_equal(found[0].bars[1].base, 0); /* the upper half */
	assert_true(found[0].bars[2].io);
	assert_int_equal(found[0].bars[2].base, 0xe000);
	assert_int_equal(f->config[0x14 / 4], 2);
}

static void test_full_list_counts_the_rest(void **state)
{
	(void)state;
	for (unsigned d = 0; d < 5; d++)
		fake_pci_add(0, d, 0, 0x8086, (uint16_t)(0x1000 + d), 0x02000000, 0);
	assert_int_equal(pci_scan(found, 3), 5);
	assert_int_equal(found[2].device_id, 0x1002);
	assert_int_equal(found[3].vendor_id, 0); /* not written */
}

static void test_empty_bus_reads_little(void **state)
{
	(void)state;
	assert_int_equal(pci_scan(found, PCI_MAX_DEVICES), 0);
	assert_int_equal(fake_pci_reads(), 32);
}

static void test_enable_sets_command_bits(void **state)
{
	(void)state;
	struct fake_pci_function *f = add_e1000(0, 2);
	f->config[1] = 0x02800000;
	assert_int_equal(pci_scan(found, PCI_MAX_DEVICES), 1);
	pci_enable(&found[0], PCI_COMMAND_MEMORY | PCI_COMMAND_BUS_MASTER);
	assert_int_equal(f->config[1], 0x02800006);
	pci_enable(&found[0], PCI_COMMAND_IO);
	assert_int_equal(f->config[1], 0x02800007);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_bochs_machine, reset),
	    cmocka_unit_test_setup(test_sizing_restores_bars_and_command, reset),
	    cmocka_unit_test_setup(test_functions_of_single_function_device_are_not_looked_at,
	                           reset),
	    cmocka_unit_test_setup(test_multifunction_gaps, reset),
	    cmocka_unit_test_setup(test_bus_behind_bridge, reset),
	    cmocka_unit_test_setup(test_bridge_loop_is_walked_once, reset),
	    cmocka_unit_test_setup(test_64bit_bar, reset),
	    cmocka_unit_test_setup(test_full_list_counts_the_rest, reset),
	    cmocka_unit_test_setup(test_empty_bus_reads_little, reset),
	    cmocka_unit_test_setup(test_enable_sets_command_bits, reset),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}

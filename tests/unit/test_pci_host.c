/*
 * Host tests for the empty PCI host bridge (hypervisor/devices/pci_host.c):
 * the address register keeps what a dword write puts there (reserved bits
 * cleared), the bridge answers at 00:00.0 with its IDs and host-bridge
 * class (what Linux's type-1 sanity check looks for), every other
 * function and a disabled address read all ones, narrow reads pick their
 * bytes out of the dword, configuration writes change nothing, and only
 * dword accesses reach the address register.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/pci_host.h"

static uint32_t bdf(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | reg;
}

static void test_address_register(void **state)
{
	(void)state;
	struct pci_host h = {0};
	assert_true(pci_host_claims(0xcf8, 4));
	assert_false(pci_host_claims(0xcf8, 1)); /* 0xCF8-0xCFB bytes: not the register */
	assert_false(pci_host_claims(0xcfb, 1));
	pci_host_write(&h, 0xcf8, 4, 0x80000000u);
	assert_int_equal(pci_host_read(&h, 0xcf8, 4), 0x80000000u); /* Linux's probe */
	pci_host_write(&h, 0xcf8, 4, 0xffffffffu);
	assert_int_equal(pci_host_read(&h, 0xcf8, 4), 0x80fffffcu);
}

static void test_the_bridge_and_nothing_else(void **state)
{
	(void)state;
	struct pci_host h = {0};
	pci_host_write(&h, 0xcf8, 4, bdf(0, 0, 0, 0));
	assert_int_equal(pci_host_read(&h, 0xcfc, 4), 0x00081b36u);
	assert_int_equal(pci_host_read(&h, 0xcfc, 2), 0x1b36u);
	assert_int_equal(pci_host_read(&h, 0xcfe, 2), 0x0008u);
	pci_host_write(&h, 0xcf8, 4, bdf(0, 0, 0, 8));
	assert_int_equal(pci_host_read(&h, 0xcfe, 2), 0x0600); /* class: host bridge */
	pci_host_write(&h, 0xcf8, 4, bdf(0, 0, 0, 0x10));
	assert_int_equal(pci_host_read(&h, 0xcfc, 4), 0); /* no BARs */
	pci_host_write(&h, 0xcfc, 4, 0xffffffffu);        /* a BAR size probe */
	assert_int_equal(pci_host_read(&h, 0xcfc, 4), 0);
	const uint32_t absent[] = {bdf(0, 1, 0, 0), bdf(0, 0, 1, 0), bdf(1, 0, 0, 0),
	                           bdf(0, 31, 7, 0), 0x00000000u};
	for (unsigned i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		pci_host_write(&h, 0xcf8, 4, absent[i]);
		assert_int_equal(pci_host_read(&h, 0xcfc, 4), 0xffffffffu);
		assert_int_equal(pci_host_read(&h, 0xcfd, 1), 0xffu);
	}
}

static void test_data_window_bounds(void **state)
{
	(void)state;
	assert_true(pci_host_claims(0xcfc, 4));
	assert_true(pci_host_claims(0xcfe, 2));
	assert_true(pci_host_claims(0xcff, 1));
	assert_false(pci_host_claims(0xcfe, 4)); /* would run past the window */
	assert_false(pci_host_claims(0xd00, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_address_register),
	    cmocka_unit_test(test_the_bridge_and_nothing_else),
	    cmocka_unit_test(test_data_window_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

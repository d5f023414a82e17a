/*
 * Host tests for a partition's ACPI tables (loader/acpi_tables.c): the
 * RSDP where Linux's scan of the BIOS area finds it, both its checksums,
 * the RSDT and XSDT pointing at the FADT and MADT, every table's length
 * and checksum, the FADT's hardware-reduced flag, reset and sleep
 * registers and DSDT, one local APIC per vCPU and the I/O APIC after
 * them in the MADT, COM1, the CMOS clock and S5 in the DSDT; refusals write nothing.
 * Then ACPICA's disassembler (iasl -d, from Debian's acpica-tools) must
 * decode every table but the RSDP (which it cannot read from a file)
 * without an error or a warning, and say what the bytes were meant to.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "acpi_tables.h"
#include "aml.h"

#define RAM_SIZE (1u << 20)
static uint8_t *ram;
static struct acpi_tables_layout l;
static char err[80];

static int setup(void **state)
{
	(void)state;
	ram = calloc(1, RAM_SIZE);
	assert_non_null(ram);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* A table at gpa with this signature, whole and checksummed: its length. */
static uint32_t expect_table(uint64_t gpa, const char *signature)
{
	const uint8_t *t = ram + gpa;
	assert_memory_equal(t, signature, 4);
	uint32_t length = get32(t + 4);
	assert_true(length >= 36);
	assert_true(gpa + length <= l.rsdp + l.size);
	assert_int_equal(sum(t, length), 0);
	return length;
}

static void build_with(unsigned vcpus, unsigned nics)
{
	struct guest_machine m = {.vcpus = vcpus, .virtio_devices = nics};
	assert_true(
	    acpi_tables_build(ram, RAM_SIZE, ACPI_TABLES_DEFAULT_GPA, &m, &l, err, sizeof(err)));
}

static void build(unsigned vcpus)
{
	build_with(vcpus, 0);
}

static void test_rsdp_and_root_tables(void **state)
{
	(void)state;
	build(2);
	assert_int_equal(l.rsdp, 0xe0000);
	const uint8_t *rsdp = ram + l.rsdp;
	/* Linux scans 0xE0000-0xFFFFF on 16-byte boundaries. */
	assert_memory_equal(rsdp, "RSD PTR ", 8);
	assert_int_equal(l.rsdp % 16, 0);
	assert_int_equal(sum(rsdp, 20), 0);
	assert_int_equal(sum(rsdp, 36), 0);
	assert_int_equal(rsdp[15], 2);
	assert_int_equal(get32(rsdp + 20), 36);
	assert_int_equal(get32(rsdp + 16), l.rsdt);
	assert_int_equal(get64(rsdp + 24), l.xsdt);

	assert_int_equal(expect_table(l.rsdt, "RSDT"), 36 + 8);
	assert_int_equal(get32(ram + l.rsdt + 36), l.fadt);
	assert_int_equal(get32(ram + l.rsdt + 40), l.madt);
	assert_int_equal(expect_table(l.xsdt, "XSDT"), 36 + 16);
	assert_int_equal(get64(ram + l.xsdt + 36), l.fadt);
	assert_int_equal(get64(ram + l.xsdt + 44), l.madt);
	assert_true(l.size <= ACPI_TABLES_MAX_SIZE);
}

static void test_fadt_is_hardware_reduced(void **state)
{
	(void)state;
	build(1);
	assert_int_equal(expect_table(l.fadt, "FACP"), 276);
	const uint8_t *f = ram + l.fadt;
	assert_int_equal(f[8], 6); /* revision */
	assert_int_equal(get32(f + 40), l.dsdt);
	assert_int_equal(get64(f + 140), l.dsdt);
	uint32_t flags = get32(f + 112);
	assert_true(flags & (1u << 20)); /* HW_REDUCED_ACPI */
	assert_true(flags & (1u << 10)); /* RESET_REG_SUP */
	/* Reset register: I/O port 0xCF9, byte access, value 6. */
	assert_int_equal(f[116], 1);
	assert_int_equal(get64(f + 120), GUEST_RESET_PORT);
	assert_int_equal(f[128], GUEST_RESET_VALUE);
	/* Sleep control and status registers: one byte each in I/O space. */
	assert_int_equal(f[244], 1);
	assert_int_equal(f[245], 8);
	assert_int_equal(get64(f + 248), GUEST_SLEEP_CONTROL_PORT);
	assert_int_equal(f[256], 1);
	assert_int_equal(get64(f + 260), GUEST_SLEEP_STATUS_PORT);
	/* No PM timer, no SCI, no PM1 blocks: hardware-reduced. */
	assert_int_equal(get32(f + 76), 0);
	assert_int_equal(f[46] | f[47] << 8, 0);
	assert_int_equal(get32(f + 56), 0);
	assert_int_equal(get32(f + 64), 0);
	assert_int_equal(expect_table(l.dsdt, "DSDT"), get32(ram + l.dsdt + 4));
}

static void test_madt_lists_every_vcpu(void **state)
{
	(void)state;
	for (unsigned n = 1; n <= 64; n += 63) {
		build(n);
		uint32_t length = expect_table(l.madt, "APIC");
		const uint8_t *t = ram + l.madt;
		assert_int_equal(get32(t + 36), GUEST_LOCAL_APIC_ADDRESS);
		assert_int_equal(get32(t + 40), 0); /* no 8259s */
		const uint8_t *e = t + 44;
		for (unsigned i = 0; i < n; i++, e += 8) {
			assert_int_equal(e[0], 0); /* Processor Local APIC */
			assert_int_equal(e[1], 8);
			assert_int_equal(e[2], i); /* processor UID */
			assert_int_equal(e[3], i); /* APIC ID */
			assert_int_equal(get32(e + 4), 1);
		}
		assert_int_equal(e[0], 1); /* I/O APIC */
		assert_int_equal(e[2], n); /* its ID after the CPUs' */
		assert_int_equal(get32(e + 4), GUEST_IOAPIC_ADDRESS);
		assert_int_equal(get32(e + 8), 0);
		e += 12;
		/* COM1's and the control line's IRQs, edge and high. */
		const uint8_t irqs[] = {4, 3};
		for (unsigned i = 0; i < sizeof(irqs); i++, e += 10) {
			assert_int_equal(e[0], 2);
			assert_int_equal(e[1], 10);
			assert_int_equal(e[3], irqs[i]);
			assert_int_equal(get32(e + 4), irqs[i]);
			assert_int_equal(e[8] | e[9] << 8, 5);
		}
		assert_int_equal(e - t, length);
	}
}

static const uint8_t *find(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return hay + i;
	return NULL;
}

static void test_dsdt_has_com1_rtc_and_s5(void **state)
{
	(void)state;
	build(2);
	uint32_t length = expect_table(l.dsdt, "DSDT");
	const uint8_t *d = ram + l.dsdt;
	assert_int_equal(d[8], 2); /* 64-bit integers */
	uint32_t pnp0501 = aml_eisaid("PNP0501");
	assert_non_null(find(d, length, &pnp0501, 4));
	static const uint8_t io[] = {0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08, 0x22, 0x10};
	assert_non_null(find(d, length, io, sizeof(io)));
	static const uint8_t com2[] = {0x47, 0x01, 0xf8, 0x02, 0xf8, 0x02, 0x01, 0x08, 0x22, 0x08};
	assert_non_null(find(d, length, com2, sizeof(com2)));
	assert_non_null(find(d, length, "COM2", 4));
	/* The power button and the event device that presses it on GSI 5. */
	uint32_t pnp0c0c = aml_eisaid("PNP0C0C");
	assert_non_null(find(d, length, &pnp0c0c, 4));
	assert_non_null(find(d, length, "ACPI0013", 9));
	static const uint8_t ged[] = {0x89, 0x06, 0x00, 0x03, 0x01, 0x05, 0x00, 0x00, 0x00};
	assert_non_null(find(d, length, ged, sizeof(ged)));
	uint32_t pnp0b00 = aml_eisaid("PNP0B00");
	assert_non_null(find(d, length, &pnp0b00, 4));
	assert_non_null(find(d, length, "_S5_", 4));
	/* No network interfaces, no virtio-mmio devices. */
	assert_null(find(d, length, "LNRO0005", 8));
}

/* Each network interface is a virtio-mmio device: its window and its
 * interrupt, as the kernel's command line would give them. */
static void test_dsdt_lists_network_interfaces(void **state)
{
	(void)state;
	build_with(1, 2);
	uint32_t length = expect_table(l.dsdt, "DSDT");
	const uint8_t *d = ram + l.dsdt;
	assert_non_null(find(d, length, "VRT0", 4));
	assert_non_null(find(d, length, "VRT1", 4));
	assert_null(find(d, length, "VRT2", 4));
	static const uint8_t window1[] = {0x86, 0x09, 0x00, 0x01, 0x00, 0x10,
	                                  0xb0, 0xfe, 0x00, 0x10, 0x00, 0x00};
	assert_non_null(find(d, length, window1, sizeof(window1)));
	static const uint8_t irq11[] = {0x89, 0x06, 0x00, 0x03, 0x01, 11, 0x00, 0x00, 0x00};
	assert_non_null(find(d, length, irq11, sizeof(irq11)));
	struct guest_machine five = {.vcpus = 1, .virtio_devices = 5};
	assert_false(
	    acpi_tables_build(ram, RAM_SIZE, ACPI_TABLES_DEFAULT_GPA, &five, &l, err, sizeof(err)));
	assert_string_equal(err, "ACPI tables: more than 4 network interfaces");
}

static void test_refusals_write_nothing(void **state)
{
	(void)state;
	struct guest_machine none = {.vcpus = 0}, many = {.vcpus = 65}, two = {.vcpus = 2};
	assert_false(
	    acpi_tables_build(ram, RAM_SIZE, ACPI_TABLES_DEFAULT_GPA, &none, &l, err, sizeof(err)));
	assert_string_equal(err, "ACPI tables: vcpus outside 1..64");
	assert_false(
	    acpi_tables_build(ram, RAM_SIZE, ACPI_TABLES_DEFAULT_GPA, &many, &l, err, sizeof(err)));
	assert_false(acpi_tables_build(ram, RAM_SIZE, 0xe0008, &two, &l, err, sizeof(err)));
	assert_string_equal(err, "ACPI tables: address not 16-byte aligned");
	assert_false(
	    acpi_tables_build(ram, 0xe0800, ACPI_TABLES_DEFAULT_GPA, &two, &l, err, sizeof(err)));
	assert_string_equal(err, "ACPI tables: do not fit in RAM");
	for (size_t i = 0; i < RAM_SIZE; i++)
		if (ram[i])
			fail_msg("byte 0x%zx written by a refused build", i);
}

/* ---- iasl -d --------------------------------------------------------- */

static char dir[] = "/tmp/solo-acpi-XXXXXX";

static void write_table(const char *name, uint64_t gpa)
{
	char path[96];
	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(ram + gpa, 1, get32(ram + gpa + 4), f), get32(ram + gpa + 4));
	fclose(f);
}

/* Runs iasl -d on one table; its output, and the .dsl it wrote, must be
 * free of errors and warnings, and the .dsl must hold `expect`. */
static void disassemble(const char *name, const char *expect)
{
	char cmd[256], path[96], line[512];
	snprintf(cmd, sizeof(cmd), "cd %s && iasl -d %s.dat > %s.log 2>&1", dir, name, name);
	if (system(cmd) != 0)
		fail_msg("iasl -d %s.dat failed (is acpica-tools installed? see %s)", name, dir);
	for (int pass = 0; pass < 2; pass++) {
		snprintf(path, sizeof(path), "%s/%s.%s", dir, name, pass ? "dsl" : "log");
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		bool found = pass == 0;
		while (fgets(line, sizeof(line), f)) {
			if (strstr(line, "Error") || strstr(line, "Warning") ||
			    strstr(line, "Invalid"))
				fail_msg("%s: %s", path, line);
			if (strstr(line, expect))
				found = true;
		}
		fclose(f);
		if (!found)
			fail_msg("%s has no \"%s\"", path, expect);
	}
}

static void test_iasl_decodes_every_table(void **state)
{
	(void)state;
	build_with(2, 2);
	assert_non_null(mkdtemp(dir));
	write_table("rsdt", l.rsdt);
	write_table("xsdt", l.xsdt);
	write_table("facp", l.fadt);
	write_table("apic", l.madt);
	write_table("dsdt", l.dsdt);
	disassemble("rsdt", "ACPI Table Address   1 : 000E0");
	disassemble("xsdt", "ACPI Table Address   1 : 00000000000E0");
	disassemble("facp", "Hardware Reduced (V5) : 1");
	disassemble("apic", "Local Apic ID : 01");
	disassemble("dsdt", "EisaId (\"PNP0501\")");
	disassemble("dsdt", "Notify (PWRB, 0x80)");
	disassemble("dsdt", "Memory32Fixed (ReadWrite,");
	disassemble("dsdt", "Name (_HID, \"LNRO0005\")");
	disassemble("dsdt", "Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, )");
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -r %s", dir);
	assert_int_equal(system(cmd), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_rsdp_and_root_tables),          T(test_fadt_is_hardware_reduced),
	    T(test_madt_lists_every_vcpu),         T(test_dsdt_has_com1_rtc_and_s5),
	    T(test_refusals_write_nothing),        T(test_iasl_decodes_every_table),
	    T(test_dsdt_lists_network_interfaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

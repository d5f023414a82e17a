/*
 * Host tests for hypervisor/acpi/madt.c. ACPI tables are built byte by
 * byte in an arena below 2 GiB (RSDT and the v1 RSDP hold 32-bit
 * addresses), with correct checksums unless a test breaks one on purpose.
 * Each corruption is checked for its exact message, and valid tables for
 * the exact APIC ID list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "acpi/madt.h"
#include "mm/phys.h"

#define ARENA_SIZE (256 * 1024)
#define MAX_IDS    8

static uint8_t *arena;
static size_t arena_used;
static uint32_t ids[MAX_IDS];
static char err[128];

static int setup_arena(void **state)
{
	(void)state;
	arena = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
	             MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	assert_true(arena != MAP_FAILED);
	assert_true(ptr_to_hpa(arena) + ARENA_SIZE < (1ULL << 32));
	return 0;
}

static int teardown_arena(void **state)
{
	(void)state;
	munmap(arena, ARENA_SIZE);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	memset(arena, 0, ARENA_SIZE);
	arena_used = 0;
	memset(ids, 0xee, sizeof(ids));
	strcpy(err, "untouched");
	return 0;
}

static uint8_t *carve(size_t len)
{
	assert_true(arena_used + len <= ARENA_SIZE);
	uint8_t *p = arena + arena_used;
	arena_used += (len + 15) & ~(size_t)15;
	return p;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

/* Sets the checksum byte at `at` so that len bytes from p sum to 0. */
static void seal(uint8_t *p, size_t len, size_t at)
{
	p[at] = 0;
	p[at] = (uint8_t)(0x100 - sum(p, len));
}

static void seal_table(uint8_t *t)
{
	uint32_t len;
	memcpy(&len, t + 4, 4);
	seal(t, len, 9);
}

/* An SDT header with signature and length; the body follows. */
static uint8_t *table(const char *signature, uint32_t len)
{
	uint8_t *t = carve(len);
	memcpy(t, signature, 4);
	put32(t + 4, len);
	t[8] = 1;
	memcpy(t + 10, "SOLOTS", 6);
	return t;
}

/* The MADT under construction: entries are appended, then sealed. */
static uint8_t madt_buf[1024];
static uint32_t madt_len;

static void madt_begin(void)
{
	memset(madt_buf, 0, sizeof(madt_buf));
	madt_len = 44; /* header + local APIC address + flags */
	put32(madt_buf + 36, 0xfee00000);
}

static void madt_local_apic(uint8_t apic_id, uint32_t flags)
{
	uint8_t *e = madt_buf + madt_len;
	e[0] = 0;
	e[1] = 8;
	e[2] = apic_id; /* ACPI processor ID: any */
	e[3] = apic_id;
	put32(e + 4, flags);
	madt_len += 8;
}

static void madt_x2apic(uint32_t apic_id, uint32_t flags)
{
	uint8_t *e = madt_buf + madt_len;
	e[0] = 9;
	e[1] = 16;
	put32(e + 4, apic_id);
	put32(e + 8, flags);
	put32(e + 12, apic_id + 1000); /* ACPI UID */
	madt_len += 16;
}

static void madt_io_apic(void)
{
	uint8_t *e = madt_buf + madt_len;
	e[0] = 1;
	e[1] = 12;
	e[2] = 8;
	put32(e + 4, 0xfec00000);
	madt_len += 12;
}

static void madt_raw(const uint8_t *bytes, unsigned n)
{
	memcpy(madt_buf + madt_len, bytes, n);
	madt_len += n;
}

static uint8_t *madt_end(void)
{
	uint8_t *t = table("APIC", madt_len);
	memcpy(t + 8, madt_buf + 8, madt_len - 8);
	t[8] = 5;
	seal_table(t);
	return t;
}

/* A sealed FACP-like table, for the root table to list before the MADT. */
static uint8_t *other_table(const char *signature)
{
	uint8_t *t = table(signature, 64);
	seal_table(t);
	return t;
}

static uint8_t *rsdt(uint8_t *const *tables, unsigned n)
{
	uint8_t *t = table("RSDT", 36 + 4 * n);
	for (unsigned i = 0; i < n; i++)
		put32(t + 36 + 4 * i, (uint32_t)ptr_to_hpa(tables[i]));
	seal_table(t);
	return t;
}

static uint8_t *xsdt(uint8_t *const *tables, unsigned n)
{
	uint8_t *t = table("XSDT", 36 + 8 * n);
	for (unsigned i = 0; i < n; i++)
		put64(t + 36 + 8 * i, ptr_to_hpa(tables[i]));
	seal_table(t);
	return t;
}

static uint8_t *rsdp_v1(const uint8_t *root)
{
	uint8_t *r = carve(20);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "SOLOTS", 6);
	r[15] = 0;
	put32(r + 16, (uint32_t)ptr_to_hpa(root));
	seal(r, 20, 8);
	return r;
}

static uint8_t *rsdp_v2(const uint8_t *root)
{
	uint8_t *r = carve(36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "SOLOTS", 6);
	r[15] = 2;
	put32(r + 20, 36);
	put64(r + 24, ptr_to_hpa(root));
	seal(r, 20, 8);
	seal(r, 36, 32);
	return r;
}

static int find(const uint8_t *rsdp, unsigned max)
{
	return madt_find_cpus(ptr_to_hpa(rsdp), ids, max, err, sizeof(err));
}

static void expect_error(const uint8_t *rsdp, unsigned max, const char *message)
{
	assert_int_equal(find(rsdp, max), -1);
	assert_string_equal(err, message);
}

/* RSDT -> {FACP, MADT}: the usual layout of an ACPI 1.0 firmware. */
static uint8_t *v1_with_madt(uint8_t *madt)
{
	uint8_t *tables[] = {other_table("FACP"), madt};
	return rsdp_v1(rsdt(tables, 2));
}

static uint8_t *v2_with_madt(uint8_t *madt)
{
	uint8_t *tables[] = {other_table("FACP"), other_table("HPET"), madt};
	return rsdp_v2(xsdt(tables, 3));
}

static void test_v1_rsdt_local_apics(void **state)
{
	(void)state;
	madt_begin();
	madt_local_apic(0, 1);
	madt_io_apic();
	madt_local_apic(2, 1);
	madt_local_apic(4, 0); /* disabled, not online-capable: skipped */
	madt_local_apic(6, 2); /* online-capable: kept */
	uint8_t *rsdp = v1_with_madt(madt_end());
	assert_int_equal(find(rsdp, MAX_IDS), 3);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[1], 2);
	assert_int_equal(ids[2], 6);
	assert_int_equal(ids[3], 0xeeeeeeee); /* nothing written past the count */
}

static void test_v2_xsdt_x2apic_and_duplicates(void **state)
{
	(void)state;
	madt_begin();
	madt_local_apic(0, 1);
	madt_local_apic(1, 1);
	madt_x2apic(1, 1); /* the same CPU listed twice: merged */
	madt_x2apic(0x100, 1);
	madt_x2apic(0x101, 0); /* disabled */
	madt_x2apic(0x102, 3);
	madt_local_apic(0, 1); /* again */
	uint8_t *rsdp = v2_with_madt(madt_end());
	assert_int_equal(find(rsdp, MAX_IDS), 4);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[1], 1);
	assert_int_equal(ids[2], 0x100);
	assert_int_equal(ids[3], 0x102);
}

static void test_duplicates_do_not_count_against_max(void **state)
{
	(void)state;
	madt_begin();
	madt_local_apic(3, 1);
	madt_x2apic(3, 1);
	madt_local_apic(5, 1);
	uint8_t *rsdp = v1_with_madt(madt_end());
	assert_int_equal(find(rsdp, 2), 2);
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[1], 5);
}

static void test_more_cpus_than_max(void **state)
{
	(void)state;
	madt_begin();
	madt_local_apic(0, 1);
	madt_local_apic(1, 1);
	madt_local_apic(2, 1);
	expect_error(v1_with_madt(madt_end()), 2, "more than 2 CPUs in the MADT");
}

static void test_madt_without_cpus(void **state)
{
	(void)state;
	madt_begin();
	madt_io_apic();
	madt_local_apic(7, 0);
	assert_int_equal(find(v2_with_madt(madt_end()), MAX_IDS), 0);
}

static void test_bad_rsdp(void **state)
{
	(void)state;
	madt_begin();
	madt_local_apic(0, 1);
	uint8_t *madt = madt_end();

	uint8_t *rsdp = v1_with_madt(madt);
	rsdp[8]++;
	expect_error(rsdp, MAX_IDS, "RSDP invalid");

	rsdp = v1_with_madt(madt);
	rsdp[0] = 'X';
	seal(rsdp, 20, 8);
	expect_error(rsdp, MAX_IDS, "RSDP invalid");

	assert_int_equal(madt_find_cpus(0, ids, MAX_IDS, err, sizeof(err)), -1);
	assert_string_equal(err, "RSDP invalid");
}

static void test_bad_rsdp_extended_checksum(void **state)
{
	(void)state;
	madt_begin();
	madt_local_apic(0, 1);
	uint8_t *madt = madt_end();

	/* The first 20 bytes are fine, the 36-byte sum is not. */
	uint8_t *rsdp = v2_with_madt(madt);
	rsdp[32]++;
	expect_error(rsdp, MAX_IDS, "RSDP extended checksum invalid");

	/* A v2 RSDP claiming to be shorter than itself. */
	rsdp = v2_with_madt(madt);
	put32(rsdp + 20, 20);
	seal(rsdp, 20, 8);
	seal(rsdp, 36, 32);
	expect_error(rsdp, MAX_IDS, "RSDP extended checksum invalid");
}

static void test_bad_root_tables(void **state)
{
	(void)state;
	madt_begin();
	madt_local_apic(0, 1);
	uint8_t *madt = madt_end();
	uint8_t *tables[] = {madt};

	uint8_t *x = xsdt(tables, 1);
	x[40]++; /* inside the entry list: checksum now wrong */
	expect_error(rsdp_v2(x), MAX_IDS, "XSDT missing or corrupt");

	/* A well-formed RSDT where the v2 RSDP wants an XSDT. */
	expect_error(rsdp_v2(rsdt(tables, 1)), MAX_IDS, "XSDT missing or corrupt");

	uint8_t *r = rsdt(tables, 1);
	r[9]++;
	expect_error(rsdp_v1(r), MAX_IDS, "RSDT missing or corrupt");

	/* A root table claiming less than a header. */
	r = rsdt(tables, 1);
	put32(r + 4, 35);
	seal(r, 35, 9);
	expect_error(rsdp_v1(r), MAX_IDS, "RSDT missing or corrupt");

	expect_error(rsdp_v2(NULL), MAX_IDS, "XSDT missing or corrupt");
}

static void test_no_madt(void **state)
{
	(void)state;
	uint8_t *only_facp[] = {other_table("FACP")};
	expect_error(rsdp_v2(xsdt(only_facp, 1)), MAX_IDS, "no MADT in the ACPI tables");
	expect_error(rsdp_v1(rsdt(NULL, 0)), MAX_IDS, "no MADT in the ACPI tables");

	/* A MADT with a bad checksum, or shorter than its fixed fields,
	 * does not count. */
	madt_begin();
	madt_local_apic(0, 1);
	uint8_t *madt = madt_end();
	madt[9]++;
	expect_error(v2_with_madt(madt), MAX_IDS, "no MADT in the ACPI tables");

	madt = table("APIC", 40);
	seal_table(madt);
	expect_error(v2_with_madt(madt), MAX_IDS, "no MADT in the ACPI tables");
}

static void test_truncated_entry(void **state)
{
	(void)state;
	madt_begin();
	madt_local_apic(0, 1);
	const uint8_t half[] = {0};
	madt_raw(half, 1); /* one byte left: not even a type and length */
	expect_error(v1_with_madt(madt_end()), MAX_IDS, "MADT entry at offset 52 truncated");
}

static void test_entry_length_zero(void **state)
{
	(void)state;
	madt_begin();
	const uint8_t zero[] = {0, 0, 0, 0};
	madt_raw(zero, 4);
	madt_local_apic(0, 1);
	expect_error(v1_with_madt(madt_end()), MAX_IDS, "MADT entry at offset 44 has bad length 0");
}

static void test_entry_longer_than_table(void **state)
{
	(void)state;
	madt_begin();
	madt_local_apic(0, 1);
	madt_x2apic(0x200, 1);
	madt_len -= 4; /* the x2APIC entry now runs past the end */
	expect_error(v2_with_madt(madt_end()), MAX_IDS,
	             "MADT entry at offset 52 has bad length 16");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_v1_rsdt_local_apics, reset),
	    cmocka_unit_test_setup(test_v2_xsdt_x2apic_and_duplicates, reset),
	    cmocka_unit_test_setup(test_duplicates_do_not_count_against_max, reset),
	    cmocka_unit_test_setup(test_more_cpus_than_max, reset),
	    cmocka_unit_test_setup(test_madt_without_cpus, reset),
	    cmocka_unit_test_setup(test_bad_rsdp, reset),
	    cmocka_unit_test_setup(test_bad_rsdp_extended_checksum, reset),
	    cmocka_unit_test_setup(test_bad_root_tables, reset),
	    cmocka_unit_test_setup(test_no_madt, reset),
	    cmocka_unit_test_setup(test_truncated_entry, reset),
	    cmocka_unit_test_setup(test_entry_length_zero, reset),
	    cmocka_unit_test_setup(test_entry_longer_than_table, reset),
	};
	return cmocka_run_group_tests(tests, setup_arena, teardown_arena);
}

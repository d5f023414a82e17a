/*
 * Host tests for guest memory access (hypervisor/core/guest_memory.c):
 * guest-physical reads bounded by the partition's RAM, the walk of the
 * guest's own 4-level page tables with 4 KiB, 2 MiB and 1 GiB pages (the
 * offset bits, the flag and PAT bits ignored in addresses, every level
 * not present, tables outside RAM), the modes it refuses, and linear
 * reads that cross pages mapped to scattered frames or stop at an
 * unmapped one. Guest RAM is page-aligned heap memory, its address the
 * "host-physical" one as in the other host tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/guest_memory.h"
#include "core/partition.h"

#define RAM_SIZE     (4 * MIB)
#define CR0_PE_PG    0x80000011ULL
#define CR4_PAE      (1ULL << 5)
#define EFER_LME_LMA 0x500ULL
#define P            0x1ULL
#define RW           0x2ULL
#define US           0x4ULL
#define A            0x20ULL
#define PS           0x80ULL
#define NX           (1ULL << 63)

/* Tables of the 4-level hierarchy, in guest RAM. */
#define PML4 0x10000ULL
#define PDPT 0x11000ULL
#define PD   0x12000ULL
#define PT   0x13000ULL

static struct partition part;
static uint8_t *ram;
static const struct guest_paging flat = {.cr0 = 0x11};
static const struct guest_paging long_mode = {
    .cr0 = CR0_PE_PG, .cr3 = PML4, .cr4 = CR4_PAE, .efer = EFER_LME_LMA};

static int setup(void **state)
{
	(void)state;
	ram = aligned_alloc(PAGE_SIZE, RAM_SIZE);
	assert_non_null(ram);
	for (size_t i = 0; i < RAM_SIZE; i++)
		ram[i] = (uint8_t)(i * 7 + (i >> 12)); /* a pattern that differs per page */
	memset(ram + PML4, 0, PT + PAGE_SIZE - PML4);  /* empty tables */
	memset(&part, 0, sizeof(part));
	part.ram_hpa = ptr_to_hpa(ram);
	part.ram_size = RAM_SIZE;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

static void put_entry(uint64_t table, unsigned index, uint64_t entry)
{
	memcpy(ram + table + index * 8, &entry, 8);
}

static unsigned index_at(uint64_t linear, unsigned level)
{
	return (unsigned)(linear >> (12 + 9 * level)) & 511;
}

static gpa_t translate(const struct guest_paging *paging, uint64_t linear)
{
	gpa_t gpa = 0xbadbad;
	if (!guest_translate(&part, paging, linear, &gpa))
		fail_msg("linear 0x%llx not translated", (unsigned long long)linear);
	return gpa;
}

static bool untranslated(const struct guest_paging *paging, uint64_t linear)
{
	gpa_t gpa = 0x5a5a;
	bool ok = guest_translate(&part, paging, linear, &gpa);
	return !ok;
}

/* Maps the 4 KiB page at `linear` to `frame` through PML4 -> PDPT -> PD
 * -> PT (one of each, so all mappings share their upper levels). */
static void map_4k(uint64_t linear, uint64_t frame)
{
	put_entry(PML4, index_at(linear, 3), PDPT | P | RW);
	put_entry(PDPT, index_at(linear, 2), PD | P | RW);
	put_entry(PD, index_at(linear, 1), PT | P | RW);
	put_entry(PT, index_at(linear, 0), frame | P | RW);
}

static void test_physical_reads(void **state)
{
	(void)state;
	uint8_t buf[16];
	assert_true(guest_read_physical(&part, 0x1234, buf, 16));
	assert_memory_equal(buf, ram + 0x1234, 16);
	/* The last bytes of RAM, and nothing past them. */
	assert_true(guest_read_physical(&part, RAM_SIZE - 16, buf, 16));
	assert_memory_equal(buf, ram + RAM_SIZE - 16, 16);
	assert_true(guest_read_physical(&part, RAM_SIZE - 1, buf, 1));
	memset(buf, 0xee, sizeof(buf));
	assert_false(guest_read_physical(&part, RAM_SIZE - 15, buf, 16));
	assert_false(guest_read_physical(&part, RAM_SIZE, buf, 1));
	assert_false(guest_read_physical(&part, RAM_SIZE, buf, 0));
	assert_false(guest_read_physical(&part, 0xfee00000, buf, 4));
	assert_false(guest_read_physical(&part, ~0ULL, buf, 1));
	/* A length that would wrap the address space. */
	assert_false(guest_read_physical(&part, 16, buf, SIZE_MAX));
	assert_false(guest_read_physical(&part, ~0ULL - 3, buf, 8));
	/* A refused read copies nothing. */
	for (unsigned i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xee);
	assert_true(guest_read_physical(&part, 0, buf, 0));
}

static void test_no_paging_is_identity(void **state)
{
	(void)state;
	assert_int_equal(translate(&flat, 0x1234), 0x1234);
	assert_int_equal(translate(&flat, 0xfee00020), 0xfee00020);
	/* Linear addresses are 32 bits without paging. */
	assert_int_equal(translate(&flat, 0x100001234ULL), 0x1234);
	/* CR3 and EFER do not matter with CR0.PG clear. */
	struct guest_paging odd = {.cr0 = 0x11, .cr3 = 0xdead000, .efer = EFER_LME_LMA};
	assert_int_equal(translate(&odd, 0x5000), 0x5000);
}

static void test_paging_modes_refused(void **state)
{
	(void)state;
	/* 32-bit paging and PAE paging without long mode are not walked. */
	struct guest_paging legacy = {.cr0 = CR0_PE_PG, .cr3 = PML4};
	struct guest_paging pae = {.cr0 = CR0_PE_PG, .cr3 = PML4, .cr4 = CR4_PAE, .efer = 0x100};
	map_4k(0x400000, 0x200000);
	assert_true(untranslated(&legacy, 0x400000));
	assert_true(untranslated(&pae, 0x400000));
	assert_int_equal(translate(&long_mode, 0x400000), 0x200000);
}

static void test_4k_pages(void **state)
{
	(void)state;
	const uint64_t kernel = 0xffffffff81234000ULL; /* Linux's text mapping */
	map_4k(kernel, 0x345000);
	map_4k(kernel + 0x1000, 0x123000); /* the next page elsewhere */
	assert_int_equal(translate(&long_mode, kernel), 0x345000);
	assert_int_equal(translate(&long_mode, kernel + 0xabc), 0x345abc);
	assert_int_equal(translate(&long_mode, kernel + 0xfff), 0x345fff);
	assert_int_equal(translate(&long_mode, kernel + 0x1000), 0x123000);
	assert_int_equal(translate(&long_mode, kernel + 0x1ffe), 0x123ffe);
	/* The same low 48 bits with bit 47 not copied upwards: not an
	 * address, however its tables index. */
	assert_true(untranslated(&long_mode, kernel & 0x0000ffffffffffffULL));
	assert_true(untranslated(&long_mode, (kernel & 0x0000ffffffffffffULL) | (1ULL << 60)));
	/* The neighbours on either side are unmapped. */
	assert_true(untranslated(&long_mode, kernel - 1));
	assert_true(untranslated(&long_mode, kernel + 0x2000));
	/* Low linear addresses use other PML4/PDPT slots: unmapped. */
	assert_true(untranslated(&long_mode, 0x345000));
}

static void test_entry_flag_bits_ignored_in_addresses(void **state)
{
	(void)state;
	const uint64_t linear = 0x7f0000401000ULL;
	/* NX, the available bits 62:52 and 11:9, A/D, PCD/PWT, and PAT (bit
	 * 7 of a PTE: no page size at level 1). */
	put_entry(PML4, index_at(linear, 3),
	          NX | (0x7ffULL << 52) | PDPT | 0xe00 | A | US | RW | P);
	put_entry(PDPT, index_at(linear, 2), NX | PD | 0x18 | P);
	put_entry(PD, index_at(linear, 1), PT | 0x60 | P);
	put_entry(PT, index_at(linear, 0), NX | 0x2ab000 | PS | 0x78 | P);
	assert_int_equal(translate(&long_mode, linear + 0x321), 0x2ab321);
	/* CR3's PCID, PWT and PCD bits are not part of the table address. */
	struct guest_paging pcid = long_mode;
	pcid.cr3 = PML4 | 0x18 | 0x7;
	assert_int_equal(translate(&pcid, linear + 0x321), 0x2ab321);
}

static void test_2m_pages(void **state)
{
	(void)state;
	const uint64_t linear = 0xffff888000000000ULL + 0x40000000ULL; /* direct map */
	put_entry(PML4, index_at(linear, 3), PDPT | P | RW);
	put_entry(PDPT, index_at(linear, 2), PD | P | RW);
	/* PAT (bit 12) and reserved bits 20:13 are not address bits of a
	 * 2 MiB page. */
	put_entry(PD, index_at(linear, 1), 0x600000 | (1ULL << 12) | (0xffULL << 13) | PS | P);
	assert_int_equal(translate(&long_mode, linear), 0x600000);
	assert_int_equal(translate(&long_mode, linear + 0x1fffff), 0x7fffff);
	assert_int_equal(translate(&long_mode, linear + 0x12345), 0x612345);
	/* The next 2 MiB is another (absent) PD entry. */
	assert_true(untranslated(&long_mode, linear + 0x200000));
}

static void test_1g_pages(void **state)
{
	(void)state;
	const uint64_t linear = 0xffff888000000000ULL;
	put_entry(PML4, index_at(linear, 3), PDPT | P | RW);
	/* A 1 GiB page at guest-physical 1 GiB; bits 29:12 (PAT and
	 * reserved) ignored. */
	put_entry(PDPT, index_at(linear, 2), 0x40000000 | (0x3ffffULL << 12) | PS | P);
	assert_int_equal(translate(&long_mode, linear), 0x40000000);
	assert_int_equal(translate(&long_mode, linear + 0x3fffffff), 0x7fffffff);
	assert_int_equal(translate(&long_mode, linear + 0x2345678), 0x42345678);
	/* Mapping past the partition's RAM is allowed: MMIO lives there. */
	put_entry(PDPT, index_at(linear + 0xc0000000ULL, 2), 0xc0000000 | PS | P);
	assert_int_equal(translate(&long_mode, linear + 0xc0000000ULL + 0x3ee00020), 0xfee00020);
}

static void test_not_present_at_each_level(void **state)
{
	(void)state;
	const uint64_t linear = 0xffffffff81000000ULL;
	map_4k(linear, 0x100000);
	assert_int_equal(translate(&long_mode, linear + 8), 0x100008);
	const struct {
		uint64_t table;
		unsigned level;
	} levels[] = {{PT, 0}, {PD, 1}, {PDPT, 2}, {PML4, 3}};
	for (unsigned i = 0; i < 4; i++) {
		map_4k(linear, 0x100000);
		uint64_t entry;
		memcpy(&entry, ram + levels[i].table + index_at(linear, levels[i].level) * 8, 8);
		/* Everything but the present bit. */
		put_entry(levels[i].table, index_at(linear, levels[i].level), entry & ~P);
		if (!untranslated(&long_mode, linear + 8))
			fail_msg("translated with level %u not present", levels[i].level);
	}
}

static void test_tables_outside_ram(void **state)
{
	(void)state;
	const uint64_t linear = 0x200000;
	/* CR3 past RAM. */
	struct guest_paging far = long_mode;
	far.cr3 = RAM_SIZE;
	assert_true(untranslated(&far, linear));
	far.cr3 = 0xfffffffff000ULL;
	assert_true(untranslated(&far, linear));
	/* Each level pointing past RAM. */
	map_4k(linear, 0x300000);
	put_entry(PD, index_at(linear, 1), (RAM_SIZE + 0x1000) | P);
	assert_true(untranslated(&long_mode, linear));
	put_entry(PDPT, index_at(linear, 2), 0x000ffffffffff000ULL | P);
	assert_true(untranslated(&long_mode, linear));
	/* The table's last entry in RAM is still read. */
	put_entry(PML4, 511, PDPT | P);
	put_entry(PDPT, 511, PD | P);
	put_entry(PD, 511, PT | P);
	put_entry(PT, 511, 0x3ff000 | P);
	assert_int_equal(translate(&long_mode, 0xfffffffffffff123ULL), 0x3ff123);
	/* A PML4 at the very end of RAM: entry 511 is its last 8 bytes. */
	struct guest_paging top = long_mode;
	top.cr3 = RAM_SIZE - PAGE_SIZE;
	memcpy(ram + RAM_SIZE - 8, &(uint64_t){PDPT | P}, 8);
	assert_int_equal(translate(&top, 0xfffffffffffff123ULL), 0x3ff123);
}

static void test_self_referencing_tables_terminate(void **state)
{
	(void)state;
	/* A PML4 entry pointing at the PML4 itself (the recursive mapping
	 * some kernels use): the walk still ends after four levels. */
	put_entry(PML4, 0, PML4 | P | RW);
	assert_int_equal(translate(&long_mode, 0x123), PML4 | 0x123);
}

static void test_linear_reads(void **state)
{
	(void)state;
	uint8_t buf[32];
	/* Without paging: straight from RAM, also across pages. */
	assert_int_equal(guest_read_linear(&part, &flat, 0x1ff8, buf, 16), 16);
	assert_memory_equal(buf, ram + 0x1ff8, 16);
	/* Up to the end of RAM and no further. */
	assert_int_equal(guest_read_linear(&part, &flat, RAM_SIZE - 5, buf, 15), 5);
	assert_memory_equal(buf, ram + RAM_SIZE - 5, 5);
	assert_int_equal(guest_read_linear(&part, &flat, RAM_SIZE, buf, 15), 0);
	assert_int_equal(guest_read_linear(&part, &flat, 0x1000, buf, 0), 0);

	/* Paged: the 15 bytes straddle two pages mapped to frames in the
	 * opposite order. */
	const uint64_t rip = 0xffffffff81234ff9ULL;
	map_4k(rip & ~0xfffULL, 0x345000);
	map_4k((rip & ~0xfffULL) + 0x1000, 0x123000);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(guest_read_linear(&part, &long_mode, rip, buf, 15), 15);
	assert_memory_equal(buf, ram + 0x345ff9, 7);
	assert_memory_equal(buf + 7, ram + 0x123000, 8);
	/* The second page unmapped: only the first page's bytes. */
	put_entry(PT, index_at(rip, 0) + 1, 0);
	assert_int_equal(guest_read_linear(&part, &long_mode, rip, buf, 15), 7);
	/* The second page mapped outside RAM: likewise. */
	put_entry(PT, index_at(rip, 0) + 1, 0xfee00000 | P);
	assert_int_equal(guest_read_linear(&part, &long_mode, rip, buf, 15), 7);
	/* The first page unmapped: nothing. */
	put_entry(PT, index_at(rip, 0), 0);
	assert_int_equal(guest_read_linear(&part, &long_mode, rip, buf, 15), 0);
	/* A read within one page of a 2 MiB mapping. */
	put_entry(PD, index_at(0xffffffff80200000ULL, 1), 0x200000 | PS | P);
	assert_int_equal(guest_read_linear(&part, &long_mode, 0xffffffff80201ffcULL, buf, 8), 8);
	assert_memory_equal(buf, ram + 0x201ffc, 8);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_physical_reads),
	    T(test_no_paging_is_identity),
	    T(test_paging_modes_refused),
	    T(test_4k_pages),
	    T(test_entry_flag_bits_ignored_in_addresses),
	    T(test_2m_pages),
	    T(test_1g_pages),
	    T(test_not_present_at_each_level),
	    T(test_tables_outside_ram),
	    T(test_self_referencing_tables_terminate),
	    T(test_linear_reads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

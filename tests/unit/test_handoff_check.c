/*
 * Host tests for hypervisor/core/handoff_check.c: a valid handoff block
 * passes, each rule rejects its own violation with its exact message, and
 * the two lookups (handoff_find_file, handoff_memory_top) answer exactly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "core/handoff_check.h"

static struct handoff h;
static char err[160];

static void add_range(uint64_t base, uint64_t length, uint32_t type)
{
	h.memory[h.memory_range_count++] =
	    (struct handoff_memory_range){.base = base, .length = length, .type = type};
}

static void add_file(const char *name, uint64_t base, uint64_t size)
{
	struct handoff_file *f = &h.files[h.file_count++];
	strncpy(f->name, name, sizeof(f->name));
	f->base = base;
	f->size = size;
}

/* What the UEFI boot stage hands over on a 2-CPU, 512 MiB machine. */
static int valid_block(void **state)
{
	(void)state;
	memset(&h, 0, sizeof(h));
	h.magic = HANDOFF_MAGIC;
	h.version = HANDOFF_VERSION;
	h.size = sizeof(h);
	h.hypervisor_phys_base = 0x1000000;
	h.hypervisor_size = 0x80000;
	h.boot_pml4 = 0x1e000000;
	h.trampoline_page = 0x8000;
	h.cpu_count = 2;
	h.bsp_apic_id = 0;
	h.apic_ids[0] = 0;
	h.apic_ids[1] = 1;
	add_range(0, 0x8000, HANDOFF_MEM_USABLE);
	add_range(0x8000, 0x1000, HANDOFF_MEM_TRAMPOLINE);
	add_range(0x9000, 0x96000, HANDOFF_MEM_USABLE);
	add_range(0x100000, 0xf00000, HANDOFF_MEM_USABLE);
	add_range(0x1000000, 0x200000, HANDOFF_MEM_HYPERVISOR);
	add_range(0x1200000, 0x100000, HANDOFF_MEM_MODULE);
	add_range(0x1300000, 0x1ed00000, HANDOFF_MEM_USABLE);
	add_range(0x20000000, 0x10000, HANDOFF_MEM_ACPI_RECLAIM);
	add_range(0x20010000, 0x10000, HANDOFF_MEM_ACPI_NVS);
	add_range(0xfec00000, 0x1000, HANDOFF_MEM_RESERVED);
	add_file(HANDOFF_FILE_CONFIG, 0x1200000, 300);
	add_file("initrd", 0x1201000, 0);
	strcpy(err, "untouched");
	return 0;
}

static void expect_valid(void)
{
	if (!handoff_check(&h, err, sizeof(err)))
		fail_msg("rejected: %s", err);
}

static void expect_rejected(const char *message)
{
	assert_false(handoff_check(&h, err, sizeof(err)));
	assert_string_equal(err, message);
}

static void test_valid_block_passes(void **state)
{
	(void)state;
	expect_valid();
	assert_string_equal(err, "untouched");
}

static void test_magic(void **state)
{
	(void)state;
	h.magic = 0x1234;
	expect_rejected("bad magic 0x1234");
}

static void test_version(void **state)
{
	(void)state;
	h.version = 3; /* room for 128 files: a different layout */
	expect_rejected("version 3, this hypervisor speaks 4");
}

static void test_size(void **state)
{
	(void)state;
	/* The block's size is part of the boot ABI: 95560 bytes for
	 * version 4 (64 CPUs, 576 files of 128-character names, 512 memory
	 * ranges; version 3's 128 files made 31048). */
	_Static_assert(sizeof(struct handoff) == 95560, "handoff ABI size changed");
	h.size = 31048;
	expect_rejected("size 31048, expected 95560");
}

static void test_cpu_count(void **state)
{
	(void)state;
	h.cpu_count = 0;
	expect_rejected("cpu count 0 out of range");
	h.cpu_count = HANDOFF_MAX_CPUS + 1;
	expect_rejected("cpu count 65 out of range");
	/* All 64 slots used, distinct IDs: fine. */
	h.cpu_count = HANDOFF_MAX_CPUS;
	for (uint32_t i = 0; i < HANDOFF_MAX_CPUS; i++)
		h.apic_ids[i] = i * 2;
	expect_valid();
}

static void test_duplicate_apic_id(void **state)
{
	(void)state;
	h.cpu_count = 4;
	h.apic_ids[2] = 7;
	h.apic_ids[3] = 7;
	expect_rejected("APIC ID 7 listed twice");
	/* A stale ID beyond cpu_count does not matter. */
	h.cpu_count = 3;
	expect_valid();
}

static void test_bsp_not_first(void **state)
{
	(void)state;
	h.bsp_apic_id = 1;
	expect_rejected("first CPU is not the boot CPU");
}

static void test_memory_range_count(void **state)
{
	(void)state;
	h.memory_range_count = 0;
	expect_rejected("memory range count 0 out of range");
	h.memory_range_count = HANDOFF_MAX_MEMORY_RANGES + 1;
	expect_rejected("memory range count 513 out of range");
}

static void test_empty_or_wrapping_range(void **state)
{
	(void)state;
	h.memory[3].length = 0;
	expect_rejected("memory range 3 is empty or wraps");
	valid_block(NULL);
	h.memory[h.memory_range_count - 1].base = 0xfffffffffffff000ULL;
	h.memory[h.memory_range_count - 1].length = 0x1000;
	expect_rejected("memory range 9 is empty or wraps");
}

static void test_overlapping_ranges(void **state)
{
	(void)state;
	h.memory[4].base = 0xfff000; /* range 3 ends at 0x1000000 */
	expect_rejected("memory ranges 3 and 4 overlap or are unsorted");
}

static void test_unsorted_ranges(void **state)
{
	(void)state;
	struct handoff_memory_range t = h.memory[5];
	h.memory[5] = h.memory[6];
	h.memory[6] = t;
	expect_rejected("memory ranges 5 and 6 overlap or are unsorted");
}

static void test_adjacent_ranges_allowed(void **state)
{
	(void)state;
	/* valid_block's ranges 0-2 and 3-6 touch end to start. */
	for (uint32_t i = 1; i < 7; i++)
		if (i != 3)
			assert_int_equal(h.memory[i].base,
			                 h.memory[i - 1].base + h.memory[i - 1].length);
	expect_valid();
}

static void test_unknown_memory_type(void **state)
{
	(void)state;
	h.memory[2].type = 0;
	expect_rejected("memory range 2 has unknown type 0");
	h.memory[2].type = HANDOFF_MEM_TRAMPOLINE + 1;
	expect_rejected("memory range 2 has unknown type 8");
}

static void test_file_count(void **state)
{
	(void)state;
	h.file_count = HANDOFF_MAX_FILES + 1;
	expect_rejected("file count 577 out of range");
}

/* The most files a boot stage hands over: the config, the manifest, the
 * hypervisor, each [vm]'s kernel and initrd, and each container's
 * initramfs with the kernel they share. They pass, and each is found. */
static void test_files_of_the_largest_appliance(void **state)
{
	(void)state;
	unsigned count = 3 + 2 * CONFIG_MAX_VMS + CONFIG_MAX_CONTAINERS + 1;
	char name[HANDOFF_FILE_NAME_LEN];

	assert_in_range(count, 1, HANDOFF_MAX_FILES);
	h.file_count = 0;
	for (unsigned i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "\\solo\\containers\\c%u.cpio", i);
		add_file(name, 0x1200000 + i * 0x100ULL, 0x100);
	}
	expect_valid();
	for (unsigned i = 0; i < count; i += count - 1) {
		snprintf(name, sizeof(name), "\\solo\\containers\\c%u.cpio", i);
		assert_ptr_equal(handoff_find_file(&h, name), &h.files[i]);
	}
	snprintf(name, sizeof(name), "\\solo\\containers\\c%u.cpio", count);
	assert_null(handoff_find_file(&h, name));
}

static void test_bad_file_names(void **state)
{
	(void)state;
	h.files[1].name[0] = 0;
	expect_rejected("file 1 has no valid name");
	valid_block(NULL);
	memset(h.files[0].name, 'a', sizeof(h.files[0].name)); /* no terminator */
	expect_rejected("file 0 has no valid name");
	/* 31 characters and a NUL fit. */
	h.files[0].name[HANDOFF_FILE_NAME_LEN - 1] = 0;
	expect_valid();
}

static void test_file_wraps(void **state)
{
	(void)state;
	h.files[0].base = 0xffffffffffffff00ULL;
	h.files[0].size = 0x100;
	expect_rejected("file 'config' wraps around memory");
	/* An empty file may sit anywhere. */
	h.files[0].size = 0;
	expect_valid();
}

static void test_hypervisor_base(void **state)
{
	(void)state;
	h.hypervisor_phys_base = 0x1100000; /* 1 MiB aligned only */
	expect_rejected("hypervisor base 0x1100000 not 2 MiB aligned");
	h.hypervisor_phys_base = 0;
	expect_rejected("hypervisor base 0x0 not 2 MiB aligned");
}

static void test_trampoline(void **state)
{
	(void)state;
	h.trampoline_page = 0x100000; /* at 1 MiB: too high */
	expect_rejected("trampoline page 0x100000 not a page below 1 MiB");
	h.trampoline_page = 0x8800;
	expect_rejected("trampoline page 0x8800 not a page below 1 MiB");
	h.trampoline_page = 0;
	expect_rejected("trampoline page 0x0 not a page below 1 MiB");
	h.trampoline_page = 0xff000; /* the last page below 1 MiB */
	expect_valid();
}

static void test_message_truncated_to_buffer(void **state)
{
	(void)state;
	h.magic = 0x1234;
	char small[8];
	assert_false(handoff_check(&h, small, sizeof(small)));
	assert_string_equal(small, "bad mag");
}

static void test_find_file(void **state)
{
	(void)state;
	const struct handoff_file *f = handoff_find_file(&h, HANDOFF_FILE_CONFIG);
	assert_ptr_equal(f, &h.files[0]);
	assert_ptr_equal(handoff_find_file(&h, "initrd"), &h.files[1]);
	assert_null(handoff_find_file(&h, "conf"));
	assert_null(handoff_find_file(&h, "config2"));
	assert_null(handoff_find_file(&h, ""));
	/* Only the first file_count entries are looked at. */
	h.file_count = 1;
	assert_null(handoff_find_file(&h, "initrd"));
	/* A file count beyond the array (not yet checked) is bounded. */
	h.file_count = 1000;
	assert_null(handoff_find_file(&h, "nowhere"));
}

static void test_memory_top(void **state)
{
	(void)state;
	assert_int_equal(handoff_memory_top(&h), 0xfec01000);
	/* The top comes from the highest end, not the last range. */
	add_range(0x100000000, 0x40000000, HANDOFF_MEM_USABLE);
	add_range(0xfee00000, 0x1000, HANDOFF_MEM_RESERVED);
	assert_int_equal(handoff_memory_top(&h), 0x140000000);
	h.memory_range_count = 0;
	assert_int_equal(handoff_memory_top(&h), 0);
}

#define T(name) cmocka_unit_test_setup(name, valid_block)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_valid_block_passes),
	    T(test_magic),
	    T(test_version),
	    T(test_size),
	    T(test_cpu_count),
	    T(test_duplicate_apic_id),
	    T(test_bsp_not_first),
	    T(test_memory_range_count),
	    T(test_empty_or_wrapping_range),
	    T(test_overlapping_ranges),
	    T(test_unsorted_ranges),
	    T(test_adjacent_ranges_allowed),
	    T(test_unknown_memory_type),
	    T(test_file_count),
	    T(test_files_of_the_largest_appliance),
	    T(test_bad_file_names),
	    T(test_file_wraps),
	    T(test_hypervisor_base),
	    T(test_trampoline),
	    T(test_message_truncated_to_buffer),
	    T(test_find_file),
	    T(test_memory_top),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

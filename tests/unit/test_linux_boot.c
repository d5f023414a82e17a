/*
 * Host tests for loader/linux_boot.c. Each test builds a synthetic bzImage
 * (setup sectors holding a valid 2.15 setup header, then a patterned
 * protected-mode payload) and checks acceptance, the phrase for each
 * malformation, placement, and the zero page field by field at the
 * offsets boot.rst and zero-page.rst give, written here as literal
 * numbers so a wrong constant in the loader cannot hide.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "linux_boot.h"

#define MiB          (1ULL << 20)
#define RAM_SIZE     (32 * MiB)
#define SETUP_SECTS  4
#define SETUP_SIZE   ((SETUP_SECTS + 1) * 512)
#define PAYLOAD_SIZE 8192
#define IMAGE_SIZE   (SETUP_SIZE + PAYLOAD_SIZE)
#define INIT_SIZE    (4 * MiB)
#define PREF_ADDRESS (16 * MiB)
#define HEADER_END   0x26c
#define PAST_HEADER  0xcc /* what the image holds between the header's end and 0x290 */

static uint8_t image[IMAGE_SIZE + 4096];
static size_t image_size;
static uint8_t *ram;
static char err[160];

static void put(size_t off, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		image[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *p, size_t off, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[off + i] << (8 * i);
	return v;
}

/* A valid bzImage as a 2.15 x86_64 kernel would have it. */
static void make_image(void)
{
	memset(image, 0, sizeof(image));
	image_size = IMAGE_SIZE;
	image[0x1ef] = 0xff; /* the sentinel: must not reach the zero page */
	put(0x1f1, SETUP_SECTS, 1);
	put(0x1f2, 1, 2);                 /* root_flags */
	put(0x1f4, PAYLOAD_SIZE / 16, 4); /* syssize */
	put(0x1fe, 0xaa55, 2);            /* boot_flag */
	put(0x200, 0xeb, 1);              /* jump */
	put(0x201, HEADER_END - 0x202, 1);
	memcpy(image + 0x202, "HdrS", 4);
	put(0x206, 0x020f, 2);       /* version */
	put(0x211, 0x01, 1);         /* loadflags: LOADED_HIGH */
	put(0x214, 0x100000, 4);     /* code32_start */
	put(0x22c, 0x7fffffff, 4);   /* initrd_addr_max */
	put(0x230, 0x200000, 4);     /* kernel_alignment */
	put(0x234, 1, 1);            /* relocatable_kernel */
	put(0x235, 21, 1);           /* min_alignment */
	put(0x236, 0x7f, 2);         /* xloadflags */
	put(0x238, 2047, 4);         /* cmdline_size */
	put(0x258, PREF_ADDRESS, 8); /* pref_address */
	put(0x260, INIT_SIZE, 4);    /* init_size */
	put(0x264, 0x190, 4);        /* handover_offset */
	put(0x268, 0x12345, 4);      /* kernel_info_offset */
	memset(image + HEADER_END, PAST_HEADER, 0x290 - HEADER_END);
	for (size_t i = 0; i < PAYLOAD_SIZE; i++)
		image[SETUP_SIZE + i] = (uint8_t)(i * 7 + 3);
}

static int setup(void **state)
{
	(void)state;
	make_image();
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

static void expect_check_error(const char *message)
{
	struct bzimage_info info;
	strcpy(err, "untouched");
	assert_false(bzimage_check(image, image_size, &info, err, sizeof(err)));
	assert_string_equal(err, message);
}

static bool prepare(uint64_t ram_size, const void *initrd, size_t initrd_size, const char *cmdline,
                    unsigned vcpus, struct linux_boot_layout *l)
{
	strcpy(err, "untouched");
	return linux_boot_prepare(ram, ram_size, image, image_size, initrd, initrd_size, cmdline,
	                          &(struct guest_machine){.vcpus = vcpus}, l, err, sizeof(err));
}

static void test_accepts_valid_image(void **state)
{
	(void)state;
	struct bzimage_info info;
	assert_true(bzimage_check(image, image_size, &info, err, sizeof(err)));
	assert_string_equal(err, "");
	assert_int_equal(info.version, 0x020f);
	assert_int_equal(info.xloadflags, 0x7f);
	assert_int_equal(info.setup_size, SETUP_SIZE);
	assert_int_equal(info.header_end, HEADER_END);
	assert_int_equal(info.protected_mode_offset, SETUP_SIZE);
	assert_int_equal(info.protected_mode_size, PAYLOAD_SIZE);
	assert_int_equal(info.pref_address, PREF_ADDRESS);
	assert_int_equal(info.init_size, INIT_SIZE);
	assert_int_equal(info.kernel_alignment, 0x200000);
	assert_int_equal(info.cmdline_size, 2047);
	assert_int_equal(info.initrd_addr_max, 0x7fffffff);

	/* Trailing bytes after syssize (a signature, say) are fine. */
	image_size += 1000;
	assert_true(bzimage_check(image, image_size, &info, err, sizeof(err)));
	assert_int_equal(info.protected_mode_size, PAYLOAD_SIZE);
}

static void test_setup_sects_zero_means_four(void **state)
{
	(void)state;
	struct bzimage_info info;
	put(0x1f1, 0, 1);
	assert_true(bzimage_check(image, image_size, &info, err, sizeof(err)));
	assert_int_equal(info.setup_size, 5 * 512);
	put(0x1f1, 10, 1);
	put(0x1f4, (IMAGE_SIZE - 11 * 512) / 16, 4);
	assert_true(bzimage_check(image, image_size, &info, err, sizeof(err)));
	assert_int_equal(info.setup_size, 11 * 512);
	assert_int_equal(info.protected_mode_offset, 11 * 512);
}

static void test_rejects_malformed_headers(void **state)
{
	(void)state;
	static const struct {
		size_t off;
		uint64_t value;
		unsigned bytes;
		const char *message;
	} cases[] = {
	    {0x1fe, 0xaa56, 2, "not a bzImage (no 0xAA55 boot flag)"},
	    {0x202, 0x53726449, 4, "not a bzImage (no HdrS magic)"},
	    {0x206, 0x0204, 2, "boot protocol 2.04 too old, need 2.12"},
	    {0x206, 0x020b, 2, "boot protocol 2.11 too old, need 2.12"},
	    {0x206, 0x0100, 2, "boot protocol 1.00 too old, need 2.12"},
	    {0x200, 0xe9, 1, "setup header has no jump at 0x200"},
	    {0x201, 0x65, 1, "setup header end 0x267 outside 0x268..0x281"},
	    {0x201, 0x80, 1, "setup header end 0x282 outside 0x268..0x281"},
	    {0x1f1, 200, 1, "no protected-mode code after the setup sectors"},
	    {0x211, 0x80, 1, "not loaded high (a zImage, not a bzImage)"},
	    {0x234, 0, 1, "kernel not relocatable"},
	    {0x230, 0, 4, "kernel_alignment 0x0 not a power of two"},
	    {0x230, 0x300000, 4, "kernel_alignment 0x300000 not a power of two"},
	    {0x230, 0x800, 4, "kernel_alignment 0x800 outside 4 KiB..1 GiB"},
	    {0x230, 0x80000000, 4, "kernel_alignment 0x80000000 outside 4 KiB..1 GiB"},
	    {0x1f4, 0, 4, "syssize 0 (no protected-mode code)"},
	    {0x1f4, PAYLOAD_SIZE / 16 + 1, 4, "protected-mode code beyond the end of the file"},
	    {0x1f4, 0xffffffff, 4, "protected-mode code beyond the end of the file"},
	    {0x260, PAYLOAD_SIZE - 1, 4, "init_size smaller than the protected-mode code"},
	    {0x260, 0x40000001, 4, "init_size 0x40000001 above 1 GiB"},
	    {0x258, 1ULL << 48, 8, "pref_address 0x1000000000000 out of range"},
	    {0x238, 0, 4, "cmdline_size 0"},
	    {0x22c, 0xfffff, 4, "initrd_addr_max 0xfffff below 1 MiB"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_image();
		put(cases[i].off, cases[i].value, cases[i].bytes);
		expect_check_error(cases[i].message);
	}
	make_image();
	image_size = 1023;
	expect_check_error("too small for a bzImage");
	/* A file cut inside the setup sectors. */
	image_size = SETUP_SIZE;
	expect_check_error("no protected-mode code after the setup sectors");
	image_size = SETUP_SIZE + PAYLOAD_SIZE - 1;
	expect_check_error("protected-mode code beyond the end of the file");
}

static void test_error_truncated_to_buffer(void **state)
{
	(void)state;
	struct bzimage_info info;
	char small[8];
	put(0x202, 0, 4);
	assert_false(bzimage_check(image, image_size, &info, small, sizeof(small)));
	assert_string_equal(small, "not a b");
	assert_false(bzimage_check(image, image_size, &info, small, 0));
}

static void test_placement(void **state)
{
	(void)state;
	static uint8_t initrd[10000];
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i ^ 0x5a);
	struct linux_boot_layout l;
	assert_true(prepare(RAM_SIZE, initrd, sizeof(initrd), "console=ttyS0 quiet", 2, &l));
	assert_string_equal(err, "");

	assert_int_equal(l.entry_gpa, PREF_ADDRESS);
	assert_int_equal(l.entry64_gpa, PREF_ADDRESS + 0x200);
	assert_int_equal(l.kernel_gpa, PREF_ADDRESS);
	assert_int_equal(l.kernel_end, PREF_ADDRESS + INIT_SIZE);
	assert_int_equal(l.boot_params_gpa, 0x7000);
	assert_int_equal(l.cmdline_gpa, 0x20000);
	assert_int_equal(l.mptable_gpa, 0xf0000);
	assert_int_equal(l.acpi_gpa, 0xe0000);
	/* The initrd: page aligned, as high as it goes. */
	assert_int_equal(l.initrd_gpa, (RAM_SIZE - sizeof(initrd)) & ~0xfffULL);
	assert_int_equal(l.initrd_size, sizeof(initrd));

	assert_memory_equal(ram + PREF_ADDRESS, image + SETUP_SIZE, PAYLOAD_SIZE);
	assert_memory_equal(ram + l.initrd_gpa, initrd, sizeof(initrd));
	assert_string_equal((char *)ram + 0x20000, "console=ttyS0 quiet");
	assert_memory_equal(ram + 0xf0000, "_MP_", 4);
	assert_memory_equal(ram + 0xe0000, "RSD PTR ", 8);
	/* Nothing else in the kernel's range was touched. */
	assert_int_equal(ram[PREF_ADDRESS + PAYLOAD_SIZE], 0);
	assert_int_equal(ram[PREF_ADDRESS - 1], 0);
}

static void test_zero_page_fields(void **state)
{
	(void)state;
	static uint8_t initrd[5000];
	struct linux_boot_layout l;
	assert_true(prepare(RAM_SIZE, initrd, sizeof(initrd), "root=/dev/ram0", 1, &l));
	const uint8_t *zp = ram + 0x7000;

	/* The setup header from 0x1f1 to its end, as the image has it,
	 * except for the fields a loader writes. */
	assert_int_equal(zp[0x1ef], 0); /* sentinel not copied */
	assert_int_equal(zp[0x1f0], 0);
	assert_int_equal(get(zp, 0x1f1, 1), SETUP_SECTS);
	assert_int_equal(get(zp, 0x1f4, 4), PAYLOAD_SIZE / 16);
	assert_int_equal(get(zp, 0x1fe, 2), 0xaa55);
	assert_memory_equal(zp + 0x202, "HdrS", 4);
	assert_int_equal(get(zp, 0x206, 2), 0x020f);
	assert_int_equal(get(zp, 0x22c, 4), 0x7fffffff);
	assert_int_equal(get(zp, 0x230, 4), 0x200000);
	assert_int_equal(get(zp, 0x236, 2), 0x7f);
	assert_int_equal(get(zp, 0x258, 8), PREF_ADDRESS);
	assert_int_equal(get(zp, 0x260, 4), INIT_SIZE);
	assert_int_equal(get(zp, 0x268, 4), 0x12345);
	/* Past the header's end: zero, not the image's bytes. */
	for (size_t off = HEADER_END; off < 0x290; off++)
		assert_int_equal(zp[off], 0);

	assert_int_equal(zp[0x210], 0xff);                   /* type_of_loader */
	assert_int_equal(zp[0x211], 0x01);                   /* loadflags */
	assert_int_equal(get(zp, 0x214, 4), PREF_ADDRESS);   /* code32_start */
	assert_int_equal(get(zp, 0x218, 4), l.initrd_gpa);   /* ramdisk_image */
	assert_int_equal(get(zp, 0x21c, 4), sizeof(initrd)); /* ramdisk_size */
	assert_int_equal(get(zp, 0x228, 4), 0x20000);        /* cmd_line_ptr */
	assert_int_equal(get(zp, 0x0c0, 4), 0);              /* ext_ramdisk_image */
	assert_int_equal(get(zp, 0x0c4, 4), 0);              /* ext_ramdisk_size */
	assert_int_equal(get(zp, 0x0c8, 4), 0);              /* ext_cmd_line_ptr */
	assert_int_equal(get(zp, 0x070, 8), 0xe0000);        /* acpi_rsdp_addr */

	/* e820: count at 0x1e8, 20-byte entries from 0x2d0. */
	assert_int_equal(zp[0x1e8], 3);
	static const uint64_t expected[3][3] = {
	    {0, 0x9f000, 1},
	    {0x9f000, 0x61000, 2},
	    {0x100000, RAM_SIZE - 0x100000, 1},
	};
	for (int i = 0; i < 3; i++) {
		const uint8_t *e = zp + 0x2d0 + 20 * i;
		assert_int_equal(get(e, 0, 8), expected[i][0]);
		assert_int_equal(get(e, 8, 8), expected[i][1]);
		assert_int_equal(get(e, 16, 4), expected[i][2]);
	}
	assert_int_equal(get(zp, 0x2d0 + 60, 8), 0);
	/* Nothing past the zero page. */
	assert_int_equal(ram[0x8000], 0);
}

static void test_no_initrd_no_cmdline(void **state)
{
	(void)state;
	struct linux_boot_layout l;
	assert_true(prepare(RAM_SIZE, NULL, 0, NULL, 1, &l));
	assert_int_equal(l.initrd_gpa, 0);
	assert_int_equal(l.initrd_size, 0);
	const uint8_t *zp = ram + 0x7000;
	assert_int_equal(get(zp, 0x218, 4), 0);
	assert_int_equal(get(zp, 0x21c, 4), 0);
	assert_int_equal(get(zp, 0x228, 4), 0x20000);
	assert_int_equal(ram[0x20000], 0);
	/* A size with no data is no initrd. */
	assert_true(prepare(RAM_SIZE, NULL, 4096, "", 1, &l));
	assert_int_equal(l.initrd_size, 0);
}

static void test_e820_alone(void **state)
{
	(void)state;
	struct linux_e820_entry t[4];
	assert_int_equal(linux_boot_e820(64 * MiB, t, 4), 3);
	assert_int_equal(t[0].addr, 0);
	assert_int_equal(t[0].size, 0x9f000);
	assert_int_equal(t[0].type, LINUX_E820_RAM);
	assert_int_equal(t[1].addr, 0x9f000);
	assert_int_equal(t[1].size, 0x100000 - 0x9f000);
	assert_int_equal(t[1].type, LINUX_E820_RESERVED);
	assert_int_equal(t[2].addr, 0x100000);
	assert_int_equal(t[2].size, 63 * MiB);
	assert_int_equal(t[2].type, LINUX_E820_RAM);
	/* 64 GiB: one 64-bit range. */
	assert_int_equal(linux_boot_e820(64ULL << 30, t, 3), 3);
	assert_int_equal(t[2].size, (64ULL << 30) - 0x100000);
	/* Exactly 1 MiB: nothing above the hole. */
	assert_int_equal(linux_boot_e820(MiB, t, 3), 2);
	/* Less than 640 KiB: the low range shrinks, the hole stays. */
	assert_int_equal(linux_boot_e820(0x10000, t, 3), 2);
	assert_int_equal(t[0].size, 0x10000);
	assert_int_equal(t[1].type, LINUX_E820_RESERVED);
	assert_int_equal(linux_boot_e820(MiB, t, 2), 0);
}

static void test_pref_address_fallback(void **state)
{
	(void)state;
	struct linux_boot_layout l;
	/* Below 1 MiB: the 16 MiB default. */
	put(0x258, 0, 8);
	assert_true(prepare(RAM_SIZE, NULL, 0, NULL, 1, &l));
	assert_int_equal(l.kernel_gpa, 16 * MiB);
	/* Misaligned: rounded up to kernel_alignment. */
	put(0x258, 17 * MiB, 8);
	assert_true(prepare(RAM_SIZE, NULL, 0, NULL, 1, &l));
	assert_int_equal(l.kernel_gpa, 18 * MiB);
	assert_int_equal(l.kernel_end, 22 * MiB);
	/* Aligned and above 1 MiB: used as is, even low. */
	put(0x258, 2 * MiB, 8);
	assert_true(prepare(RAM_SIZE, NULL, 0, NULL, 1, &l));
	assert_int_equal(l.kernel_gpa, 2 * MiB);
	/* 32-bit kernels have no 64-bit entry. */
	put(0x236, 0, 2);
	assert_true(prepare(RAM_SIZE, NULL, 0, NULL, 1, &l));
	assert_int_equal(l.entry64_gpa, 0);
	assert_int_equal(l.entry_gpa, 2 * MiB);
}

static void test_ram_too_small(void **state)
{
	(void)state;
	struct linux_boot_layout l;
	assert_false(prepare(19 * MiB, NULL, 0, NULL, 1, &l));
	assert_string_equal(err, "guest RAM of 19 MiB too small: the kernel needs 20 MiB");
	assert_false(prepare(20 * MiB - 1, NULL, 0, NULL, 1, &l));
	assert_string_equal(err, "guest RAM of 20 MiB too small: the kernel needs 20 MiB");
	assert_true(prepare(20 * MiB, NULL, 0, NULL, 1, &l));
	assert_false(prepare(MiB - 1, NULL, 0, NULL, 1, &l));
	assert_string_equal(err, "guest RAM smaller than 1 MiB");
}

static void test_initrd_placement_limits(void **state)
{
	(void)state;
	struct linux_boot_layout l;
	size_t room = RAM_SIZE - PREF_ADDRESS - INIT_SIZE; /* 12 MiB */
	uint8_t *initrd = calloc(1, room + 1);
	assert_non_null(initrd);
	assert_true(prepare(RAM_SIZE, initrd, room, NULL, 1, &l));
	assert_int_equal(l.initrd_gpa, PREF_ADDRESS + INIT_SIZE);
	assert_false(prepare(RAM_SIZE, initrd, room + 1, NULL, 1, &l));
	assert_string_equal(err, "initrd of 13 MiB does not fit between the kernel (ends at "
	                         "0x1400000) and 0x2000000");
	/* Sizes near the top of size_t must not wrap. */
	assert_false(prepare(RAM_SIZE, initrd, SIZE_MAX, NULL, 1, &l));
	/* initrd_addr_max bounds the top (the highest byte it may use). */
	put(0x22c, 24 * MiB - 1, 4);
	assert_true(prepare(RAM_SIZE, initrd, 4096, NULL, 1, &l));
	assert_int_equal(l.initrd_gpa, 24 * MiB - 4096);
	assert_false(prepare(RAM_SIZE, initrd, 4 * MiB + 1, NULL, 1, &l));
	assert_string_equal(err, "initrd of 5 MiB does not fit between the kernel (ends at "
	                         "0x1400000) and 0x1800000");
	free(initrd);
}

static void test_cmdline_limits(void **state)
{
	(void)state;
	struct linux_boot_layout l;
	static char line[5000];
	put(0x238, 10, 4);
	assert_true(prepare(RAM_SIZE, NULL, 0, "0123456789", 1, &l));
	assert_string_equal((char *)ram + 0x20000, "0123456789");
	assert_false(prepare(RAM_SIZE, NULL, 0, "0123456789a", 1, &l));
	assert_string_equal(
	    err, "command line of 11 characters longer than the kernel's cmdline_size 10");
	put(0x238, 100000, 4);
	memset(line, 'x', 4095);
	assert_true(prepare(RAM_SIZE, NULL, 0, line, 1, &l));
	assert_int_equal(strlen((char *)ram + 0x20000), 4095);
	line[4095] = 'x';
	assert_false(prepare(RAM_SIZE, NULL, 0, line, 1, &l));
	assert_string_equal(err, "command line longer than 4095 characters");
}

static void test_vcpus(void **state)
{
	(void)state;
	struct linux_boot_layout l;
	assert_false(prepare(RAM_SIZE, NULL, 0, NULL, 0, &l));
	assert_string_equal(err, "vcpus outside 1..64");
	assert_false(prepare(RAM_SIZE, NULL, 0, NULL, 65, &l));
	assert_string_equal(err, "vcpus outside 1..64");
	assert_true(prepare(RAM_SIZE, NULL, 0, NULL, 64, &l));
	/* 64 processor entries, the bus, the I/O APIC and the interrupts of
	 * COM1, the control line and four network interfaces. */
	assert_int_equal(get(ram, 0xf0010 + 34, 2), 72);
	assert_int_equal(get(ram, 0xf0010 + 4, 2), 44 + 64 * 20 + 8 * 8);
}

static void test_failure_writes_nothing(void **state)
{
	(void)state;
	struct linux_boot_layout l;
	memset(ram, 0x5a, RAM_SIZE);
	static uint8_t initrd[4096];
	const struct {
		uint64_t ram_size;
		size_t initrd_size;
		unsigned vcpus;
	} cases[] = {
	    {19 * MiB, 0, 1},
	    {RAM_SIZE, 13 * MiB, 1},
	    {RAM_SIZE, 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_false(prepare(cases[i].ram_size, cases[i].initrd_size ? initrd : NULL,
		                     cases[i].initrd_size, "x", cases[i].vcpus, &l));
		for (size_t b = 0; b < RAM_SIZE; b += 512)
			if (ram[b] != 0x5a)
				fail_msg("case %zu wrote at 0x%zx", i, b);
	}
	put(0x202, 0, 4);
	assert_false(prepare(RAM_SIZE, NULL, 0, NULL, 1, &l));
	assert_string_equal(err, "not a bzImage (no HdrS magic)");
	assert_int_equal(ram[0x7000], 0x5a);
}

static void test_plan_matches_prepare(void **state)
{
	(void)state;
	struct bzimage_info info;
	struct linux_boot_layout planned, done;
	assert_true(bzimage_check(image, image_size, &info, err, sizeof(err)));
	assert_true(
	    linux_boot_plan(RAM_SIZE, &info, 3 * MiB, "a b c", 4, &planned, err, sizeof(err)));
	static uint8_t initrd[3 * MiB];
	assert_true(prepare(RAM_SIZE, initrd, sizeof(initrd), "a b c", 4, &done));
	assert_memory_equal(&planned, &done, sizeof(planned));
	assert_false(linux_boot_plan(8 * MiB, &info, 0, NULL, 1, &planned, err, sizeof(err)));
	assert_string_equal(err, "guest RAM of 8 MiB too small: the kernel needs 20 MiB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_accepts_valid_image, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setup_sects_zero_means_four, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rejects_malformed_headers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_error_truncated_to_buffer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_placement, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_zero_page_fields, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_initrd_no_cmdline, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_e820_alone, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pref_address_fallback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ram_too_small, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_initrd_placement_limits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cmdline_limits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vcpus, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failure_writes_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_plan_matches_prepare, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

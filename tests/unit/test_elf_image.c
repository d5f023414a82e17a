/*
 * Host tests for loader/elf_image.c: a valid image built here with the
 * host's <elf.h> (an independent statement of the layout) is accepted with
 * the right facts, each malformation is rejected with its own phrase, and
 * loading copies every segment and zeroes bss and the gaps.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "elf_image.h"
#include "public/handoff.h"

#define BASE        HANDOFF_HYPERVISOR_VIRT_BASE
#define FILE_SIZE   0x3000
#define TEXT_OFFSET 0x1000
#define TEXT_SIZE   0x200
#define DATA_OFFSET 0x2000
#define DATA_FILESZ 0x80
#define DATA_MEMSZ  0x3000 /* the rest is bss */
#define DATA_VADDR  (BASE + 0x200000)

struct image {
	union {
		uint8_t bytes[FILE_SIZE];
		Elf64_Ehdr eh;
	};
};

static Elf64_Phdr *phdr(struct image *im, unsigned i)
{
	return (Elf64_Phdr *)(im->bytes + im->eh.e_phoff) + i;
}

/* Two PT_LOAD segments (text RX at the window base, data RW with bss 2 MiB
 * higher) plus a PT_GNU_STACK the checks must ignore. */
static void build(struct image *im)
{
	memset(im, 0, sizeof(*im));
	Elf64_Ehdr *eh = &im->eh;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = BASE + 0x10;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 3;

	*phdr(im, 0) = (Elf64_Phdr){.p_type = PT_LOAD,
	                            .p_flags = PF_R | PF_X,
	                            .p_offset = TEXT_OFFSET,
	                            .p_vaddr = BASE,
	                            .p_paddr = 0x200000,
	                            .p_filesz = TEXT_SIZE,
	                            .p_memsz = TEXT_SIZE,
	                            .p_align = 0x1000};
	*phdr(im, 1) = (Elf64_Phdr){.p_type = PT_LOAD,
	                            .p_flags = PF_R | PF_W,
	                            .p_offset = DATA_OFFSET,
	                            .p_vaddr = DATA_VADDR,
	                            .p_filesz = DATA_FILESZ,
	                            .p_memsz = DATA_MEMSZ,
	                            .p_align = 0x1000};
	*phdr(im, 2) = (Elf64_Phdr){.p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W};

	for (unsigned i = 0; i < TEXT_SIZE; i++)
		im->bytes[TEXT_OFFSET + i] = (uint8_t)(0x90 + i);
	for (unsigned i = 0; i < DATA_FILESZ; i++)
		im->bytes[DATA_OFFSET + i] = (uint8_t)(0x11 + i);
}

static char err[128];
static struct elf_image_info info;

static void expect_rejected(const struct image *im, size_t size, const char *phrase)
{
	strcpy(err, "untouched");
	assert_false(elf_image_check(im->bytes, size, &info, err, sizeof(err)));
	assert_string_equal(err, phrase);
}

static void test_valid_image(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	strcpy(err, "untouched");
	assert_true(elf_image_check(im.bytes, sizeof(im.bytes), &info, err, sizeof(err)));
	assert_string_equal(err, "");
	assert_int_equal(info.lowest_vaddr, BASE);
	assert_int_equal(info.span, 0x200000 + DATA_MEMSZ);
	assert_int_equal(info.entry, BASE + 0x10);
	assert_int_equal(info.segment_count, 2);
}

static void test_lowest_vaddr_above_base(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	phdr(&im, 0)->p_vaddr = BASE + 0x100000;
	im.eh.e_entry = BASE + 0x100000;
	assert_true(elf_image_check(im.bytes, sizeof(im.bytes), &info, err, sizeof(err)));
	assert_int_equal(info.lowest_vaddr, BASE + 0x100000);
	/* The span still counts from the window base: that is what the
	 * allocation must cover. */
	assert_int_equal(info.span, 0x200000 + DATA_MEMSZ);
}

static void test_empty_and_short_files(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	expect_rejected(&im, 0, "empty file");
	expect_rejected(&im, 3, "file too small for an ELF header");
	expect_rejected(&im, 63, "file too small for an ELF header");
}

static void test_bad_magic(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	im.bytes[1] = 'X';
	expect_rejected(&im, sizeof(im.bytes), "not an ELF64 file (bad magic)");
	/* A short file that is not ELF at all names the real problem. */
	memcpy(im.bytes, "MZ", 2);
	expect_rejected(&im, 2, "not an ELF64 file (bad magic)");
}

static void test_header_fields(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	im.eh.e_ident[EI_CLASS] = ELFCLASS32;
	expect_rejected(&im, sizeof(im.bytes), "not an ELF64 file (32-bit class)");

	build(&im);
	im.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	expect_rejected(&im, sizeof(im.bytes), "not a little-endian ELF file");

	build(&im);
	im.eh.e_ident[EI_VERSION] = 2;
	expect_rejected(&im, sizeof(im.bytes), "unsupported ELF version");
	build(&im);
	im.eh.e_version = 0;
	expect_rejected(&im, sizeof(im.bytes), "unsupported ELF version");

	build(&im);
	im.eh.e_type = ET_DYN;
	expect_rejected(&im, sizeof(im.bytes), "not an ELF executable (type is not EXEC)");

	build(&im);
	im.eh.e_machine = EM_386;
	expect_rejected(&im, sizeof(im.bytes), "not an x86-64 ELF file");

	build(&im);
	im.eh.e_phentsize = 32;
	expect_rejected(&im, sizeof(im.bytes), "unexpected program header size");

	build(&im);
	im.eh.e_phnum = 0;
	expect_rejected(&im, sizeof(im.bytes), "no program headers");
}

static void test_program_header_table_outside_file(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	im.eh.e_phoff = FILE_SIZE - sizeof(Elf64_Phdr);
	expect_rejected(&im, sizeof(im.bytes), "program header table outside the file");
	build(&im);
	im.eh.e_phoff = UINT64_MAX - 8; /* offset + size wraps */
	expect_rejected(&im, sizeof(im.bytes), "program header table outside the file");
	build(&im);
	im.eh.e_phnum = 0xffff;
	expect_rejected(&im, sizeof(im.bytes), "program header table outside the file");
}

static void test_segment_sizes(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	phdr(&im, 1)->p_filesz = DATA_MEMSZ + 1;
	expect_rejected(&im, sizeof(im.bytes), "segment file size larger than its memory size");

	build(&im);
	phdr(&im, 1)->p_offset = FILE_SIZE - DATA_FILESZ + 1;
	expect_rejected(&im, sizeof(im.bytes), "segment data beyond the end of the file");

	build(&im);
	phdr(&im, 1)->p_offset = UINT64_MAX - 0x10; /* offset + filesz wraps */
	expect_rejected(&im, sizeof(im.bytes), "segment data beyond the end of the file");

	/* A truncated file: the header survives, the data does not. */
	build(&im);
	expect_rejected(&im, DATA_OFFSET + 1, "segment data beyond the end of the file");
}

static void test_segment_outside_window(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	phdr(&im, 1)->p_vaddr = 0x400000;
	expect_rejected(&im, sizeof(im.bytes), "segment outside the kernel window");

	build(&im);
	phdr(&im, 1)->p_vaddr = BASE + (1ULL << 30);
	expect_rejected(&im, sizeof(im.bytes), "segment outside the kernel window");

	build(&im);
	phdr(&im, 1)->p_vaddr = BASE + (1ULL << 30) - 0x1000; /* runs past the end */
	expect_rejected(&im, sizeof(im.bytes), "segment outside the kernel window");

	build(&im);
	phdr(&im, 1)->p_vaddr = UINT64_MAX - 0x100; /* vaddr + memsz wraps */
	expect_rejected(&im, sizeof(im.bytes), "segment outside the kernel window");
}

static void test_overlap(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	phdr(&im, 1)->p_vaddr = BASE + TEXT_SIZE - 1;
	expect_rejected(&im, sizeof(im.bytes), "loadable segments overlap");

	/* Touching is not overlapping. */
	build(&im);
	phdr(&im, 1)->p_vaddr = BASE + TEXT_SIZE;
	assert_true(elf_image_check(im.bytes, sizeof(im.bytes), &info, err, sizeof(err)));
}

static void test_span_limit(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	phdr(&im, 1)->p_vaddr = BASE + ELF_IMAGE_MAX_SPAN - DATA_MEMSZ;
	assert_true(elf_image_check(im.bytes, sizeof(im.bytes), &info, err, sizeof(err)));
	assert_int_equal(info.span, ELF_IMAGE_MAX_SPAN);
	phdr(&im, 1)->p_vaddr += 0x1000;
	expect_rejected(&im, sizeof(im.bytes), "image larger than 64 MiB");
}

static void test_entry_point(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	im.eh.e_entry = DATA_VADDR; /* data is not executable */
	expect_rejected(&im, sizeof(im.bytes), "entry point outside the executable segments");
	im.eh.e_entry = BASE + TEXT_SIZE; /* one past the end of text */
	expect_rejected(&im, sizeof(im.bytes), "entry point outside the executable segments");
	im.eh.e_entry = 0;
	expect_rejected(&im, sizeof(im.bytes), "entry point outside the executable segments");
}

static void test_no_loadable_segments(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	phdr(&im, 0)->p_type = PT_NOTE;
	phdr(&im, 1)->p_type = PT_NOTE;
	expect_rejected(&im, sizeof(im.bytes), "no loadable segments");
}

static void test_too_many_segments(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	im.eh.e_phnum = ELF_IMAGE_MAX_SEGMENTS + 1;
	for (unsigned i = 0; i < im.eh.e_phnum; i++)
		*phdr(&im, i) = (Elf64_Phdr){.p_type = PT_LOAD,
		                             .p_flags = PF_R | PF_X,
		                             .p_vaddr = BASE + i * 0x1000ULL,
		                             .p_memsz = 0x1000};
	expect_rejected(&im, sizeof(im.bytes), "too many loadable segments");
}

static void test_error_truncated_to_buffer(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	im.bytes[0] = 0;
	char small[8];
	assert_false(elf_image_check(im.bytes, sizeof(im.bytes), &info, small, sizeof(small)));
	assert_string_equal(small, "not an ");
}

static void test_load_copies_and_zeroes(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	assert_true(elf_image_check(im.bytes, sizeof(im.bytes), &info, err, sizeof(err)));

	size_t size = info.span + 0x1000;
	uint8_t *dest = test_malloc(size);
	memset(dest, 0xcc, size);
	assert_true(elf_image_load(im.bytes, sizeof(im.bytes), &info, dest, size, NULL));

	assert_memory_equal(dest, im.bytes + TEXT_OFFSET, TEXT_SIZE);
	for (size_t i = TEXT_SIZE; i < 0x200000; i++)
		if (dest[i] != 0)
			fail_msg("gap byte %zx not zeroed", i);
	assert_memory_equal(dest + 0x200000, im.bytes + DATA_OFFSET, DATA_FILESZ);
	for (size_t i = 0x200000 + DATA_FILESZ; i < info.span; i++)
		if (dest[i] != 0)
			fail_msg("bss byte %zx not zeroed", i);
	/* Nothing past the span is touched. */
	assert_int_equal(dest[info.span], 0xcc);
	test_free(dest);
}

static void test_load_refuses_small_destination(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	assert_true(elf_image_check(im.bytes, sizeof(im.bytes), &info, err, sizeof(err)));
	uint8_t *dest = test_malloc(info.span);
	memset(dest, 0xcc, info.span);
	assert_false(elf_image_load(im.bytes, sizeof(im.bytes), &info, dest, info.span - 1, NULL));
	assert_int_equal(dest[0], 0xcc);
	/* Nor does it load a file that no longer passes the checks. */
	im.bytes[0] = 0;
	assert_false(elf_image_load(im.bytes, sizeof(im.bytes), &info, dest, info.span, NULL));
	assert_int_equal(dest[0], 0xcc);
	test_free(dest);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_image),
	    cmocka_unit_test(test_lowest_vaddr_above_base),
	    cmocka_unit_test(test_empty_and_short_files),
	    cmocka_unit_test(test_bad_magic),
	    cmocka_unit_test(test_header_fields),
	    cmocka_unit_test(test_program_header_table_outside_file),
	    cmocka_unit_test(test_segment_sizes),
	    cmocka_unit_test(test_segment_outside_window),
	    cmocka_unit_test(test_overlap),
	    cmocka_unit_test(test_span_limit),
	    cmocka_unit_test(test_entry_point),
	    cmocka_unit_test(test_no_loadable_segments),
	    cmocka_unit_test(test_too_many_segments),
	    cmocka_unit_test(test_error_truncated_to_buffer),
	    cmocka_unit_test(test_load_copies_and_zeroes),
	    cmocka_unit_test(test_load_refuses_small_destination),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

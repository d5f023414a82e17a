/*
 * The hypervisor image: validation and loading of the ELF64 x86-64
 * executable the boot stage reads from the ESP. Pure C with no firmware or
 * hardware access, so the same checks run in the boot stage, in the
 * hypervisor and in host unit tests. Every loadable segment must lie in the
 * kernel window that starts at HANDOFF_HYPERVISOR_VIRT_BASE; the image is
 * loaded as one block whose first byte is that window's base.
 */
#ifndef SOLO_LOADER_ELF_IMAGE_H
#define SOLO_LOADER_ELF_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest image the boot stage loads, counted from the window base. */
#define ELF_IMAGE_MAX_SPAN (64ULL << 20)
/* The kernel window every segment must fall in. */
#define ELF_IMAGE_WINDOW_SIZE (1ULL << 30)
/* More loadable segments than this is not a linker-script image. */
#define ELF_IMAGE_MAX_SEGMENTS 16

struct elf_image_info {
	uint64_t lowest_vaddr; /* lowest PT_LOAD virtual address */
	/* Bytes from HANDOFF_HYPERVISOR_VIRT_BASE to the end of the highest
	 * segment (memory size, so bss included): the size of the block
	 * the image is loaded into. */
	uint64_t span;
	uint64_t entry;         /* virtual address of the entry point */
	unsigned segment_count; /* PT_LOAD segments with a non-zero memory size */
};

/* Validates an ELF64 x86-64 executable of size bytes at file. On success
 * fills *info and returns true; on failure writes one short phrase (e.g.
 * "not an ELF64 file (bad magic)") to err, NUL-terminated and truncated to
 * errlen, and returns false. Never reads outside [file, file + size). */
bool elf_image_check(const void *file, size_t size, struct elf_image_info *info, char *err,
                     size_t errlen);

/* Copies the segments of a file that elf_image_check() accepted into dest,
 * whose first byte stands for HANDOFF_HYPERVISOR_VIRT_BASE, and zeroes the
 * rest of the span (bss and gaps between segments) with `zero`, the
 * fastest clear the caller has (the firmware's), or memset when NULL.
 * Returns false, without writing, when dest_size is smaller than
 * info->span. */
bool elf_image_load(const void *file, size_t size, const struct elf_image_info *info, void *dest,
                    size_t dest_size, void (*zero)(void *dest, size_t len));

#endif

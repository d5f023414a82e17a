/*
 * The page tables the hypervisor starts on: an identity map of physical
 * memory from 0 to a given top, plus the kernel window that maps
 * HANDOFF_HYPERVISOR_VIRT_BASE to the hypervisor's physical block, all in
 * 2 MiB pages (4-level paging). Pure C over the hypervisor's own
 * page-table builder: the caller hands in a zeroed, identity-mapped
 * buffer, so host tests can build and walk the same tables.
 */
#ifndef SOLO_BOOT_PAGE_TABLES_H
#define SOLO_BOOT_PAGE_TABLES_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_TABLES_PRESENT      (1ULL << 0)
#define PAGE_TABLES_WRITE        (1ULL << 1)
#define PAGE_TABLES_LARGE        (1ULL << 7) /* PS: a 2 MiB page in a PD entry */
#define PAGE_TABLES_ADDRESS_MASK 0x000ffffffffff000ULL

#define PAGE_TABLES_LARGE_PAGE (2ULL << 20)
/* The identity map may not reach the upper half (PML4 entry 256 and up),
 * where the kernel window lives. */
#define PAGE_TABLES_MAX_TOP (1ULL << 46)

/* Bytes of tables needed for an identity map up to top (rounded up to
 * 1 GiB) and an image_size-byte window (at most 1 GiB). */
size_t page_tables_size(uint64_t top, uint64_t image_size);

/* Builds the tables in buf (page aligned, identity mapped, size bytes
 * from page_tables_size(), zeroed) and returns the PML4's address, the
 * value for CR3, or 0 if the buffer was too small. image_phys is 2 MiB
 * aligned and image_size a multiple of 2 MiB. */
uint64_t page_tables_build(void *buf, size_t size, uint64_t top, uint64_t image_phys,
                           uint64_t image_size);

#endif

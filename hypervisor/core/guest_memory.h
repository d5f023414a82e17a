/*
 * Reading and writing a guest's memory from the hypervisor: guest-physical addresses
 * inside its RAM, and linear addresses through the guest's own page
 * tables (no paging, or 4-level IA-32e paging with 1 GiB/2 MiB/4 KiB
 * pages). Used to fetch the instruction behind an MMIO exit; never
 * trusts the guest: every table entry read is bounds-checked.
 */
#ifndef SOLO_CORE_GUEST_MEMORY_H
#define SOLO_CORE_GUEST_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/phys.h"

struct partition;

struct guest_paging {
	uint64_t cr0, cr3, cr4, efer;
};

/* Copies len bytes at guest-physical gpa; false if any is outside RAM. */
bool guest_read_physical(const struct partition *p, gpa_t gpa, void *out, size_t len);

/* The hypervisor's pointer for writing guest-physical gpa: in a clone,
 * a page still shared with its template is first copied into the
 * clone's own memory (and counted). NULL outside RAM or when no page is
 * left for the copy. */
uint8_t *guest_page_for_write(struct partition *p, gpa_t gpa);

/* Copies len bytes to guest-physical gpa, page by page as above; false
 * if any is outside RAM or a copy found no memory. */
bool guest_write_physical(struct partition *p, gpa_t gpa, const void *data, size_t len);

/* Translates a linear address; false if unmapped or in an unsupported
 * paging mode (32-bit or PAE paging without long mode). */
bool guest_translate(const struct partition *p, const struct guest_paging *paging, uint64_t linear,
                     gpa_t *gpa);

/* Copies up to len bytes at a linear address, page by page; returns the
 * number copied before the first unreadable page. */
size_t guest_read_linear(const struct partition *p, const struct guest_paging *paging,
                         uint64_t linear, void *out, size_t len);

/* Copies up to len bytes to a linear address, page by page; returns the
 * number written before the first page the guest's own tables do not
 * map writable and user-accessible at every level (or that paging is
 * off): a user program can only have solo write where it could write
 * itself. */
size_t guest_write_linear(struct partition *p, const struct guest_paging *paging, uint64_t linear,
                          const void *data, size_t len);

#endif

/*
 * Copy-on-write EPT, for partitions cloned from a template: the
 * template's RAM is mapped read and execute only, into every clone, and
 * a page the clone writes becomes its own copy, mapped writable. So in a
 * clone's EPT a writable 4 KiB leaf is a private page and every other
 * leaf is shared. Pure table work over the page-table builder: the host
 * tests drive it on heap pages.
 */
#ifndef SOLO_VMX_EPT_SHARE_H
#define SOLO_VMX_EPT_SHARE_H

#include "vmx/ept.h"

/* What a shared leaf allows: the guest reads and runs the template's
 * pages; a write exits (an EPT violation) to be copied. */
#define EPT_SHARED_BITS (EPT_READ | EPT_EXECUTE | EPT_MEMTYPE_WB)

/* Maps [gpa, gpa + size) to the template's memory at hpa, shared. */
bool ept_map_shared(struct ept *ept, gpa_t gpa, hpa_t hpa, uint64_t size);

/* Makes every leaf read and execute only: the partition's own RAM turns
 * into a template's. The caller flushes the CPU's EPT translations. */
void ept_share_all(struct ept *ept);

enum ept_cow {
	EPT_COW_COPIED,  /* the page was shared: it is now a private copy */
	EPT_COW_PRIVATE, /* it was private already */
	EPT_COW_UNMAPPED,
	EPT_COW_NO_MEMORY,
};

/* Gives the page holding gpa its own copy, from alloc_page, unless it
 * has one; *page is then the private page's address. After
 * EPT_COW_COPIED the caller flushes the CPU's EPT translations. */
enum ept_cow ept_make_private(struct ept *ept, gpa_t gpa, hpa_t (*alloc_page)(void), hpa_t *page);

/* Whether gpa lies in a private page, with where in *hpa: a lookup that
 * changes nothing, for any CPU. */
bool ept_private_page(const struct ept *ept, gpa_t gpa, hpa_t *hpa);

/* Hands every private page to free_page; returns how many there were. */
uint64_t ept_free_private(struct ept *ept, void (*free_page)(hpa_t));

#endif

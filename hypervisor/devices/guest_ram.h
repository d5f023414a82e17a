/*
 * A guest's RAM as a device model sees it. Most partitions own one
 * block: guest-physical [0, size) lies at `base`, and a device reads
 * and writes it in place. A clone's RAM is its template's pages, shared
 * read-only, with the pages it wrote as its own copies: there `page`
 * finds the host page behind each guest page, and a write needs the
 * page to be the clone's own (page() may make it so, or refuse, and the
 * device then waits or stops). Devices go through the functions below
 * and never assume one block; bounds are the caller's to check with
 * guest_ram_contains.
 */
#ifndef SOLO_DEVICES_GUEST_RAM_H
#define SOLO_DEVICES_GUEST_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_RAM_PAGE 4096u

struct guest_ram {
	uint8_t *base; /* one block; 0 when paged */
	uint64_t size;
	/* Paged: the host address of the 4 KiB page holding gpa (inside
	 * the RAM), or 0 when it cannot be had (for a write: the page is
	 * shared and cannot be copied here and now). */
	uint8_t *(*page)(void *ctx, uint64_t gpa, bool for_write);
	void *ctx;
};

/* True when [gpa, gpa + len) lies inside the RAM (len may be 0). */
static inline bool guest_ram_contains(const struct guest_ram *ram, uint64_t gpa, uint64_t len)
{
	return gpa <= ram->size && len <= ram->size - gpa;
}

/* Where [gpa, gpa + len) starts in the host, and in *run how many of its
 * bytes follow there contiguously (all of len in one block, to the page's
 * end when paged). 0 when the page cannot be had. */
uint8_t *guest_ram_at(const struct guest_ram *ram, uint64_t gpa, uint64_t len, bool for_write,
                      uint64_t *run);

/* Copies out of or into [gpa, gpa + len); false, with the bytes before
 * the page that could not be had copied, when a page cannot be had. */
bool guest_ram_read(const struct guest_ram *ram, uint64_t gpa, void *out, uint64_t len);
bool guest_ram_write(const struct guest_ram *ram, uint64_t gpa, const void *in, uint64_t len);

/* Whether every page of [gpa, gpa + len) can be written now (copying
 * shared pages where page() may). */
bool guest_ram_writable(const struct guest_ram *ram, uint64_t gpa, uint64_t len);

#endif

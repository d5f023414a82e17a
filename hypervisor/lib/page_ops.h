/*
 * Copying and clearing a whole 4 KiB page: one `rep movsq` or `rep
 * stosq`, which current CPUs run as their fastest forms and which Bochs
 * counts as 512 steps, against some 1,150 instructions for newlib's
 * unrolled memcpy. Clones copy a page on every first write to it and
 * take zeroed pages for their tables, so these are on the path of every
 * clone's start.
 */
#ifndef SOLO_LIB_PAGE_OPS_H
#define SOLO_LIB_PAGE_OPS_H

#include <stdint.h>

static inline void page_copy(void *to, const void *from)
{
	uint64_t words = 4096 / 8;
	__asm__ volatile("rep movsq" : "+D"(to), "+S"(from), "+c"(words) : : "memory");
}

static inline void page_zero(void *page)
{
	uint64_t words = 4096 / 8;
	__asm__ volatile("rep stosq" : "+D"(page), "+c"(words) : "a"(0ULL) : "memory");
}

#endif

/*
 * Physical addresses and how the hypervisor reaches them. All RAM is
 * identity mapped, so a host-physical address is also a pointer; host
 * tests rely on the same rule with page-aligned heap memory.
 */
#ifndef SOLO_MM_PHYS_H
#define SOLO_MM_PHYS_H

#include <stdint.h>

typedef uint64_t hpa_t; /* host-physical address */
typedef uint64_t gpa_t; /* guest-physical address */

#define PAGE_SIZE    4096ULL
#define PAGE_SIZE_2M (2ULL << 20)
#define PAGE_SIZE_1G (1ULL << 30)
#define MIB          (1ULL << 20)

static inline void *hpa_to_ptr(hpa_t pa)
{
	return (void *)(uintptr_t)pa;
}

static inline hpa_t ptr_to_hpa(const void *p)
{
	return (hpa_t)(uintptr_t)p;
}

#endif

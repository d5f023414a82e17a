/* Guest memory access and the guest page-table walk (SDM Vol. 3 4.5). */
#include <string.h>

#include "core/guest_memory.h"
#include "core/partition.h"

#define CR0_PG (1ULL << 31)
#define EFER_LMA (1ULL << 10)
#define PTE_PRESENT 1ULL
#define PTE_LARGE (1ULL << 7)
#define PTE_ADDR 0x000ffffffffff000ULL

bool guest_read_physical(const struct partition *p, gpa_t gpa, void *out, size_t len)
{
	if (gpa >= p->ram_size || len > p->ram_size - gpa)
		return false;
	memcpy(out, (const uint8_t *)hpa_to_ptr(p->ram_hpa) + gpa, len);
	return true;
}

bool guest_translate(const struct partition *p, const struct guest_paging *paging,
		     uint64_t linear, gpa_t *gpa)
{
	if (!(paging->cr0 & CR0_PG)) {
		*gpa = linear & 0xffffffffULL;
		return true;
	}
	if (!(paging->efer & EFER_LMA))
		return false;
	gpa_t table = paging->cr3 & PTE_ADDR;
	for (int level = 3; level >= 0; level--) {
		unsigned index = (unsigned)(linear >> (12 + 9 * level)) & 511;
		uint64_t entry;
		if (!guest_read_physical(p, table + index * 8, &entry, sizeof(entry)))
			return false;
		if (!(entry & PTE_PRESENT))
			return false;
		if (level == 0 || ((level == 1 || level == 2) && (entry & PTE_LARGE))) {
			uint64_t span = 1ULL << (12 + 9 * level);
			*gpa = (entry & PTE_ADDR & ~(span - 1)) | (linear & (span - 1));
			return true;
		}
		table = entry & PTE_ADDR;
	}
	return false;
}

size_t guest_read_linear(const struct partition *p, const struct guest_paging *paging,
			 uint64_t linear, void *out, size_t len)
{
	size_t done = 0;
	while (done < len) {
		uint64_t at = linear + done;
		size_t in_page = PAGE_SIZE - (at & (PAGE_SIZE - 1));
		size_t chunk = len - done < in_page ? len - done : in_page;
		gpa_t gpa;
		if (!guest_translate(p, paging, at, &gpa) ||
		    !guest_read_physical(p, gpa, (uint8_t *)out + done, chunk))
			break;
		done += chunk;
	}
	return done;
}

/* Guest memory access and the guest page-table walk (SDM Vol. 3 4.5). */
#include <string.h>

#include "arch/vmx_ops.h"
#include "core/guest_memory.h"
#include "core/partition.h"
#include "mm/page_pool.h"
#include "vmx/ept_share.h"

#define CR0_PG      (1ULL << 31)
#define EFER_LMA    (1ULL << 10)
#define PTE_PRESENT 1ULL
#define PTE_LARGE   (1ULL << 7)
#define PTE_ADDR    0x000ffffffffff000ULL

/* Where guest-physical gpa (inside RAM) is for the hypervisor: in the
 * partition's own block, or, for a clone, wherever its EPT maps it. */
static const uint8_t *host_address(const struct partition *p, gpa_t gpa)
{
	if (p->ram_hpa)
		return (const uint8_t *)hpa_to_ptr(p->ram_hpa) + gpa;
	hpa_t hpa;
	if (!ept_translate(&p->ept, gpa, &hpa))
		return 0;
	return hpa_to_ptr(hpa);
}

/* Copies between buf and guest-physical [gpa, gpa + len), page by page,
 * into the guest when `write`. */
static bool copy_physical(struct partition *p, gpa_t gpa, void *buf, size_t len, bool write)
{
	if (gpa >= p->ram_size || len > p->ram_size - gpa)
		return false;
	size_t done = 0;
	while (done < len) {
		size_t in_page = PAGE_SIZE - ((gpa + done) & (PAGE_SIZE - 1));
		size_t chunk = len - done < in_page ? len - done : in_page;
		uint8_t *at = write ? guest_page_for_write(p, gpa + done)
		                    : (uint8_t *)host_address(p, gpa + done);
		if (!at)
			return false;
		if (write)
			memcpy(at, (const uint8_t *)buf + done, chunk);
		else
			memcpy((uint8_t *)buf + done, at, chunk);
		done += chunk;
	}
	return true;
}

bool guest_read_physical(const struct partition *p, gpa_t gpa, void *out, size_t len)
{
	/* A read never changes the partition. */
	return copy_physical((struct partition *)p, gpa, out, len, false);
}

uint8_t *guest_page_for_write(struct partition *p, gpa_t gpa)
{
	if (gpa >= p->ram_size)
		return 0;
	if (p->ram_hpa)
		return (uint8_t *)hpa_to_ptr(p->ram_hpa) + gpa;
	hpa_t page;
	switch (ept_make_private(&p->ept, gpa & ~(PAGE_SIZE - 1), page_pool_alloc, &page)) {
	case EPT_COW_COPIED:
		p->private_pages++;
		/* The CPU may still hold the read-only translation (a clone
		 * being built has never run). */
		if (!p->building)
			vmx_invept(2, 0);
		break;
	case EPT_COW_PRIVATE:
		break;
	default:
		return 0;
	}
	return (uint8_t *)hpa_to_ptr(page) + (gpa & (PAGE_SIZE - 1));
}

bool guest_write_physical(struct partition *p, gpa_t gpa, const void *data, size_t len)
{
	return copy_physical(p, gpa, (void *)data, len, true);
}

#define PTE_WRITE 2ULL
#define PTE_USER  4ULL

/* The walk; *rights gets the write and user bits every level allows. */
static bool walk(const struct partition *p, const struct guest_paging *paging, uint64_t linear,
                 gpa_t *gpa, uint64_t *rights)
{
	*rights = PTE_WRITE | PTE_USER;
	if (!(paging->cr0 & CR0_PG)) {
		*gpa = linear & 0xffffffffULL;
		return true;
	}
	if (!(paging->efer & EFER_LMA))
		return false;
	/* A non-canonical address (bits 63:47 not all equal) is no address
	 * at all; the walk below would alias it to a canonical one. */
	uint64_t top = linear >> 47;
	if (top != 0 && top != 0x1ffff)
		return false;
	gpa_t table = paging->cr3 & PTE_ADDR;
	for (int level = 3; level >= 0; level--) {
		unsigned index = (unsigned)(linear >> (12 + 9 * level)) & 511;
		uint64_t entry;
		if (!guest_read_physical(p, table + index * 8, &entry, sizeof(entry)))
			return false;
		if (!(entry & PTE_PRESENT))
			return false;
		*rights &= entry;
		if (level == 0 || ((level == 1 || level == 2) && (entry & PTE_LARGE))) {
			uint64_t span = 1ULL << (12 + 9 * level);
			*gpa = (entry & PTE_ADDR & ~(span - 1)) | (linear & (span - 1));
			return true;
		}
		table = entry & PTE_ADDR;
	}
	return false;
}

bool guest_translate(const struct partition *p, const struct guest_paging *paging, uint64_t linear,
                     gpa_t *gpa)
{
	uint64_t rights;
	return walk(p, paging, linear, gpa, &rights);
}

/* Copies between buf and linear [linear, linear + len), page by page,
 * stopping at the first page the guest's tables do not map (for a write,
 * also at one they do not map user-writable); returns the bytes done. */
static size_t copy_linear(struct partition *p, const struct guest_paging *paging, uint64_t linear,
                          void *buf, size_t len, bool write)
{
	size_t done = 0;
	while (done < len) {
		uint64_t at = linear + done;
		size_t in_page = PAGE_SIZE - (at & (PAGE_SIZE - 1));
		size_t chunk = len - done < in_page ? len - done : in_page;
		gpa_t gpa;
		uint64_t rights;
		if (!walk(p, paging, at, &gpa, &rights) ||
		    (write && (rights & (PTE_WRITE | PTE_USER)) != (PTE_WRITE | PTE_USER)) ||
		    !copy_physical(p, gpa, (uint8_t *)buf + done, chunk, write))
			break;
		done += chunk;
	}
	return done;
}

size_t guest_read_linear(const struct partition *p, const struct guest_paging *paging,
                         uint64_t linear, void *out, size_t len)
{
	/* A read never changes the partition. */
	return copy_linear((struct partition *)p, paging, linear, out, len, false);
}

size_t guest_write_linear(struct partition *p, const struct guest_paging *paging, uint64_t linear,
                          const void *data, size_t len)
{
	return copy_linear(p, paging, linear, (void *)data, len, true);
}

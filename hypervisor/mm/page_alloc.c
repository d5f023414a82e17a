/*
 * Range-list page allocator. The list is small (one entry per hole in
 * physical memory plus fragmentation) and allocation is rare (partition
 * set-up and teardown), so a sorted array with linear scans is both fast
 * enough and easy to check.
 */
#include <string.h>

#include "lib/page_ops.h"
#include "lib/spinlock.h"
#include "mm/page_alloc.h"
#include "public/handoff.h"

struct free_range {
	hpa_t base;
	hpa_t end; /* exclusive */
};

/* Guards everything below. */
static struct spinlock alloc_lock = SPINLOCK_INIT;
static struct free_range ranges[PAGE_ALLOC_MAX_RANGES];
static unsigned range_count;
static uint64_t free_pages;
static uint64_t total_pages;

static bool insert_at(unsigned index, hpa_t base, hpa_t end)
{
	if (range_count == PAGE_ALLOC_MAX_RANGES)
		return false;
	memmove(&ranges[index + 1], &ranges[index], (range_count - index) * sizeof(ranges[0]));
	ranges[index] = (struct free_range){base, end};
	range_count++;
	return true;
}

static void remove_at(unsigned index)
{
	memmove(&ranges[index], &ranges[index + 1], (range_count - index - 1) * sizeof(ranges[0]));
	range_count--;
}

/* Inserts [base, end) keeping the list sorted and merged. Fails when it
 * overlaps a free range (a double free) or the table is full. Caller
 * holds alloc_lock. */
static bool insert_free(hpa_t base, hpa_t end)
{
	unsigned i = 0;
	while (i < range_count && ranges[i].base < base)
		i++;
	if (i > 0 && ranges[i - 1].end > base)
		return false;
	if (i < range_count && ranges[i].base < end)
		return false;
	bool join_prev = i > 0 && ranges[i - 1].end == base;
	bool join_next = i < range_count && ranges[i].base == end;
	if (join_prev && join_next) {
		ranges[i - 1].end = ranges[i].end;
		remove_at(i);
	} else if (join_prev) {
		ranges[i - 1].end = end;
	} else if (join_next) {
		ranges[i].base = base;
	} else if (!insert_at(i, base, end)) {
		return false;
	}
	free_pages += (end - base) / PAGE_SIZE;
	return true;
}

bool page_alloc_add_range(hpa_t base, uint64_t length)
{
	if (length > UINT64_MAX - base)
		length = UINT64_MAX - base;
	hpa_t start = (base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	hpa_t end = (base + length) & ~(PAGE_SIZE - 1);
	if (start < base || end <= start)
		return true; /* less than a page: nothing to add */
	spin_lock(&alloc_lock);
	bool ok = insert_free(start, end);
	if (ok)
		total_pages += (end - start) / PAGE_SIZE;
	spin_unlock(&alloc_lock);
	return ok;
}

uint64_t page_alloc_init(const struct handoff *handoff)
{
	spin_lock(&alloc_lock);
	range_count = 0;
	free_pages = 0;
	total_pages = 0;
	spin_unlock(&alloc_lock);
	for (uint32_t i = 0; i < handoff->memory_range_count; i++) {
		const struct handoff_memory_range *r = &handoff->memory[i];
		if (r->type != HANDOFF_MEM_USABLE)
			continue;
		hpa_t base = r->base, end = r->base + r->length;
		if (end <= MIB)
			continue;
		if (base < MIB)
			base = MIB;
		page_alloc_add_range(base, end - base);
	}
	return free_pages;
}

hpa_t page_alloc(uint64_t pages, uint64_t align)
{
	if (pages == 0 || align < PAGE_SIZE || (align & (align - 1)))
		return 0;
	if (pages > UINT64_MAX / PAGE_SIZE)
		return 0;
	uint64_t size = pages * PAGE_SIZE;
	hpa_t found = 0;
	spin_lock(&alloc_lock);
	for (unsigned i = 0; i < range_count; i++) {
		struct free_range *r = &ranges[i];
		hpa_t start = (r->base + align - 1) & ~(align - 1);
		if (start < r->base || start >= r->end || r->end - start < size)
			continue;
		hpa_t end = start + size;
		if (start == r->base && end == r->end) {
			remove_at(i);
		} else if (start == r->base) {
			r->base = end;
		} else if (end == r->end) {
			r->end = start;
		} else {
			/* Split: needs a free slot; otherwise try further on. */
			if (!insert_at(i + 1, end, r->end))
				continue;
			ranges[i].end = start;
		}
		free_pages -= pages;
		found = start;
		break;
	}
	spin_unlock(&alloc_lock);
	return found;
}

hpa_t page_alloc_zeroed(void)
{
	hpa_t pa = page_alloc(1, PAGE_SIZE);
	if (pa)
		page_zero(hpa_to_ptr(pa));
	return pa;
}

bool page_free(hpa_t base, uint64_t pages)
{
	if (pages == 0 || (base & (PAGE_SIZE - 1)) || pages > (UINT64_MAX - base) / PAGE_SIZE)
		return false;
	spin_lock(&alloc_lock);
	bool ok = insert_free(base, base + pages * PAGE_SIZE);
	spin_unlock(&alloc_lock);
	return ok;
}

uint64_t page_alloc_free_pages(void)
{
	return free_pages;
}

uint64_t page_alloc_total_pages(void)
{
	return total_pages;
}

/* The clones' page pool (see page_pool.h). */

#include "lib/page_ops.h"
#include "lib/spinlock.h"
#include "mm/page_alloc.h"
#include "mm/page_pool.h"

static struct spinlock pool_lock = SPINLOCK_INIT;
static hpa_t first_free; /* each free page holds the address of the next */
static struct page_pool_stats stats;
/* The runs taken from page_alloc, handed back when none is in use. */
static hpa_t runs[PAGE_POOL_MAX_RUNS];
static unsigned run_count;

/* Under the lock. */
static void push(hpa_t page)
{
	*(hpa_t *)hpa_to_ptr(page) = first_free;
	first_free = page;
	stats.free++;
}

static void refill(void)
{
	if (run_count == PAGE_POOL_MAX_RUNS)
		return;
	hpa_t run = page_alloc(PAGE_POOL_REFILL_PAGES, PAGE_SIZE);
	if (run)
		runs[run_count++] = run;
	for (uint64_t i = 0; run && i < PAGE_POOL_REFILL_PAGES; i++)
		push(run + i * PAGE_SIZE);
}

hpa_t page_pool_alloc(void)
{
	spin_lock(&pool_lock);
	if (!first_free)
		refill();
	hpa_t page = first_free;
	if (page) {
		first_free = *(hpa_t *)hpa_to_ptr(page);
		stats.free--;
		stats.in_use++;
	}
	spin_unlock(&pool_lock);
	return page;
}

hpa_t page_pool_alloc_zeroed(void)
{
	hpa_t page = page_pool_alloc();
	if (page)
		page_zero(hpa_to_ptr(page));
	return page;
}

void page_pool_free(hpa_t page)
{
	spin_lock(&pool_lock);
	push(page);
	stats.in_use--;
	spin_unlock(&pool_lock);
}

struct page_pool_stats page_pool_stats(void)
{
	spin_lock(&pool_lock);
	struct page_pool_stats s = stats;
	spin_unlock(&pool_lock);
	return s;
}

bool page_pool_release(void)
{
	spin_lock(&pool_lock);
	bool idle = stats.in_use == 0;
	if (idle) {
		for (unsigned i = 0; i < run_count; i++)
			page_free(runs[i], PAGE_POOL_REFILL_PAGES);
		run_count = 0;
		first_free = 0;
		stats.free = 0;
	}
	spin_unlock(&pool_lock);
	return idle;
}

/*
 * Page-table pages from the host heap. Pages are aligned_alloc'd and
 * zeroed; their addresses serve as physical addresses, which holds because
 * solo reaches physical memory through an identity map (mm/phys.h). Every
 * page handed out is remembered until it comes back, so a test sees both
 * leaks and frees of foreign or already freed pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake/pages.h"

#define PAGES_MAX 4096

static void *pages[PAGES_MAX]; /* outstanding; NULL slots are free */
static unsigned outstanding, allocated, alloc_calls;
static unsigned fail_countdown;
static bool fail_sticky, failing;

void fake_pages_reset(void)
{
	for (unsigned i = 0; i < PAGES_MAX; i++) {
		free(pages[i]);
		pages[i] = NULL;
	}
	outstanding = allocated = alloc_calls = 0;
	fail_countdown = 0;
	fail_sticky = failing = false;
}

void fake_pages_fail_on(unsigned nth, bool sticky)
{
	assert_true(nth > 0);
	fail_countdown = nth;
	fail_sticky = sticky;
	failing = false;
}

hpa_t fake_page_alloc(void)
{
	alloc_calls++;
	if (fail_countdown && --fail_countdown == 0)
		failing = true;
	if (failing) {
		failing = fail_sticky;
		return 0;
	}
	for (unsigned i = 0; i < PAGES_MAX; i++) {
		if (pages[i])
			continue;
		pages[i] = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
		assert_non_null(pages[i]);
		memset(pages[i], 0, PAGE_SIZE);
		outstanding++;
		allocated++;
		return ptr_to_hpa(pages[i]);
	}
	fail_msg("fake page pool exhausted (%u pages)", PAGES_MAX);
	return 0;
}

static int slot_of(hpa_t page)
{
	for (int i = 0; i < PAGES_MAX; i++)
		if (pages[i] && ptr_to_hpa(pages[i]) == page)
			return i;
	return -1;
}

void fake_page_free(hpa_t page)
{
	int slot = slot_of(page);
	if (slot < 0)
		fail_msg("free of page 0x%llx that is not outstanding", (unsigned long long)page);
	free(pages[slot]);
	pages[slot] = NULL;
	outstanding--;
}

unsigned fake_pages_allocated(void)
{
	return allocated;
}

unsigned fake_pages_outstanding(void)
{
	return outstanding;
}

unsigned fake_pages_alloc_calls(void)
{
	return alloc_calls;
}

bool fake_page_is_outstanding(hpa_t page)
{
	return slot_of(page) >= 0;
}

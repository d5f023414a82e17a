/*
 * A fake page source for page-table code (tests/fakes/fake_pages.c):
 * zeroed, 4 KiB aligned heap pages whose addresses stand for physical
 * ones (solo identity maps RAM, so a physical address is a pointer). Every
 * page is tracked, so tests can check that teardown returns exactly what
 * was taken, and the allocator can be told to fail on its Nth call.
 */
#ifndef SOLO_FAKE_PAGES_H
#define SOLO_FAKE_PAGES_H

#include <stdbool.h>

#include "mm/phys.h"

/* Frees every outstanding page and forgets all counters. */
void fake_pages_reset(void);

/* A page_table_alloc_fn: a zeroed page, or 0 when told to fail. */
hpa_t fake_page_alloc(void);
/* Returns a page; fails the test for a page it did not hand out or one
 * already returned. */
void fake_page_free(hpa_t page);

/* The nth call (1 = the next one) of fake_page_alloc from now returns 0,
 * as do all later calls while `sticky`. */
void fake_pages_fail_on(unsigned nth, bool sticky);

unsigned fake_pages_allocated(void); /* successful allocations */
unsigned fake_pages_outstanding(void);
unsigned fake_pages_alloc_calls(void);
bool fake_page_is_outstanding(hpa_t page);

#endif

/*
 * When each entry of a CPU's run queue next wants looking at for a time
 * of its own (a halted vCPU's timer deadline, a restart's backoff, a
 * stop's resend): a binary min-heap of entry indices keyed by TSC, so
 * the scheduler finds the earliest and the ones due without walking
 * every entry. Entries are small integers below WAKE_HEAP_CAPACITY; each
 * is in the heap at most once. Zeroed memory is an empty heap.
 */
#ifndef SOLO_CORE_WAKE_HEAP_H
#define SOLO_CORE_WAKE_HEAP_H

#include <stdint.h>

#define WAKE_HEAP_CAPACITY 528 /* PCPU_MAX_QUEUED */
#define WAKE_HEAP_NEVER    UINT64_MAX

struct wake_heap {
	unsigned length;
	uint16_t order[WAKE_HEAP_CAPACITY]; /* entries, earliest first at 0 */
	uint16_t slot[WAKE_HEAP_CAPACITY];  /* per entry: 1 + its place in order, 0: absent */
	uint64_t at[WAKE_HEAP_CAPACITY];    /* per entry: its time, while present */
};

/* Sets when entry wants looking at; WAKE_HEAP_NEVER takes it out. */
void wake_heap_set(struct wake_heap *h, unsigned entry, uint64_t at);

/* The earliest time in the heap, WAKE_HEAP_NEVER if it is empty. */
uint64_t wake_heap_earliest(const struct wake_heap *h);

/* Takes out and returns an entry whose time is at or before now, or -1
 * if none is. */
int wake_heap_take_due(struct wake_heap *h, uint64_t now);

#endif

/* The run queue's timer heap (wake_heap.h). */
#include "core/wake_heap.h"

static void place(struct wake_heap *h, unsigned pos, unsigned entry)
{
	h->order[pos] = (uint16_t)entry;
	h->slot[entry] = (uint16_t)(pos + 1);
}

static void swap(struct wake_heap *h, unsigned a, unsigned b)
{
	unsigned ea = h->order[a], eb = h->order[b];
	place(h, a, eb);
	place(h, b, ea);
}

static uint64_t key(const struct wake_heap *h, unsigned pos)
{
	return h->at[h->order[pos]];
}

static void sift_up(struct wake_heap *h, unsigned pos)
{
	while (pos > 0 && key(h, (pos - 1) / 2) > key(h, pos)) {
		swap(h, pos, (pos - 1) / 2);
		pos = (pos - 1) / 2;
	}
}

static void sift_down(struct wake_heap *h, unsigned pos)
{
	for (;;) {
		unsigned least = pos, left = 2 * pos + 1, right = left + 1;
		if (left < h->length && key(h, left) < key(h, least))
			least = left;
		if (right < h->length && key(h, right) < key(h, least))
			least = right;
		if (least == pos)
			return;
		swap(h, pos, least);
		pos = least;
	}
}

static void remove_at(struct wake_heap *h, unsigned pos)
{
	unsigned entry = h->order[pos];
	h->slot[entry] = 0;
	h->length--;
	if (pos == h->length)
		return;
	place(h, pos, h->order[h->length]);
	sift_down(h, pos);
	sift_up(h, pos);
}

void wake_heap_set(struct wake_heap *h, unsigned entry, uint64_t at)
{
	if (entry >= WAKE_HEAP_CAPACITY)
		return;
	unsigned slot = h->slot[entry];
	if (at == WAKE_HEAP_NEVER) {
		if (slot)
			remove_at(h, slot - 1);
		return;
	}
	if (!slot) {
		slot = ++h->length;
		place(h, slot - 1, entry);
	}
	h->at[entry] = at;
	/* Earlier or later than before (or new, at the end): one of the
	 * two moves it, the other finds nothing to do. */
	sift_up(h, slot - 1);
	sift_down(h, h->slot[entry] - 1);
}

uint64_t wake_heap_earliest(const struct wake_heap *h)
{
	return h->length ? key(h, 0) : WAKE_HEAP_NEVER;
}

int wake_heap_take_due(struct wake_heap *h, uint64_t now)
{
	if (!h->length || key(h, 0) > now)
		return -1;
	int entry = h->order[0];
	remove_at(h, 0);
	return entry;
}

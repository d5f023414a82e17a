/*
 * A split virtqueue, walked from the device's side (virtqueue.h). The
 * guest may change its rings while solo reads them (another of its
 * vCPUs), so every field is read once into a local and checked there;
 * what is checked is what is used.
 */
#include <string.h>

#include "devices/virtqueue.h"

#define DESC_SIZE       16
#define RING_HEADER     4 /* flags and idx, 16 bits each */
#define USED_ELEM_SIZE  8
#define AVAIL_ELEM_SIZE 2

/* A ring field. Every page of a partition's RAM is mapped, shared or
 * its own, so a read fails only through a bug; it then gives 0xffff. */
static uint16_t load16(const struct guest_ram *ram, uint64_t gpa)
{
	uint16_t v;
	return guest_ram_read(ram, gpa, &v, sizeof(v)) ? v : 0xffff;
}

static uint64_t used_ring_bytes(const struct virtq *q)
{
	return RING_HEADER + (uint64_t)q->size * USED_ELEM_SIZE + 2;
}

bool virtq_check_layout(const struct virtq *q, const struct guest_ram *ram, const char **why)
{
	uint64_t n = q->size;
	if (n == 0 || n > VIRTQ_SIZE_MAX || (n & (n - 1))) {
		*why = "queue size is not a power of two up to 256";
		return false;
	}
	if ((q->desc & 15) || (q->avail & 1) || (q->used & 3)) {
		*why = "a ring is misaligned";
		return false;
	}
	/* The rings' trailing event words are included though solo does
	 * not offer event indices: a driver lays them out regardless. */
	if (!guest_ram_contains(ram, q->desc, n * DESC_SIZE) ||
	    !guest_ram_contains(ram, q->avail, RING_HEADER + n * AVAIL_ELEM_SIZE + 2) ||
	    !guest_ram_contains(ram, q->used, used_ring_bytes(q))) {
		*why = "a ring lies outside its RAM";
		return false;
	}
	return true;
}

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

/* A descriptor table entry; one with no buffer (which pop refuses) if
 * the page cannot be read. */
static struct desc load_desc(const struct virtq *q, const struct guest_ram *ram, uint16_t i)
{
	uint8_t raw[DESC_SIZE];
	if (!guest_ram_read(ram, q->desc + (uint64_t)i * DESC_SIZE, raw, sizeof(raw)))
		return (struct desc){.addr = UINT64_MAX, .len = 1};
	struct desc d;
	memcpy(&d.addr, raw, 8);
	memcpy(&d.len, raw + 8, 4);
	memcpy(&d.flags, raw + 12, 2);
	memcpy(&d.next, raw + 14, 2);
	return d;
}

#define BROKEN(reason) (*why = (reason), VIRTQ_BROKEN)

enum virtq_result virtq_pop(struct virtq *q, const struct guest_ram *ram, struct virtq_chain *chain,
                            const char **why)
{
	if (!q->ready)
		return VIRTQ_EMPTY;
	uint16_t avail_idx = load16(ram, q->avail + 2);
	uint16_t pending = (uint16_t)(avail_idx - q->last_avail);
	if (pending == 0)
		return VIRTQ_EMPTY;
	if (pending > q->size)
		return BROKEN("available index ran ahead of the queue size");
	/* The ring entry is read after the index (x86 keeps loads in order;
	 * the fence keeps the compiler from reordering them). */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	uint16_t head =
	    load16(ram, q->avail + RING_HEADER +
	                    (uint64_t)(q->last_avail & (q->size - 1)) * AVAIL_ELEM_SIZE);
	if (head >= q->size)
		return BROKEN("available ring names a descriptor past the queue size");
	chain->head = head;
	chain->readable_count = chain->writable_count = 0;
	chain->readable_bytes = chain->writable_bytes = 0;
	uint16_t i = head;
	for (unsigned taken = 0;; taken++) {
		if (taken == q->size || taken == 2 * VIRTQ_MAX_SEGS)
			return BROKEN("descriptor chain longer than the queue (a loop?)");
		struct desc d = load_desc(q, ram, i);
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return BROKEN("indirect descriptor, a feature not offered");
		if (!guest_ram_contains(ram, d.addr, d.len))
			return BROKEN("descriptor buffer outside its RAM");
		struct virtq_seg seg = {d.addr, d.len};
		if (d.flags & VIRTQ_DESC_F_WRITE) {
			if (chain->writable_count == VIRTQ_MAX_SEGS)
				return BROKEN("descriptor chain longer than 16 writable buffers");
			chain->writable[chain->writable_count++] = seg;
			chain->writable_bytes += d.len;
		} else {
			if (chain->writable_count)
				return BROKEN("readable descriptor after a writable one");
			if (chain->readable_count == VIRTQ_MAX_SEGS)
				return BROKEN("descriptor chain longer than 16 readable buffers");
			chain->readable[chain->readable_count++] = seg;
			chain->readable_bytes += d.len;
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		if (d.next >= q->size)
			return BROKEN("descriptor chain links past the queue size");
		i = d.next;
	}
	q->last_avail++;
	return VIRTQ_CHAIN;
}

void virtq_unpop(struct virtq *q)
{
	q->last_avail--;
}

bool virtq_push(struct virtq *q, const struct guest_ram *ram, uint16_t head, uint32_t written)
{
	uint64_t elem =
	    q->used + RING_HEADER + (uint64_t)(q->used_idx & (q->size - 1)) * USED_ELEM_SIZE;
	uint32_t raw[2] = {head, written};
	if (!guest_ram_write(ram, elem, raw, sizeof(raw)))
		return false;
	/* The element is visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	uint16_t idx = (uint16_t)(q->used_idx + 1);
	if (!guest_ram_write(ram, q->used + 2, &idx, sizeof(idx)))
		return false;
	q->used_idx = idx;
	return true;
}

bool virtq_own_used_ring(const struct virtq *q, const struct guest_ram *ram)
{
	return !q->ready || guest_ram_writable(ram, q->used, used_ring_bytes(q));
}

bool virtq_chain_writable(const struct virtq_chain *chain, const struct guest_ram *ram,
                          uint64_t bytes)
{
	for (unsigned s = 0; s < chain->writable_count && bytes; s++) {
		uint64_t len = chain->writable[s].len < bytes ? chain->writable[s].len : bytes;
		if (!guest_ram_writable(ram, chain->writable[s].gpa, len))
			return false;
		bytes -= len;
	}
	return true;
}

bool virtq_own_posted_buffers(const struct virtq *q, const struct guest_ram *ram, uint64_t bytes)
{
	if (ram->base || !q->ready)
		return true;
	/* A copy of the queue: popping it takes nothing from the device. */
	struct virtq peek = *q;
	struct virtq_chain chain;
	const char *why;
	while (virtq_pop(&peek, ram, &chain, &why) == VIRTQ_CHAIN)
		if (!virtq_chain_writable(&chain, ram, bytes))
			return false;
	return true;
}

bool virtq_interrupt_suppressed(const struct virtq *q, const struct guest_ram *ram)
{
	return q->ready && (load16(ram, q->avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

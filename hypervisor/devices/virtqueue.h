/*
 * The device side of a virtio 1.x split virtqueue (virtio spec 2.7): the
 * descriptor table, the driver's available ring and the device's used
 * ring, all in guest RAM. Everything in them is written by the guest and
 * is hostile: each ring lies inside the guest's RAM (checked when the
 * queue is made ready), each descriptor is read once into a local copy,
 * its buffer must lie inside the RAM, a chain is bounded by the queue
 * size and VIRTQ_MAX_SEGS (so a loop ends it), readable buffers come
 * before writable ones, and the available index may not run ahead of
 * the device by more than the queue size. A rule broken is reported with
 * a one-line reason; the caller ends the partition. Pure C over a guest
 * RAM view, so host tests and a fuzzer drive it.
 */
#ifndef SOLO_DEVICES_VIRTQUEUE_H
#define SOLO_DEVICES_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/guest_ram.h"

/* The largest queue solo offers (QueueNumMax): Linux's virtio-net fills
 * what it is given, and 256 buffers keep a burst from dropping. */
#define VIRTQ_SIZE_MAX 256
/* The most buffers in one chain: far more than a frame with its header
 * needs, and the bound that ends a descriptor loop. */
#define VIRTQ_MAX_SEGS 16

/* Descriptor flags (virtio spec 2.7.5). */
#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2
#define VIRTQ_DESC_F_INDIRECT 4 /* not offered: a violation */
/* The driver's "no interrupt needed" hint in the available ring. */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

struct virtq {
	uint16_t size; /* a power of two, 1..VIRTQ_SIZE_MAX; 0 before set */
	bool ready;
	uint64_t desc, avail, used; /* guest-physical */
	uint16_t last_avail;        /* the next available entry to take */
	uint16_t used_idx;          /* the device's copy of used->idx */
};

struct virtq_seg {
	uint64_t gpa;
	uint32_t len;
};

/* One chain taken from the available ring: its readable buffers, then its
 * writable ones, all inside the guest's RAM. */
struct virtq_chain {
	uint16_t head;
	unsigned readable_count, writable_count;
	struct virtq_seg readable[VIRTQ_MAX_SEGS], writable[VIRTQ_MAX_SEGS];
	uint64_t readable_bytes, writable_bytes;
};

enum virtq_result {
	VIRTQ_EMPTY, /* nothing new available */
	VIRTQ_CHAIN, /* *chain holds the next one */
	VIRTQ_BROKEN /* the guest broke a rule: *why says which */
};

/* Checks the three rings of a queue the driver made ready: the size, the
 * alignments of the spec (16, 2, 4) and that each lies in the RAM. */
bool virtq_check_layout(const struct virtq *q, const struct guest_ram *ram, const char **why);

/* Takes the next available chain. */
enum virtq_result virtq_pop(struct virtq *q, const struct guest_ram *ram, struct virtq_chain *chain,
                            const char **why);

/* Puts back the chain virtq_pop took last, untouched: the device could
 * not use it now (a clone's buffer it may not write from this CPU). */
void virtq_unpop(struct virtq *q);

/* Returns a chain to the driver with `written` bytes written into it;
 * false when the used ring cannot be written (a clone out of memory for
 * its own copy of the page). */
bool virtq_push(struct virtq *q, const struct guest_ram *ram, uint16_t head, uint32_t written);

/* Gives a clone its own copies of the queue's used ring, the one ring
 * the device writes, so that any CPU may write it; false when memory ran
 * out. A no-op for RAM in one block. */
bool virtq_own_used_ring(const struct virtq *q, const struct guest_ram *ram);

/* Whether the first `bytes` of a chain's writable buffers can be written
 * now (a clone's shared pages are copied only on its own CPU). */
bool virtq_chain_writable(const struct virtq_chain *chain, const struct guest_ram *ram,
                          uint64_t bytes);

/* Gives a clone its own copies of the first `bytes` of the writable
 * buffers of every chain the driver has made available and the device
 * not yet taken: no more than the device can fill, so a guest posting
 * buffers of its whole RAM costs no more work per notify than one
 * posting frame-sized ones. False when memory ran out; a broken ring is
 * left to the next pop to report. */
bool virtq_own_posted_buffers(const struct virtq *q, const struct guest_ram *ram, uint64_t bytes);

/* Whether the driver asked for no interrupts on this queue. */
bool virtq_interrupt_suppressed(const struct virtq *q, const struct guest_ram *ram);

#endif

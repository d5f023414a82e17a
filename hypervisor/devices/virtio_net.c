/*
 * The virtio-net device model (virtio_net.h). A guest notification on
 * the transmit queue takes every chain available (at most a queue's
 * worth per notification, so a guest refilling from another vCPU cannot
 * hold solo here), copies each frame once out of the guest's buffers and
 * hands it on; a frame received is copied once into the next buffer the
 * driver posted.
 */
#include <string.h>

#include "devices/virtio_net.h"

#define NUM_BUFFERS_OFFSET 10
/* struct virtio_net_config: mac[6], status, max_virtqueue_pairs, mtu. */
#define CONFIG_MTU_OFFSET 10

static struct virtio_net *net_of(struct virtio_mmio *t)
{
	return t->device;
}

static void interrupt(struct virtio_net *n, unsigned queue)
{
	struct virtio_mmio *t = &n->transport;
	if (virtq_interrupt_suppressed(&t->queues[queue], &t->ram))
		return;
	t->interrupt_status |= VIRTIO_MMIO_INT_VRING;
	n->stats.interrupts++;
	n->interrupt(n->ctx);
}

/* The frame in a transmit chain, past its header, where it lies in the
 * guest's RAM (pop checked every buffer is inside it): a piece per
 * buffer, or per page of a clone's. False when it takes more pieces than
 * a frame has. */
static bool frame_in_chain(const struct guest_ram *ram, const struct virtq_chain *chain,
                           struct net_frame *f)
{
	_Static_assert(NET_FRAME_PIECES >= VIRTQ_MAX_SEGS, "a piece for every buffer");
	uint64_t skip = VIRTIO_NET_HDR_LEN;
	f->len = 0;
	f->piece_count = 0;
	for (unsigned s = 0; s < chain->readable_count; s++) {
		const struct virtq_seg *seg = &chain->readable[s];
		if (skip >= seg->len) {
			skip -= seg->len;
			continue;
		}
		uint64_t gpa = seg->gpa + skip, left = seg->len - skip;
		skip = 0;
		while (left) {
			uint64_t run;
			const uint8_t *at = guest_ram_at(ram, gpa, left, false, &run);
			if (!at || f->piece_count == NET_FRAME_PIECES)
				return false;
			f->pieces[f->piece_count].bytes = at;
			f->pieces[f->piece_count].len = run;
			f->piece_count++;
			f->len += run;
			gpa += run;
			left -= run;
		}
	}
	return true;
}

/* Copies a frame into a receive chain's writable buffers, `skip` bytes
 * in: for a received frame, the one copy it takes from sender to
 * receiver. The caller made sure every page can be written. */
static void frame_to_chain(const struct guest_ram *ram, const struct virtq_chain *chain,
                           size_t skip, const struct net_frame *f)
{
	size_t at = 0;
	for (unsigned s = 0; s < chain->writable_count && at < f->len; s++) {
		const struct virtq_seg *seg = &chain->writable[s];
		if (skip >= seg->len) {
			skip -= seg->len;
			continue;
		}
		uint64_t gpa = seg->gpa + skip, left = seg->len - skip;
		skip = 0;
		while (left && at < f->len) {
			uint64_t run;
			uint8_t *to = guest_ram_at(ram, gpa, left, true, &run);
			if (!to)
				return;
			at += net_frame_copy(f, at, to, run);
			gpa += run;
			left -= run;
		}
	}
}

/* Returns a chain; a used ring that cannot be written (a clone out of
 * memory) ends the partition. */
static void give_back(struct virtio_mmio *t, struct virtq *q, uint16_t head, uint32_t written)
{
	if (!virtq_push(q, &t->ram, head, written) && !t->violation)
		t->violation = "no memory for its own copy of a used ring";
}

static void transmit_all(struct virtio_net *n)
{
	struct virtio_mmio *t = &n->transport;
	struct virtq *q = &t->queues[VIRTIO_NET_TX_QUEUE];
	bool returned = false;
	for (unsigned budget = q->size; budget; budget--) {
		struct virtq_chain chain;
		const char *why;
		enum virtq_result r = virtq_pop(q, &t->ram, &chain, &why);
		if (r == VIRTQ_EMPTY)
			break;
		if (r == VIRTQ_BROKEN) {
			t->violation = why;
			return;
		}
		uint64_t total = chain.readable_bytes;
		if (total < VIRTIO_NET_HDR_LEN + NET_FRAME_MIN ||
		    total > virtio_net_frame_room(n)) {
			n->stats.tx_malformed++;
		} else {
			struct net_frame frame;
			if (frame_in_chain(&t->ram, &chain, &frame)) {
				n->stats.tx_frames++;
				n->transmit(n->ctx, &frame);
			} else {
				n->stats.tx_malformed++;
			}
		}
		give_back(t, q, chain.head, 0);
		returned = true;
	}
	if (returned)
		interrupt(n, VIRTIO_NET_TX_QUEUE);
}

static void notify(struct virtio_mmio *t, unsigned queue)
{
	struct virtio_net *n = net_of(t);
	n->stats.notifies++;
	if (queue == VIRTIO_NET_TX_QUEUE) {
		transmit_all(n);
		return;
	}
	/* On the guest's own CPU: a clone's new receive buffers become its
	 * own pages here, so a sender on any CPU can fill them. */
	if (!virtq_own_posted_buffers(&t->queues[VIRTIO_NET_RX_QUEUE], &t->ram,
	                              virtio_net_frame_room(n)))
		n->stats.rx_not_writable++;
	n->rx_posted(n->ctx);
}

/* The configuration space: the MAC (6 bytes) and the MTU (at 10); the
 * status and queue-pair fields between read 0 (not offered). */
static bool config_read(struct virtio_mmio *t, unsigned offset, unsigned size, uint32_t *value)
{
	struct virtio_net *n = net_of(t);
	if ((size != 1 && size != 2 && size != 4) || offset >= 0x100 || offset + size > 0x100)
		return false;
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++) {
		unsigned at = offset + i;
		uint32_t byte = at < NET_MAC_LEN              ? n->mac[at]
		                : at == CONFIG_MTU_OFFSET     ? n->mtu & 0xffu
		                : at == CONFIG_MTU_OFFSET + 1 ? (uint32_t)n->mtu >> 8
		                                              : 0;
		v |= byte << (8 * i);
	}
	*value = v;
	return true;
}

uint64_t virtio_net_frame_room(const struct virtio_net *n)
{
	return (uint64_t)VIRTIO_NET_HDR_LEN + n->mtu + NET_ETH_OVERHEAD;
}

static const struct virtio_mmio_device_ops net_ops = {
    .notify = notify,
    .config_read = config_read,
};

void virtio_net_init(struct virtio_net *n, const uint8_t mac[NET_MAC_LEN], uint16_t mtu,
                     struct guest_ram ram,
                     void (*transmit)(void *ctx, const struct net_frame *frame),
                     void (*rx_posted)(void *ctx), void (*irq)(void *ctx), void *ctx)
{
	memset(n, 0, sizeof(*n));
	virtio_mmio_init(&n->transport, VIRTIO_ID_NET, VIRTIO_NET_F_MAC | VIRTIO_NET_F_MTU, 2,
	                 &net_ops, n, ram);
	memcpy(n->mac, mac, NET_MAC_LEN);
	n->mtu = mtu;
	n->transmit = transmit;
	n->rx_posted = rx_posted;
	n->interrupt = irq;
	n->ctx = ctx;
}

enum net_delivery virtio_net_receive(struct virtio_net *n, const struct net_frame *frame)
{
	size_t len = frame->len;
	struct virtio_mmio *t = &n->transport;
	struct virtq *q = &t->queues[VIRTIO_NET_RX_QUEUE];
	if (!virtio_mmio_driver_ok(t) || !q->ready || t->violation)
		return NET_REFUSED; /* not listening: the frame is lost, as on a wire */
	struct virtq_chain chain;
	const char *why;
	enum virtq_result r = virtq_pop(q, &t->ram, &chain, &why);
	if (r == VIRTQ_EMPTY)
		return NET_NO_BUFFER;
	if (r == VIRTQ_BROKEN) {
		t->violation = why;
		return NET_REFUSED;
	}
	if (chain.writable_bytes < VIRTIO_NET_HDR_LEN + len) {
		n->stats.rx_too_small++;
		give_back(t, q, chain.head, 0);
		return NET_DELIVERED;
	}
	if (!virtq_chain_writable(&chain, &t->ram, VIRTIO_NET_HDR_LEN + len)) {
		/* A clone's buffer still shared, seen from another CPU: the
		 * frame waits for the guest's notify (virtio_net.h). */
		virtq_unpop(q);
		n->stats.rx_not_writable++;
		return NET_NO_BUFFER;
	}
	uint8_t header[VIRTIO_NET_HDR_LEN] = {0};
	header[NUM_BUFFERS_OFFSET] = 1; /* one buffer holds the whole frame */
	struct net_frame header_frame;
	net_frame_flat(&header_frame, header, sizeof(header));
	frame_to_chain(&t->ram, &chain, 0, &header_frame);
	frame_to_chain(&t->ram, &chain, VIRTIO_NET_HDR_LEN, frame);
	give_back(t, q, chain.head, (uint32_t)(VIRTIO_NET_HDR_LEN + len));
	n->stats.rx_frames++;
	interrupt(n, VIRTIO_NET_RX_QUEUE);
	return NET_DELIVERED;
}

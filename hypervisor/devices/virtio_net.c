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

/* The frame being transmitted, for every device (virtio_net.h). */
static uint8_t tx_frame[NET_FRAME_MAX];

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
		    total > (uint64_t)VIRTIO_NET_HDR_LEN + n->mtu + NET_ETH_OVERHEAD) {
			n->stats.tx_malformed++;
		} else {
			size_t len = (size_t)total - VIRTIO_NET_HDR_LEN;
			virtq_read_chain(&t->ram, &chain, VIRTIO_NET_HDR_LEN, tx_frame, len);
			n->stats.tx_frames++;
			n->transmit(n->ctx, tx_frame, len);
		}
		virtq_push(q, &t->ram, chain.head, 0);
		returned = true;
	}
	if (returned)
		interrupt(n, VIRTIO_NET_TX_QUEUE);
}

static void notify(struct virtio_mmio *t, unsigned queue)
{
	struct virtio_net *n = net_of(t);
	n->stats.notifies++;
	if (queue == VIRTIO_NET_TX_QUEUE)
		transmit_all(n);
	else
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

static void reset(struct virtio_mmio *t)
{
	(void)t;
}

static const struct virtio_mmio_device_ops net_ops = {
    .notify = notify,
    .config_read = config_read,
    .reset = reset,
};

void virtio_net_init(struct virtio_net *n, const uint8_t mac[NET_MAC_LEN], uint16_t mtu,
                     struct guest_ram ram,
                     void (*transmit)(void *ctx, const uint8_t *frame, size_t len),
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

enum net_delivery virtio_net_receive(struct virtio_net *n, const uint8_t *frame, size_t len)
{
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
		virtq_push(q, &t->ram, chain.head, 0);
		return NET_DELIVERED;
	}
	uint8_t header[VIRTIO_NET_HDR_LEN] = {0};
	header[NUM_BUFFERS_OFFSET] = 1; /* one buffer holds the whole frame */
	virtq_write_chain(&t->ram, &chain, 0, header, sizeof(header));
	virtq_write_chain(&t->ram, &chain, VIRTIO_NET_HDR_LEN, frame, len);
	virtq_push(q, &t->ram, chain.head, (uint32_t)(VIRTIO_NET_HDR_LEN + len));
	n->stats.rx_frames++;
	interrupt(n, VIRTIO_NET_RX_QUEUE);
	return NET_DELIVERED;
}

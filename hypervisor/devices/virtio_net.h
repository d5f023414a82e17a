/*
 * A virtio-net device (virtio spec 5.1) on the virtio-mmio transport: one
 * receive queue (0) and one transmit queue (1), a fixed MAC, its
 * network's MTU, and no offloads. Features offered: VERSION_1, MAC and
 * MTU (9000 on internal networks: six times fewer frames, and so fewer
 * exits and interrupts, for a bulk transfer than at 1500). No checksum or
 * segmentation offloads: a frame may leave through the uplink, where a
 * partial checksum would need finishing in solo, and every frame the
 * switch carries is then a complete Ethernet frame that any port can
 * take as it is. No mergeable buffers, control queue
 * or event indices: fewer rules for a guest to break.
 * The device is pure C over the guest's RAM: what it transmits goes to a
 * callback (the switch), what it receives comes from virtio_net_receive,
 * and its interrupt is a callback too.
 * A clone's RAM is paged (guest_ram.h): the device copies its shared
 * pages only on the clone's own CPU, so its used rings become its own
 * when a queue is made ready, and its receive buffers when the driver
 * notifies that it posted them; a frame from another CPU finding a
 * buffer still shared waits in the switch port's queue until then.
 */
#ifndef SOLO_DEVICES_VIRTIO_NET_H
#define SOLO_DEVICES_VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/virtio_mmio.h"
#include "net/net_switch.h"

#define VIRTIO_ID_NET    1
#define VIRTIO_NET_F_MTU (1ull << 3)
#define VIRTIO_NET_F_MAC (1ull << 5)
/* struct virtio_net_hdr with num_buffers, as VERSION_1 always has it. */
#define VIRTIO_NET_HDR_LEN  12
#define VIRTIO_NET_RX_QUEUE 0
#define VIRTIO_NET_TX_QUEUE 1

struct virtio_net_stats {
	uint64_t tx_frames, rx_frames;
	uint64_t tx_malformed; /* shorter than a header or longer than the MTU allows */
	uint64_t rx_too_small; /* a frame bigger than the buffer posted */
	uint64_t notifies;     /* QueueNotify writes acted on */
	uint64_t interrupts;   /* raised */
	/* A clone's receive buffer not yet its own page when a frame came
	 * from another CPU (the frame waited), or no memory to make it so. */
	uint64_t rx_not_writable;
};

struct virtio_net {
	struct virtio_mmio transport;
	uint8_t mac[NET_MAC_LEN];
	uint16_t mtu;
	void (*transmit)(void *ctx, const struct net_frame *frame);
	void (*rx_posted)(void *ctx); /* the driver posted receive buffers */
	void (*interrupt)(void *ctx);
	void *ctx;
	struct virtio_net_stats stats;
};

/* mtu: 68..9000. A frame transmitted is handed on where it lies, in the
 * guest's own buffers (valid until transmit returns). */
void virtio_net_init(struct virtio_net *n, const uint8_t mac[NET_MAC_LEN], uint16_t mtu,
                     struct guest_ram ram,
                     void (*transmit)(void *ctx, const struct net_frame *frame),
                     void (*rx_posted)(void *ctx), void (*interrupt)(void *ctx), void *ctx);

/* The most of a receive chain a frame fills: its header and the largest
 * frame the MTU allows. */
uint64_t virtio_net_frame_room(const struct virtio_net *n);

/* Puts a frame into the next receive buffer: NET_NO_BUFFER when the
 * driver has none posted, NET_REFUSED when it is not running (or broke
 * its ring), NET_DELIVERED otherwise (a buffer too small for the frame
 * is returned empty and counted). */
enum net_delivery virtio_net_receive(struct virtio_net *n, const struct net_frame *frame);

#endif

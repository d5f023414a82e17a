/*
 * One network's virtual switch: an L2 learning bridge between the ports
 * of the partitions attached to it (and, later, a physical uplink).
 * Unicast to a learned MAC goes to its port alone; broadcast, multicast
 * and unknown unicast are flooded to every other attached port. A
 * partition's port may send only with its own source MAC (spoofed frames
 * are dropped and counted), so one partition can neither pose as another
 * nor poison the table. A frame is handed on as where it lies (struct
 * net_frame: the sender's own transmit buffers in its RAM), and goes
 * straight into the receiver's buffers: its `deliver` copies it once,
 * from the sender's buffers into its receive ring. When the receiver has none
 * posted, it waits in that port's bounded queue and is delivered when
 * the receiver posts more (net_switch_drain), or dropped and counted
 * when the queue is full. Pure C: the caller holds the network's lock
 * around every call (hypervisor/core/partition_net.c), host tests call it
 * directly.
 */
#ifndef SOLO_NET_NET_SWITCH_H
#define SOLO_NET_NET_SWITCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/net_fdb.h"

#define NET_MAC_LEN 6
/* Ethernet without the FCS: 14 header bytes and up to a 9000-byte
 * (jumbo) payload, plus a VLAN tag. A network's own MTU may be lower. */
#define NET_ETH_OVERHEAD 18
#define NET_FRAME_MAX    (9000 + NET_ETH_OVERHEAD)
#define NET_FRAME_MIN    14
/* Every partition an appliance may have (512 containers, replicas
 * counted, and 16 VMs) and an uplink. */
#define NET_SWITCH_MAX_PORTS 529
_Static_assert(NET_FDB_MAX >= NET_SWITCH_MAX_PORTS, "a learned MAC for every port");
/* Frames one port holds while its partition has no RX buffer posted. */
#define NET_PORT_QUEUE 8

/* A frame where it lies: up to NET_FRAME_PIECES pieces of memory (a
 * guest's transmit buffers, the flat buffer of a queue or a NIC), len
 * bytes in all. The switch and the receivers only copy out of it. */
#define NET_FRAME_PIECES 48
struct net_frame {
	size_t len;
	unsigned piece_count;
	struct {
		const uint8_t *bytes;
		size_t len;
	} pieces[NET_FRAME_PIECES];
};

/* A frame of one flat buffer. */
void net_frame_flat(struct net_frame *f, const uint8_t *bytes, size_t len);

/* Copies n bytes of the frame from offset `at` to out; returns the
 * bytes copied (fewer only past the frame's end). */
size_t net_frame_copy(const struct net_frame *f, size_t at, void *out, size_t n);

/* What a receiver did with a frame offered to it. */
enum net_delivery {
	NET_DELIVERED, /* copied into its receive buffers */
	NET_NO_BUFFER, /* none posted: the switch keeps the frame for later */
	NET_REFUSED,   /* not listening (driver not ready): the frame is lost */
};

typedef enum net_delivery (*net_deliver_fn)(void *ctx, const struct net_frame *frame);

struct net_port_stats {
	uint64_t tx_frames, tx_bytes; /* sent by the port into the switch */
	uint64_t rx_frames, rx_bytes; /* delivered to the port */
	uint64_t drop_spoofed;        /* sent with another source MAC */
	uint64_t drop_malformed;      /* shorter than a header or too long */
	uint64_t drop_queue_full;     /* for it while its queue was full */
	uint64_t drop_not_listening;  /* for it while its driver was not ready */
};

struct net_queued_frame {
	uint16_t len;
	uint8_t data[NET_FRAME_MAX];
};

struct net_port {
	bool attached;
	/* A partition's port sends only from its own MAC; an uplink's from
	 * any (the machines behind it). */
	bool any_source;
	uint8_t mac[NET_MAC_LEN];
	/* Offers the frame to the port's receiver. */
	net_deliver_fn deliver;
	void *ctx;
	/* The frames waiting for buffers, oldest at head; NULL when the
	 * port has no queue (an uplink queues in its own ring). */
	struct net_queued_frame *queue;
	unsigned queue_head, queue_count;
	struct net_port_stats stats;
};

struct net_switch {
	char name[32];
	unsigned port_count; /* ports ever added; attached or not */
	struct net_port ports[NET_SWITCH_MAX_PORTS];
	struct net_fdb fdb; /* a MAC for every port (net_fdb.h) */
	uint64_t frames;
};

enum net_send_result {
	NET_SENT,          /* delivered or queued to at least one port (or none there) */
	NET_DROP_SPOOFED,  /* source MAC not the port's */
	NET_DROP_MALFORMED /* too short or too long */
};

void net_switch_init(struct net_switch *sw, const char *name);

/* Adds a port (detached) and returns its number, or -1 when full. */
int net_switch_add_port(struct net_switch *sw, const uint8_t mac[NET_MAC_LEN], bool any_source);

/* Connects a port to its receiver, with room for NET_PORT_QUEUE frames
 * (NULL: none, as for an uplink whose ring is its queue), or disconnects
 * it: a detached port receives nothing, the MACs learned on it are
 * forgotten, and its queue goes back to the caller (to free). */
void net_switch_attach(struct net_switch *sw, unsigned port, net_deliver_fn deliver, void *ctx,
                       struct net_queued_frame *queue);
struct net_queued_frame *net_switch_detach(struct net_switch *sw, unsigned port);

/* A frame sent by `port`. */
enum net_send_result net_switch_send(struct net_switch *sw, unsigned port,
                                     const struct net_frame *frame);

/* Delivers the port's queued frames while its receiver takes them. */
void net_switch_drain(struct net_switch *sw, unsigned port);

#endif

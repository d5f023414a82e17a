/*
 * The learning switch (net_switch.h). The forwarding table is small and
 * searched linearly: a network holds a few dozen MACs, and a linear scan
 * of 128 entries costs less than the VM exit that brought the frame.
 */
#include <string.h>

#include "net/net_switch.h"

void net_frame_flat(struct net_frame *f, const uint8_t *bytes, size_t len)
{
	f->len = len;
	f->piece_count = 1;
	f->pieces[0].bytes = bytes;
	f->pieces[0].len = len;
}

size_t net_frame_copy(const struct net_frame *f, size_t at, void *out, size_t n)
{
	size_t done = 0;
	for (unsigned i = 0; i < f->piece_count && done < n; i++) {
		size_t piece = f->pieces[i].len;
		if (at >= piece) {
			at -= piece;
			continue;
		}
		size_t take = piece - at < n - done ? piece - at : n - done;
		memcpy((uint8_t *)out + done, f->pieces[i].bytes + at, take);
		done += take;
		at = 0;
	}
	return done;
}

void net_switch_init(struct net_switch *sw, const char *name)
{
	memset(sw, 0, sizeof(*sw));
	size_t n = strlen(name);
	if (n >= sizeof(sw->name))
		n = sizeof(sw->name) - 1;
	memcpy(sw->name, name, n);
}

int net_switch_add_port(struct net_switch *sw, const uint8_t mac[NET_MAC_LEN], bool any_source)
{
	if (sw->port_count == NET_SWITCH_MAX_PORTS)
		return -1;
	struct net_port *port = &sw->ports[sw->port_count];
	memset(port, 0, sizeof(*port));
	memcpy(port->mac, mac, NET_MAC_LEN);
	port->any_source = any_source;
	return (int)sw->port_count++;
}

void net_switch_attach(struct net_switch *sw, unsigned port, net_deliver_fn deliver, void *ctx,
                       struct net_queued_frame *queue)
{
	struct net_port *p = &sw->ports[port];
	p->deliver = deliver;
	p->ctx = ctx;
	p->queue = queue;
	p->queue_head = p->queue_count = 0;
	p->attached = true;
}

struct net_queued_frame *net_switch_detach(struct net_switch *sw, unsigned port)
{
	struct net_port *p = &sw->ports[port];
	struct net_queued_frame *queue = p->queue;
	p->attached = false;
	p->deliver = 0;
	p->ctx = 0;
	p->queue = 0;
	p->queue_head = p->queue_count = 0;
	net_fdb_forget_port(&sw->fdb, port);
	return queue;
}

/* The one case of a second copy: the receiver has no buffer now. */
static void enqueue(struct net_port *p, const struct net_frame *frame)
{
	if (!p->queue || p->queue_count == NET_PORT_QUEUE) {
		p->stats.drop_queue_full++;
		return;
	}
	struct net_queued_frame *q = &p->queue[(p->queue_head + p->queue_count) % NET_PORT_QUEUE];
	q->len = (uint16_t)net_frame_copy(frame, 0, q->data, frame->len);
	p->queue_count++;
}

static void deliver(struct net_port *p, const struct net_frame *frame)
{
	if (!p->attached)
		return;
	/* Frames already waiting go first, so order is kept. */
	enum net_delivery d = p->queue_count ? NET_NO_BUFFER : p->deliver(p->ctx, frame);
	if (d == NET_NO_BUFFER) {
		enqueue(p, frame);
	} else if (d == NET_REFUSED) {
		p->stats.drop_not_listening++;
	} else {
		p->stats.rx_frames++;
		p->stats.rx_bytes += frame->len;
	}
}

enum net_send_result net_switch_send(struct net_switch *sw, unsigned port,
                                     const struct net_frame *frame)
{
	struct net_port *from = &sw->ports[port];
	size_t len = frame->len;
	uint8_t header[NET_FRAME_MIN];
	if (len < NET_FRAME_MIN || len > NET_FRAME_MAX ||
	    net_frame_copy(frame, 0, header, sizeof(header)) != sizeof(header)) {
		from->stats.drop_malformed++;
		return NET_DROP_MALFORMED;
	}
	const uint8_t *dst = header, *src = header + NET_MAC_LEN;
	if (!from->any_source && memcmp(src, from->mac, NET_MAC_LEN)) {
		from->stats.drop_spoofed++;
		return NET_DROP_SPOOFED;
	}
	from->stats.tx_frames++;
	from->stats.tx_bytes += len;
	sw->frames++;
	/* A multicast source is not an address anyone can be reached at. */
	if (!(src[0] & 1))
		net_fdb_learn(&sw->fdb, src, port, sw->frames);
	int to = (dst[0] & 1) ? -1 : net_fdb_find(&sw->fdb, dst);
	if (to >= 0) {
		if ((unsigned)to != port)
			deliver(&sw->ports[to], frame);
		return NET_SENT;
	}
	for (unsigned i = 0; i < sw->port_count; i++)
		if (i != port)
			deliver(&sw->ports[i], frame);
	return NET_SENT;
}

void net_switch_drain(struct net_switch *sw, unsigned port)
{
	struct net_port *p = &sw->ports[port];
	while (p->attached && p->queue_count) {
		struct net_queued_frame *q = &p->queue[p->queue_head];
		struct net_frame frame;
		net_frame_flat(&frame, q->data, q->len);
		enum net_delivery d = p->deliver(p->ctx, &frame);
		if (d == NET_NO_BUFFER)
			return;
		if (d == NET_REFUSED) {
			p->stats.drop_not_listening++;
		} else {
			p->stats.rx_frames++;
			p->stats.rx_bytes += q->len;
		}
		p->queue_head = (p->queue_head + 1) % NET_PORT_QUEUE;
		p->queue_count--;
	}
}

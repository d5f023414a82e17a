/*
 * libFuzzer target for what a guest controls in a network interface:
 * the virtio-mmio registers, its rings and descriptors, and the frames
 * it sends into the switch. Two devices share a switch; the input's
 * first 512 bytes seed both guests' RAM (rings, descriptors and buffers as
 * the fuzzer likes), the rest is a script of 6-byte steps [op, device,
 * offset (2 bytes), value (2 bytes)]: a register write or read, a write
 * of 16 bits into the guest's RAM (so rings change between notifies),
 * or a frame offered to the device's receive side. The RAM is an exact
 * heap block, so AddressSanitizer stops any access past it; after every
 * step a device that broke no rule must keep its used index within a
 * queue's size of the available index the guest wrote. The second guest
 * is a clone (guest_ram.h): its RAM is seen page by page, and a page the
 * seed's last byte marks as shared is written only on the guest's own
 * CPU (register steps), never by a frame from the other.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_net.h"
#include "net/net_switch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM_SIZE  0x4000u
#define SEED_SIZE 0x200u

struct guest {
	uint8_t *ram;
	uint8_t shared_pages; /* bit i: page i is still the template's */
	int on_own_cpu;
	struct virtio_net net;
	unsigned port;
	struct net_queued_frame queue[NET_PORT_QUEUE];
};

static struct net_switch sw;
static struct guest guests[2];

static void require(int ok)
{
	if (!ok)
		abort();
}

static void transmit(void *ctx, const struct net_frame *frame)
{
	struct guest *g = ctx;
	require(frame->len >= NET_FRAME_MIN && frame->len <= NET_FRAME_MAX);
	/* Every piece lies inside the sender's RAM, and they add up. */
	size_t sum = 0;
	for (unsigned i = 0; i < frame->piece_count; i++) {
		require(frame->pieces[i].bytes >= g->ram &&
		        frame->pieces[i].bytes + frame->pieces[i].len <= g->ram + RAM_SIZE);
		sum += frame->pieces[i].len;
	}
	require(sum == frame->len);
	net_switch_send(&sw, g->port, frame);
}

static void rx_posted(void *ctx)
{
	struct guest *g = ctx;
	net_switch_drain(&sw, g->port);
}

static void irq(void *ctx)
{
	(void)ctx;
}

/* The clone's pages: a shared one is copied (here: made its own) only
 * on its own CPU. */
static uint8_t *clone_page(void *ctx, uint64_t gpa, bool for_write)
{
	struct guest *g = ctx;
	unsigned page = (unsigned)(gpa / GUEST_RAM_PAGE);
	require(gpa % GUEST_RAM_PAGE == 0 && gpa < RAM_SIZE);
	if (for_write && (g->shared_pages >> page & 1)) {
		if (!g->on_own_cpu)
			return NULL;
		g->shared_pages &= (uint8_t) ~(1u << page);
	}
	return g->ram + gpa;
}

static enum net_delivery deliver(void *ctx, const struct net_frame *frame)
{
	struct guest *g = ctx;
	return virtio_net_receive(&g->net, frame);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	net_switch_init(&sw, "fuzz");
	for (unsigned i = 0; i < 2; i++) {
		struct guest *g = &guests[i];
		g->ram = malloc(RAM_SIZE);
		memset(g->ram, 0, RAM_SIZE);
		memcpy(g->ram, data, size < SEED_SIZE ? size : SEED_SIZE);
		uint8_t mac[6] = {2, 0, 0, 0, 0, (uint8_t)i};
		struct guest_ram ram = {.base = g->ram, .size = RAM_SIZE};
		if (i == 1) {
			_Static_assert(RAM_SIZE / GUEST_RAM_PAGE <= 8, "a bit per page");
			g->shared_pages = size >= SEED_SIZE ? data[SEED_SIZE - 1] : 0xff;
			ram = (struct guest_ram){.size = RAM_SIZE, .page = clone_page, .ctx = g};
		}
		virtio_net_init(&g->net, mac, 1500, ram, transmit, rx_posted, irq, g);
		g->port = (unsigned)net_switch_add_port(&sw, mac, false);
		net_switch_attach(&sw, g->port, deliver, g, g->queue);
	}
	for (size_t at = SEED_SIZE; at + 6 <= size; at += 6) {
		const uint8_t *s = data + at;
		struct guest *g = &guests[s[1] & 1];
		struct virtio_mmio *t = &g->net.transport;
		unsigned offset = (unsigned)(s[2] | s[3] << 8) & 0xfff;
		uint32_t value = (uint32_t)(s[4] | s[5] << 8);
		uint32_t out;
		if (t->violation)
			continue; /* the partition would be ended here */
		/* Register steps run on the guest's own CPU; a frame comes
		 * from the other. */
		g->on_own_cpu = (s[0] & 3) != 3;
		switch (s[0] & 3) {
		case 0:
			virtio_mmio_write(t, offset & ~3u, 4, value);
			break;
		case 1:
			virtio_mmio_read(
			    t, offset, 1u << (s[1] >> 1 & 3) > 4 ? 4 : 1u << (s[1] >> 1 & 3), &out);
			break;
		case 2: {
			/* The guest's own write: a clone's page becomes its own. */
			unsigned to = offset * 4 % (RAM_SIZE - 1);
			memcpy(g->ram + to, &value, 2);
			g->shared_pages &= (uint8_t) ~(3u << (to / GUEST_RAM_PAGE));
			break;
		}
		case 3: {
			uint8_t frame[NET_FRAME_MAX];
			size_t len = NET_FRAME_MIN + value % (NET_FRAME_MAX - NET_FRAME_MIN + 1);
			memset(frame, s[1], len);
			struct net_frame f;
			net_frame_flat(&f, frame, len);
			virtio_net_receive(&g->net, &f);
			break;
		}
		}
		for (unsigned q = 0; q < t->queue_count && !t->violation; q++) {
			struct virtq *vq = &t->queues[q];
			if (vq->ready)
				require((uint16_t)(vq->last_avail - vq->used_idx) <= vq->size);
		}
	}
	for (unsigned i = 0; i < 2; i++)
		free(guests[i].ram);
	return 0;
}

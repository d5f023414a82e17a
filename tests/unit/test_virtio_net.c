/*
 * Host tests for networking's pure parts: the virtqueue walker
 * (hypervisor/devices/virtqueue.c), the virtio-mmio register model
 * (virtio_mmio.c), the virtio-net device (virtio_net.c) and the learning
 * switch (hypervisor/net/net_switch.c). A small driver written here sets
 * devices up as Linux's virtio_mmio and virtio_net drivers do (features,
 * status, queue addresses) in a malloc'd guest RAM; two such devices on
 * one switch exchange frames. Hostile rings (addresses outside the RAM,
 * huge lengths, loops, wild indices) must end in a violation, never in
 * an access outside the RAM (AddressSanitizer watches).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "devices/virtio_net.h"
#include "config.h"
#include "net/net_switch.h"

#define RAM_SIZE (1u << 20)
#define QSIZE    8
/* Where the test driver lays out its rings and buffers. */
#define RX_DESC  0x1000u
#define RX_AVAIL 0x1100u
#define RX_USED  0x1200u
#define TX_DESC  0x2000u
#define TX_AVAIL 0x2100u
#define TX_USED  0x2200u
#define RX_BUFS  0x10000u
#define TX_BUFS  0x20000u
#define BUF_SIZE 0x800u

static const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 0, 0xa};
static const uint8_t MAC_B[6] = {0x02, 0, 0, 0, 0, 0xb};

/* One guest: its RAM, its device and the test driver's ring state. */
struct guest {
	uint8_t *ram;
	struct virtio_net net;
	struct net_switch *sw;
	unsigned port;
	unsigned interrupts;
	uint16_t rx_avail, tx_avail, rx_used_seen, tx_used_seen;
	struct net_queued_frame queue[NET_PORT_QUEUE];
};

static void put16(struct guest *g, uint64_t gpa, uint16_t v)
{
	memcpy(g->ram + gpa, &v, 2);
}

static uint16_t get16(struct guest *g, uint64_t gpa)
{
	uint16_t v;
	memcpy(&v, g->ram + gpa, 2);
	return v;
}

static uint32_t get32(struct guest *g, uint64_t gpa)
{
	uint32_t v;
	memcpy(&v, g->ram + gpa, 4);
	return v;
}

static void put_desc(struct guest *g, uint64_t table, unsigned i, uint64_t addr, uint32_t len,
                     uint16_t flags, uint16_t next)
{
	uint8_t *d = g->ram + table + 16 * i;
	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

static uint32_t rd(struct guest *g, unsigned offset)
{
	uint32_t v = 0xdeadbeef;
	assert_true(virtio_mmio_read(&g->net.transport, offset, 4, &v));
	return v;
}

static void wr(struct guest *g, unsigned offset, uint32_t value)
{
	assert_true(virtio_mmio_write(&g->net.transport, offset, 4, value));
}

static void transmit(void *ctx, const struct net_frame *frame)
{
	struct guest *g = ctx;
	net_switch_send(g->sw, g->port, frame);
}

static void rx_posted(void *ctx)
{
	struct guest *g = ctx;
	net_switch_drain(g->sw, g->port);
}

static void interrupt(void *ctx)
{
	struct guest *g = ctx;
	g->interrupts++;
}

static enum net_delivery deliver(void *ctx, const struct net_frame *frame)
{
	struct guest *g = ctx;
	return virtio_net_receive(&g->net, frame);
}

static void setup_queue(struct guest *g, unsigned q, uint32_t desc, uint32_t avail, uint32_t used)
{
	wr(g, VIRTIO_MMIO_QUEUE_SEL, q);
	assert_int_equal(rd(g, VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(rd(g, VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTQ_SIZE_MAX);
	wr(g, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(g, VIRTIO_MMIO_QUEUE_DESC_LOW, desc);
	wr(g, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr(g, VIRTIO_MMIO_QUEUE_DRIVER_LOW, avail);
	wr(g, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
	wr(g, VIRTIO_MMIO_QUEUE_DEVICE_LOW, used);
	wr(g, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	wr(g, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_null(g->net.transport.violation);
	assert_int_equal(rd(g, VIRTIO_MMIO_QUEUE_READY), 1);
}

/* Linux's probe: identification, features, status, the two queues. */
static void driver_probe(struct guest *g)
{
	assert_int_equal(rd(g, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(g, VIRTIO_MMIO_VERSION_REG), 2);
	assert_int_equal(rd(g, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
	wr(g, VIRTIO_MMIO_STATUS, 0);
	wr(g, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(g, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(g, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	uint64_t features = (uint64_t)rd(g, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(g, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	features |= rd(g, VIRTIO_MMIO_DEVICE_FEATURES);
	assert_int_equal(features, VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MAC | VIRTIO_NET_F_MTU);
	wr(g, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(g, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	wr(g, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(g, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	uint32_t status =
	    VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
	wr(g, VIRTIO_MMIO_STATUS, status);
	assert_int_equal(rd(g, VIRTIO_MMIO_STATUS), status);
	setup_queue(g, VIRTIO_NET_RX_QUEUE, RX_DESC, RX_AVAIL, RX_USED);
	setup_queue(g, VIRTIO_NET_TX_QUEUE, TX_DESC, TX_AVAIL, TX_USED);
	wr(g, VIRTIO_MMIO_STATUS, status | VIRTIO_STATUS_DRIVER_OK);
}

/* Posts receive buffer i (one writable descriptor of BUF_SIZE bytes). */
static void post_rx(struct guest *g, unsigned i)
{
	put_desc(g, RX_DESC, i, RX_BUFS + i * BUF_SIZE, BUF_SIZE, VIRTQ_DESC_F_WRITE, 0);
	put16(g, RX_AVAIL + 4 + 2 * (g->rx_avail % QSIZE), (uint16_t)i);
	g->rx_avail++;
	put16(g, RX_AVAIL + 2, g->rx_avail);
	wr(g, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RX_QUEUE);
}

/* Sends a frame in two descriptors, the header and the frame, as a
 * driver without ANY_LAYOUT would; descriptor slots 2i and 2i+1. */
static void send(struct guest *g, unsigned i, const uint8_t *frame, uint32_t len)
{
	uint64_t buf = TX_BUFS + i * BUF_SIZE;
	memset(g->ram + buf, 0, VIRTIO_NET_HDR_LEN);
	memcpy(g->ram + buf + VIRTIO_NET_HDR_LEN, frame, len);
	unsigned d = (2 * i) % QSIZE;
	put_desc(g, TX_DESC, d, buf, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, (uint16_t)(d + 1));
	put_desc(g, TX_DESC, d + 1, buf + VIRTIO_NET_HDR_LEN, len, 0, 0);
	put16(g, TX_AVAIL + 4 + 2 * (g->tx_avail % QSIZE), (uint16_t)d);
	g->tx_avail++;
	put16(g, TX_AVAIL + 2, g->tx_avail);
	wr(g, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TX_QUEUE);
}

static struct net_switch sw;
static struct guest a, b;

static void guest_init(struct guest *g, const uint8_t *mac)
{
	free(g->ram);
	memset(g, 0, sizeof(*g));
	g->ram = calloc(1, RAM_SIZE);
	g->sw = &sw;
	virtio_net_init(&g->net, mac, 1500, (struct guest_ram){.base = g->ram, .size = RAM_SIZE},
	                transmit, rx_posted, interrupt, g);
	int port = net_switch_add_port(&sw, mac, false);
	assert_true(port >= 0);
	g->port = (unsigned)port;
	net_switch_attach(&sw, g->port, deliver, g, g->queue);
}

static int setup(void **state)
{
	(void)state;
	net_switch_init(&sw, "lan");
	guest_init(&a, MAC_A);
	guest_init(&b, MAC_B);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(a.ram);
	free(b.ram);
	a.ram = b.ram = NULL;
	return 0;
}

static size_t frame_of(uint8_t *out, const uint8_t *dst, const uint8_t *src, uint8_t fill,
                       size_t len)
{
	memcpy(out, dst, 6);
	memcpy(out + 6, src, 6);
	out[12] = 0x08;
	out[13] = 0x00;
	memset(out + 14, fill, len - 14);
	return len;
}

/* The used ring's next entry for queue RX of g: the buffer and length. */
static bool next_rx(struct guest *g, unsigned *id, uint32_t *len)
{
	if (get16(g, RX_USED + 2) == g->rx_used_seen)
		return false;
	uint64_t e = RX_USED + 4 + 8 * (g->rx_used_seen % QSIZE);
	*id = get32(g, e);
	*len = get32(g, e + 4);
	g->rx_used_seen++;
	return true;
}

static const uint8_t BROADCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void test_registers_and_config_space(void **state)
{
	(void)state;
	assert_int_equal(rd(&a, VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR);
	uint32_t v;
	/* The MAC, byte by byte as Linux reads it, and wider. */
	for (unsigned i = 0; i < 6; i++) {
		assert_true(virtio_mmio_read(&a.net.transport, VIRTIO_MMIO_CONFIG + i, 1, &v));
		assert_int_equal(v, MAC_A[i]);
	}
	assert_true(virtio_mmio_read(&a.net.transport, VIRTIO_MMIO_CONFIG + 4, 2, &v));
	assert_int_equal(v, 0x0a00);
	/* The MTU, a 16-bit field at 10 (status and queue pairs before it
	 * are not offered and read 0). */
	assert_true(virtio_mmio_read(&a.net.transport, VIRTIO_MMIO_CONFIG + 10, 2, &v));
	assert_int_equal(v, 1500);
	assert_true(virtio_mmio_read(&a.net.transport, VIRTIO_MMIO_CONFIG + 6, 4, &v));
	assert_int_equal(v, 0);
	/* Registers are 32-bit only; the window ends at 4 KiB. */
	assert_false(virtio_mmio_read(&a.net.transport, VIRTIO_MMIO_STATUS, 2, &v));
	assert_false(virtio_mmio_read(&a.net.transport, VIRTIO_MMIO_STATUS + 1, 4, &v));
	assert_false(virtio_mmio_read(&a.net.transport, 0xffe, 4, &v));
	/* A driver that will not take VERSION_1 is refused FEATURES_OK. */
	wr(&a, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(&a, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(&a, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)VIRTIO_NET_F_MAC);
	wr(&a, VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(rd(&a, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK, 0);
	/* A reset clears it all. */
	wr(&a, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd(&a, VIRTIO_MMIO_STATUS), 0);
	/* Queue 2 does not exist. */
	wr(&a, VIRTIO_MMIO_QUEUE_SEL, 2);
	assert_int_equal(rd(&a, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	/* Writing the configuration space is a violation. */
	assert_true(virtio_mmio_write(&a.net.transport, VIRTIO_MMIO_CONFIG, 1, 0));
	assert_non_null(a.net.transport.violation);
}

static void test_frame_crosses_the_switch(void **state)
{
	(void)state;
	driver_probe(&a);
	uint8_t frame[100];
	frame_of(frame, MAC_B, MAC_A, 0x5a, sizeof(frame));
	/* b's driver is not ready: the frame is lost, not queued. */
	send(&a, 3, frame, sizeof(frame));
	assert_int_equal(sw.ports[b.port].stats.drop_not_listening, 1);
	assert_int_equal(sw.ports[b.port].queue_count, 0);
	driver_probe(&b);
	for (unsigned i = 0; i < 4; i++)
		post_rx(&b, i);
	send(&a, 0, frame, sizeof(frame));
	/* a's transmit buffers came back, each with an interrupt. */
	assert_int_equal(get16(&a, TX_USED + 2), 2);
	assert_int_equal(a.interrupts, 2);
	/* b got it in its first buffer: the header, then the frame as sent. */
	unsigned id;
	uint32_t len;
	assert_true(next_rx(&b, &id, &len));
	assert_int_equal(id, 0);
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + sizeof(frame));
	assert_memory_equal(b.ram + RX_BUFS + VIRTIO_NET_HDR_LEN, frame, sizeof(frame));
	assert_int_equal(b.ram[RX_BUFS + 10], 1); /* num_buffers */
	assert_int_equal(b.interrupts, 1);
	assert_int_equal(rd(&b, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	wr(&b, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	assert_int_equal(rd(&b, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(sw.ports[a.port].stats.tx_frames, 2);
	assert_int_equal(sw.ports[b.port].stats.rx_bytes, sizeof(frame));
	/* Nothing came back to a. */
	assert_false(next_rx(&a, &id, &len));
}

/* A frame in three transmit buffers (the header alone, then the frame in
 * two pieces) lands whole in a receive chain of three (the header alone,
 * then 500 bytes, then the rest), as Linux's big-packet receive buffers
 * split it: one copy, buffer to buffer. */
static void test_scattered_frame_crosses_whole(void **state)
{
	(void)state;
	driver_probe(&a);
	driver_probe(&b);
	put_desc(&b, RX_DESC, 0, RX_BUFS, VIRTIO_NET_HDR_LEN,
	         VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	put_desc(&b, RX_DESC, 1, RX_BUFS + 0x100, 500, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	put_desc(&b, RX_DESC, 2, RX_BUFS + 0x1000, 2000, VIRTQ_DESC_F_WRITE, 0);
	put16(&b, RX_AVAIL + 4, 0);
	put16(&b, RX_AVAIL + 2, 1);
	uint8_t frame[1200];
	frame_of(frame, MAC_B, MAC_A, 0, sizeof(frame));
	for (unsigned i = 14; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 7);
	memset(a.ram + TX_BUFS, 0, VIRTIO_NET_HDR_LEN);
	memcpy(a.ram + TX_BUFS + 0x100, frame, 700);
	memcpy(a.ram + TX_BUFS + 0x800, frame + 700, sizeof(frame) - 700);
	put_desc(&a, TX_DESC, 0, TX_BUFS, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
	put_desc(&a, TX_DESC, 1, TX_BUFS + 0x100, 700, VIRTQ_DESC_F_NEXT, 2);
	put_desc(&a, TX_DESC, 2, TX_BUFS + 0x800, sizeof(frame) - 700, 0, 0);
	put16(&a, TX_AVAIL + 4, 0);
	put16(&a, TX_AVAIL + 2, 1);
	wr(&a, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TX_QUEUE);
	unsigned id;
	uint32_t len;
	assert_true(next_rx(&b, &id, &len));
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + sizeof(frame));
	assert_int_equal(b.ram[RX_BUFS + 10], 1);
	assert_memory_equal(b.ram + RX_BUFS + 0x100, frame, 500);
	assert_memory_equal(b.ram + RX_BUFS + 0x1000, frame + 500, sizeof(frame) - 500);
}

static void test_no_buffers_queue_then_drop(void **state)
{
	(void)state;
	driver_probe(&a);
	driver_probe(&b);
	uint8_t frame[64];
	/* b posted nothing: NET_PORT_QUEUE frames wait, the rest drop. */
	for (unsigned i = 0; i < NET_PORT_QUEUE + 2; i++) {
		frame_of(frame, MAC_B, MAC_A, (uint8_t)i, sizeof(frame));
		send(&a, i % 4, frame, sizeof(frame));
	}
	assert_int_equal(sw.ports[b.port].stats.drop_queue_full, 2);
	assert_int_equal(sw.ports[b.port].queue_count, NET_PORT_QUEUE);
	/* Posting buffers delivers the waiting ones, oldest first. */
	for (unsigned i = 0; i < 4; i++)
		post_rx(&b, i);
	unsigned id;
	uint32_t len;
	for (unsigned i = 0; i < 4; i++) {
		assert_true(next_rx(&b, &id, &len));
		assert_int_equal(b.ram[RX_BUFS + id * BUF_SIZE + VIRTIO_NET_HDR_LEN + 14], i);
	}
	assert_false(next_rx(&b, &id, &len));
	assert_int_equal(sw.ports[b.port].queue_count, NET_PORT_QUEUE - 4);
}

static void test_spoofed_and_malformed_frames_dropped(void **state)
{
	(void)state;
	driver_probe(&a);
	driver_probe(&b);
	for (unsigned i = 0; i < 4; i++)
		post_rx(&b, i);
	uint8_t frame[NET_FRAME_MAX + 8];
	/* a poses as b's neighbour 02:..:0c. */
	static const uint8_t OTHER[6] = {0x02, 0, 0, 0, 0, 0xc};
	frame_of(frame, MAC_B, OTHER, 1, 60);
	send(&a, 0, frame, 60);
	assert_int_equal(sw.ports[a.port].stats.drop_spoofed, 1);
	/* One byte longer than the MTU (1500) allows, and too short for
	 * an Ethernet header. */
	frame_of(frame, MAC_B, MAC_A, 1, 1500 + 18 + 1);
	send(&a, 1, frame, 1500 + 18 + 1);
	send(&a, 2, frame, 10);
	assert_int_equal(a.net.stats.tx_malformed, 2);
	unsigned id;
	uint32_t len;
	assert_false(next_rx(&b, &id, &len));
	/* The longest the MTU allows goes through. */
	send(&a, 3, frame, 1500 + 18);
	assert_true(next_rx(&b, &id, &len));
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + 1518);
	/* Every chain still went back to a. */
	assert_int_equal(get16(&a, TX_USED + 2), 4);
	assert_null(a.net.transport.violation);
}

static void test_learning_flooding_and_isolation(void **state)
{
	(void)state;
	struct guest c;
	memset(&c, 0, sizeof(c));
	static const uint8_t MAC_C[6] = {0x02, 0, 0, 0, 0, 0xc};
	guest_init(&c, MAC_C);
	/* d is on another switch: it must see nothing. */
	struct net_switch other;
	net_switch_init(&other, "other");
	struct guest d;
	memset(&d, 0, sizeof(d));
	static const uint8_t MAC_D[6] = {0x02, 0, 0, 0, 0, 0xd};
	guest_init(&d, MAC_D);
	d.sw = &other;
	/* (guest_init put d on sw: move it.) */
	net_switch_detach(&sw, d.port);
	d.port = (unsigned)net_switch_add_port(&other, MAC_D, false);
	net_switch_attach(&other, d.port, deliver, &d, d.queue);
	struct guest *all[] = {&a, &b, &c, &d};
	for (unsigned g = 0; g < 4; g++) {
		driver_probe(all[g]);
		for (unsigned i = 0; i < 4; i++)
			post_rx(all[g], i);
	}
	uint8_t frame[60];
	unsigned id;
	uint32_t len;
	/* A broadcast from a reaches b and c, not a itself nor d. */
	frame_of(frame, BROADCAST, MAC_A, 1, sizeof(frame));
	send(&a, 0, frame, sizeof(frame));
	assert_true(next_rx(&b, &id, &len));
	assert_true(next_rx(&c, &id, &len));
	assert_false(next_rx(&a, &id, &len));
	assert_false(next_rx(&d, &id, &len));
	/* b's unicast to a: a learned, so c does not see it. */
	frame_of(frame, MAC_A, MAC_B, 2, sizeof(frame));
	send(&b, 0, frame, sizeof(frame));
	assert_true(next_rx(&a, &id, &len));
	assert_false(next_rx(&c, &id, &len));
	/* Unicast to a MAC nobody sent from yet is flooded (to b and c). */
	static const uint8_t UNKNOWN[6] = {0x02, 9, 9, 9, 9, 9};
	frame_of(frame, UNKNOWN, MAC_A, 3, sizeof(frame));
	send(&a, 1, frame, sizeof(frame));
	assert_true(next_rx(&b, &id, &len));
	assert_true(next_rx(&c, &id, &len));
	assert_false(next_rx(&d, &id, &len));
	/* A detached port gets nothing and is forgotten. */
	assert_ptr_equal(net_switch_detach(&sw, c.port), c.queue); /* back to its owner */
	frame_of(frame, MAC_C, MAC_A, 4, sizeof(frame));
	send(&a, 2, frame, sizeof(frame));
	assert_false(next_rx(&c, &id, &len));
	assert_true(next_rx(&b, &id, &len)); /* unknown again: flooded to b */
	free(c.ram);
	free(d.ram);
}

static unsigned big_received[NET_SWITCH_MAX_PORTS];

static enum net_delivery count_delivery(void *ctx, const struct net_frame *frame)
{
	(void)frame;
	big_received[(uintptr_t)ctx]++;
	return NET_DELIVERED;
}

/* Port p's MAC on the big switch. */
static void big_mac(unsigned p, uint8_t mac[6])
{
	const uint8_t base[6] = {0x02, 0x10, 0, 0, (uint8_t)(p >> 8), (uint8_t)p};
	memcpy(mac, base, 6);
}

/* A 60-byte frame from port `from` (its own MAC) to dst. */
static enum net_send_result big_send(struct net_switch *to, unsigned from, const uint8_t *dst)
{
	uint8_t src[6], frame[60];
	big_mac(from, src);
	frame_of(frame, dst, src, 1, sizeof(frame));
	struct net_frame f;
	net_frame_flat(&f, frame, sizeof(frame));
	return net_switch_send(to, from, &f);
}

/* One network may have every partition an appliance can have on it, and
 * its switch learns them all: after each has sent once, a frame to any
 * of them reaches that one alone (nothing is flooded). */
static void test_switch_holds_every_partition(void **state)
{
	(void)state;
	static struct net_switch big;
	net_switch_init(&big, "big");
	unsigned ports = CONFIG_MAX_CONTAINER_PARTITIONS + CONFIG_MAX_VMS + 1; /* and an uplink */
	uint8_t mac[6];
	for (unsigned p = 0; p < ports; p++) {
		big_mac(p, mac);
		assert_int_equal(net_switch_add_port(&big, mac, false), (int)p);
		net_switch_attach(&big, p, count_delivery, (void *)(uintptr_t)p, 0);
	}
	assert_int_equal(net_switch_add_port(&big, mac, false), -1);
	for (unsigned p = 0; p < ports; p++)
		assert_int_equal(big_send(&big, p, BROADCAST), NET_SENT);
	memset(big_received, 0, sizeof(big_received));
	for (unsigned p = 1; p < ports; p++) {
		big_mac(p, mac);
		assert_int_equal(big_send(&big, 0, mac), NET_SENT);
	}
	for (unsigned p = 1; p < ports; p++)
		assert_int_equal(big_received[p], 1);
	assert_int_equal(big_received[0], 0);
}

static void test_receive_buffer_too_small(void **state)
{
	(void)state;
	driver_probe(&b);
	put_desc(&b, RX_DESC, 0, RX_BUFS, 40, VIRTQ_DESC_F_WRITE, 0);
	put16(&b, RX_AVAIL + 4, 0);
	put16(&b, RX_AVAIL + 2, 1);
	uint8_t frame[60];
	frame_of(frame, MAC_B, MAC_A, 1, sizeof(frame));
	struct net_frame f;
	net_frame_flat(&f, frame, sizeof(frame));
	assert_int_equal(virtio_net_receive(&b.net, &f), NET_DELIVERED);
	assert_int_equal(b.net.stats.rx_too_small, 1);
	unsigned id;
	uint32_t len;
	assert_true(next_rx(&b, &id, &len));
	assert_int_equal(len, 0);
}

/* One hostile ring each: the device reports a violation and touches
 * nothing outside the RAM. */
static void expect_tx_violation(const char *reason)
{
	wr(&a, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TX_QUEUE);
	assert_non_null(a.net.transport.violation);
	assert_string_equal(a.net.transport.violation, reason);
}

static void test_hostile_descriptor_outside_ram(void **state)
{
	(void)state;
	driver_probe(&a);
	put_desc(&a, TX_DESC, 0, RAM_SIZE - 8, 64, 0, 0);
	put16(&a, TX_AVAIL + 4, 0);
	put16(&a, TX_AVAIL + 2, 1);
	expect_tx_violation("descriptor buffer outside its RAM");
}

static void test_hostile_huge_length(void **state)
{
	(void)state;
	driver_probe(&a);
	put_desc(&a, TX_DESC, 0, 0x30000, 0xffffffffu, 0, 0);
	put16(&a, TX_AVAIL + 4, 0);
	put16(&a, TX_AVAIL + 2, 1);
	expect_tx_violation("descriptor buffer outside its RAM");
}

static void test_hostile_address_wraps(void **state)
{
	(void)state;
	driver_probe(&a);
	put_desc(&a, TX_DESC, 0, 0xfffffffffffff000ull, 0x2000, 0, 0);
	put16(&a, TX_AVAIL + 4, 0);
	put16(&a, TX_AVAIL + 2, 1);
	expect_tx_violation("descriptor buffer outside its RAM");
}

static void test_hostile_loop(void **state)
{
	(void)state;
	driver_probe(&a);
	put_desc(&a, TX_DESC, 0, 0x30000, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(&a, TX_DESC, 1, 0x30000, 16, VIRTQ_DESC_F_NEXT, 0);
	put16(&a, TX_AVAIL + 4, 0);
	put16(&a, TX_AVAIL + 2, 1);
	expect_tx_violation("descriptor chain longer than the queue (a loop?)");
}

static void test_hostile_next_past_queue(void **state)
{
	(void)state;
	driver_probe(&a);
	put_desc(&a, TX_DESC, 0, 0x30000, 16, VIRTQ_DESC_F_NEXT, 500);
	put16(&a, TX_AVAIL + 4, 0);
	put16(&a, TX_AVAIL + 2, 1);
	expect_tx_violation("descriptor chain links past the queue size");
}

static void test_hostile_indices(void **state)
{
	(void)state;
	driver_probe(&a);
	put16(&a, TX_AVAIL + 2, 0x8000); /* ran far ahead */
	expect_tx_violation("available index ran ahead of the queue size");
	setup(NULL);
	driver_probe(&a);
	put16(&a, TX_AVAIL + 4, 9999); /* head past the table */
	put16(&a, TX_AVAIL + 2, 1);
	expect_tx_violation("available ring names a descriptor past the queue size");
	setup(NULL);
	driver_probe(&a);
	put_desc(&a, TX_DESC, 0, 0x30000, 16, VIRTQ_DESC_F_INDIRECT, 0);
	put16(&a, TX_AVAIL + 4, 0);
	put16(&a, TX_AVAIL + 2, 1);
	expect_tx_violation("indirect descriptor, a feature not offered");
	setup(NULL);
	driver_probe(&a);
	put_desc(&a, TX_DESC, 0, 0x30000, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	put_desc(&a, TX_DESC, 1, 0x30000, 16, 0, 0);
	put16(&a, TX_AVAIL + 4, 0);
	put16(&a, TX_AVAIL + 2, 1);
	expect_tx_violation("readable descriptor after a writable one");
}

static void test_hostile_ring_addresses(void **state)
{
	(void)state;
	wr(&a, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(&a, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(&a, VIRTIO_MMIO_QUEUE_DESC_LOW, RAM_SIZE - 16);
	wr(&a, VIRTIO_MMIO_QUEUE_DRIVER_LOW, RX_AVAIL);
	wr(&a, VIRTIO_MMIO_QUEUE_DEVICE_LOW, RX_USED);
	wr(&a, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_string_equal(a.net.transport.violation, "a ring lies outside its RAM");
	assert_int_equal(rd(&a, VIRTIO_MMIO_QUEUE_READY), 0);
	a.net.transport.violation = NULL;
	wr(&a, VIRTIO_MMIO_QUEUE_NUM, 3);
	wr(&a, VIRTIO_MMIO_QUEUE_DESC_LOW, RX_DESC);
	wr(&a, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_string_equal(a.net.transport.violation,
	                    "queue size is not a power of two up to 256");
	a.net.transport.violation = NULL;
	wr(&a, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(&a, VIRTIO_MMIO_QUEUE_DEVICE_LOW, RX_USED + 2);
	wr(&a, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_string_equal(a.net.transport.violation, "a ring is misaligned");
}

/* A clone's RAM, as its devices see it: page by page, its pages shared
 * with its template until written, and a shared page copied only on
 * the clone's own CPU. Here the pages stay where they are (a copy is a
 * flag cleared), so the test driver's view of the RAM stays flat. */
static bool shared[RAM_SIZE / GUEST_RAM_PAGE];
static bool on_own_cpu;
static bool out_of_memory; /* no page left for a copy */
static unsigned page_calls, copies;

static uint8_t *clone_page(void *ctx, uint64_t gpa, bool for_write)
{
	struct guest *g = ctx;
	assert_int_equal(gpa % GUEST_RAM_PAGE, 0);
	page_calls++;
	uint64_t page = gpa / GUEST_RAM_PAGE;
	if (for_write && shared[page]) {
		if (!on_own_cpu || out_of_memory)
			return NULL;
		shared[page] = false;
		copies++;
	}
	return g->ram + gpa;
}

static void make_clone(struct guest *g)
{
	for (unsigned i = 0; i < RAM_SIZE / GUEST_RAM_PAGE; i++)
		shared[i] = true;
	on_own_cpu = true;
	out_of_memory = false;
	page_calls = copies = 0;
	g->net.transport.ram = (struct guest_ram){.size = RAM_SIZE, .page = clone_page, .ctx = g};
}

/* Copies through a RAM whose pages lie scattered in the host: each
 * piece lands in its own page, and a page that cannot be had stops the
 * copy. */
static uint8_t *scattered_page(void *ctx, uint64_t gpa, bool for_write)
{
	uint8_t *host = ctx;
	uint64_t page = gpa / GUEST_RAM_PAGE;
	if (for_write && page == 7)
		return NULL;
	return host + ((page * 5) % 8) * GUEST_RAM_PAGE; /* 5 is odd: a permutation */
}

static void test_guest_ram_page_by_page(void **state)
{
	(void)state;
	static uint8_t host[8 * GUEST_RAM_PAGE];
	struct guest_ram ram = {.size = sizeof(host), .page = scattered_page, .ctx = host};
	uint8_t data[2 * GUEST_RAM_PAGE + 100], back[sizeof(data)];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	uint64_t gpa = GUEST_RAM_PAGE - 50; /* pages 0, 1, 2 and 3 */
	assert_true(guest_ram_write(&ram, gpa, data, sizeof(data)));
	/* Guest page 1 is host page 5, and so on. */
	assert_memory_equal(host + 5 * GUEST_RAM_PAGE, data + 50, GUEST_RAM_PAGE);
	assert_memory_equal(host + 2 * GUEST_RAM_PAGE, data + 50 + GUEST_RAM_PAGE, GUEST_RAM_PAGE);
	assert_true(guest_ram_read(&ram, gpa, back, sizeof(back)));
	assert_memory_equal(back, data, sizeof(data));
	uint64_t run;
	assert_ptr_equal(guest_ram_at(&ram, gpa, 1000, false, &run), host + GUEST_RAM_PAGE - 50);
	assert_int_equal(run, 50);
	/* Page 7 cannot be written: nor can a range running into it. */
	assert_false(guest_ram_writable(&ram, 6 * GUEST_RAM_PAGE, GUEST_RAM_PAGE + 1));
	assert_true(guest_ram_writable(&ram, 6 * GUEST_RAM_PAGE, GUEST_RAM_PAGE));
	assert_false(guest_ram_write(&ram, 7 * GUEST_RAM_PAGE - 2, data, 4));
}

/* A clone's receive buffers: made its own when its driver notifies, on
 * its own CPU; a frame from another CPU that finds one still shared
 * waits in the port's queue (the chain is not taken) until the notify. */
static void test_clone_receive_waits_for_its_own_pages(void **state)
{
	(void)state;
	make_clone(&b);
	driver_probe(&a);
	driver_probe(&b);
	/* Making the queues ready copied their used rings' pages, and only
	 * those (both rings lie in one page each). */
	assert_false(shared[RX_USED / GUEST_RAM_PAGE]);
	assert_false(shared[TX_USED / GUEST_RAM_PAGE]);
	assert_true(shared[RX_BUFS / GUEST_RAM_PAGE]);
	unsigned after_probe = copies;

	/* Buffer 0 posted and notified on b's CPU: its page is b's own. */
	post_rx(&b, 0);
	assert_false(shared[RX_BUFS / GUEST_RAM_PAGE]);
	assert_int_equal(copies, after_probe + 1);

	uint8_t frame[200];
	frame_of(frame, MAC_B, MAC_A, 0x3c, sizeof(frame));
	on_own_cpu = false; /* a's sends run on another CPU from here */
	send(&a, 0, frame, sizeof(frame));
	unsigned id;
	uint32_t len;
	assert_true(next_rx(&b, &id, &len));
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + sizeof(frame));
	assert_memory_equal(b.ram + RX_BUFS + VIRTIO_NET_HDR_LEN, frame, sizeof(frame));

	/* Buffer 3 (in a page still shared) made available without the
	 * notify yet: the frame waits, the buffer is not taken. */
	uint64_t buf3 = RX_BUFS + 3 * BUF_SIZE;
	assert_true(shared[buf3 / GUEST_RAM_PAGE]);
	put_desc(&b, RX_DESC, 3, buf3, BUF_SIZE, VIRTQ_DESC_F_WRITE, 0);
	put16(&b, RX_AVAIL + 4 + 2 * (b.rx_avail % QSIZE), 3);
	b.rx_avail++;
	put16(&b, RX_AVAIL + 2, b.rx_avail);
	frame_of(frame, MAC_B, MAC_A, 0x4d, sizeof(frame));
	send(&a, 2, frame, sizeof(frame));
	assert_false(next_rx(&b, &id, &len));
	assert_int_equal(b.net.stats.rx_not_writable, 1);
	assert_int_equal(sw.ports[b.port].queue_count, 1);
	assert_true(shared[buf3 / GUEST_RAM_PAGE]);
	for (size_t i = 0; i < BUF_SIZE; i++)
		assert_int_equal(b.ram[buf3 + i], 0); /* nothing written into the template's page */

	/* The notify, on b's CPU: the page is copied and the frame comes. */
	on_own_cpu = true;
	wr(&b, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RX_QUEUE);
	assert_false(shared[buf3 / GUEST_RAM_PAGE]);
	assert_true(next_rx(&b, &id, &len));
	assert_int_equal(id, 3);
	assert_memory_equal(b.ram + buf3 + VIRTIO_NET_HDR_LEN, frame, sizeof(frame));
	assert_int_equal(sw.ports[b.port].queue_count, 0);
}

/* A notify copies no more of a posted buffer than a frame can fill: a
 * clone posting a buffer of 16 pages gets its first page copied (the
 * 1500-byte MTU's frame and header fit in it), the rest stays shared. */
static void test_clone_notify_copies_what_a_frame_fills(void **state)
{
	(void)state;
	make_clone(&b);
	driver_probe(&b);
	put_desc(&b, RX_DESC, 0, RX_BUFS, 16 * GUEST_RAM_PAGE, VIRTQ_DESC_F_WRITE, 0);
	put16(&b, RX_AVAIL + 4, 0);
	put16(&b, RX_AVAIL + 2, 1);
	unsigned before = copies;
	wr(&b, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RX_QUEUE);
	assert_false(shared[RX_BUFS / GUEST_RAM_PAGE]);
	for (unsigned i = 1; i < 16; i++)
		assert_true(shared[RX_BUFS / GUEST_RAM_PAGE + i]);
	assert_int_equal(copies, before + 1);
}

/* A clone with no memory left for its own copy of a used ring cannot
 * run the queue: making it ready is refused with the reason, which ends
 * the partition, and nothing is written into the template's page. */
static void test_clone_without_memory_for_its_used_ring(void **state)
{
	(void)state;
	make_clone(&b);
	out_of_memory = true;
	wr(&b, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_NET_RX_QUEUE);
	wr(&b, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(&b, VIRTIO_MMIO_QUEUE_DESC_LOW, RX_DESC);
	wr(&b, VIRTIO_MMIO_QUEUE_DRIVER_LOW, RX_AVAIL);
	wr(&b, VIRTIO_MMIO_QUEUE_DEVICE_LOW, RX_USED);
	wr(&b, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_string_equal(b.net.transport.violation, "no memory for its own copy of a used ring");
	assert_true(shared[RX_USED / GUEST_RAM_PAGE]);
	assert_int_equal(copies, 0);
}

/* A clone's frame out, from buffers that cross a page: a piece per
 * page, the frame whole at the other end. */
static void test_clone_sends_across_pages(void **state)
{
	(void)state;
	make_clone(&a);
	driver_probe(&a);
	driver_probe(&b);
	post_rx(&b, 0);
	uint8_t frame[1400];
	frame_of(frame, MAC_B, MAC_A, 0x61, sizeof(frame));
	/* The header and the frame in one buffer that starts 100 bytes
	 * before a page's end. */
	uint64_t buf = TX_BUFS + GUEST_RAM_PAGE - 100;
	memset(a.ram + buf, 0, VIRTIO_NET_HDR_LEN);
	memcpy(a.ram + buf + VIRTIO_NET_HDR_LEN, frame, sizeof(frame));
	put_desc(&a, TX_DESC, 0, buf, VIRTIO_NET_HDR_LEN + sizeof(frame), 0, 0);
	put16(&a, TX_AVAIL + 4, 0);
	put16(&a, TX_AVAIL + 2, 1);
	page_calls = 0;
	wr(&a, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TX_QUEUE);
	assert_true(page_calls >= 2); /* the frame's two pages, at least */
	assert_int_equal(a.net.stats.tx_frames, 1);
	unsigned id;
	uint32_t len;
	assert_true(next_rx(&b, &id, &len));
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + sizeof(frame));
	assert_memory_equal(b.ram + RX_BUFS + VIRTIO_NET_HDR_LEN, frame, sizeof(frame));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_registers_and_config_space, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_frame_crosses_the_switch, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scattered_frame_crosses_whole, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_buffers_queue_then_drop, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_spoofed_and_malformed_frames_dropped, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_learning_flooding_and_isolation, setup, teardown),
	    cmocka_unit_test(test_switch_holds_every_partition),
	    cmocka_unit_test_setup_teardown(test_receive_buffer_too_small, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_descriptor_outside_ram, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_huge_length, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_address_wraps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_loop, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_next_past_queue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_indices, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_ring_addresses, setup, teardown),
	    cmocka_unit_test(test_guest_ram_page_by_page),
	    cmocka_unit_test_setup_teardown(test_clone_receive_waits_for_its_own_pages, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_clone_sends_across_pages, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clone_notify_copies_what_a_frame_fills, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_clone_without_memory_for_its_used_ring, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

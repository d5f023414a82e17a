/*
 * Host tests for bridging a physical NIC onto a network
 * (hypervisor/core/net_uplink.c): boot-time discovery on a fake PCI bus
 * with a fake 82540EM (tests/fakes/fake_e1000.c), the boot lines, the
 * interrupt routed to the polling CPU, frames both ways between the NIC
 * and a port of the network's switch, a full transmit ring counted as
 * drops, and a config naming a NIC that is not there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/host_ioapic.h"
#include "fake/host_ioapic.h"
#include "config.h"
#include "core/net_uplink.h"
#include "core/partition_net.h"
#include "drivers/nic.h"
#include "fake/console.h"
#include "fake/e1000.h"
#include "fake/pci_config.h"
#include "mm/page_alloc.h"
#include "net/net_switch.h"
#include "public/handoff.h"

#define POOL_SIZE (4u << 20)

static const uint8_t NIC_MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t GUEST_MAC[6] = {0x02, 0, 0, 0, 0, 0x20};
static const uint8_t OUTSIDE_MAC[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

/* A partition's port on the network, as a test receiver. */
static struct {
	unsigned port;
	unsigned frames;
	uint8_t last[NET_FRAME_MAX];
	size_t last_len;
	struct net_queued_frame queue[NET_PORT_QUEUE];
} guest;

static enum net_delivery guest_deliver(void *ctx, const struct net_frame *f)
{
	assert_ptr_equal(ctx, &guest);
	guest.frames++;
	guest.last_len = net_frame_copy(f, 0, guest.last, f->len);
	return NET_DELIVERED;
}

static struct appliance_config config;
static void *pool;

static char captured[400];

static void capture_line(const char *line)
{
	snprintf(captured, sizeof(captured), "%s", line);
}

static int reset(void **state)
{
	(void)state;
	memset(&fake_host_ioapic, 0, sizeof(fake_host_ioapic));
	fake_host_ioapic.present = true;
	memset(&guest, 0, sizeof(guest));
	fake_console_reset();
	fake_pci_reset();
	fake_e1000_reset(NIC_MAC);
	struct fake_pci_function *f = fake_pci_add(0, 2, 0, 0x8086, 0x100e, 0x02000003, 0);
	fake_pci_set_bar(f, 0, FAKE_E1000_BAR, E1000_REGS_SIZE);
	f->config[0x3c / 4] = 0x0000010a; /* INTA#, line 10 */
	static struct handoff empty;
	page_alloc_init(&empty);
	if (!pool)
		pool = aligned_alloc(PAGE_SIZE, POOL_SIZE);
	assert_true(page_alloc_add_range(ptr_to_hpa(pool), POOL_SIZE));
	memset(&config, 0, sizeof(config));
	config.network_count = 1;
	strcpy(config.networks[0].name, "wan");
	config.networks[0].uplink = 0;
	return 0;
}

static void boot(void)
{
	partition_net_init(&config);
	net_uplink_init(&config, 3);
	struct net_switch *sw = partition_net_lock_switch(0);
	assert_non_null(sw);
	int port = net_switch_add_port(sw, GUEST_MAC, false);
	assert_true(port >= 0);
	guest.port = (unsigned)port;
	net_switch_attach(sw, guest.port, guest_deliver, &guest, guest.queue);
	partition_net_unlock();
}

static void frame(uint8_t *f, const uint8_t *to, const uint8_t *from, size_t len, uint8_t fill)
{
	memcpy(f, to, 6);
	memcpy(f + 6, from, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(f + 14, fill, len - 14);
}

static void test_boot_reports_nic_and_bridge(void **state)
{
	(void)state;
	boot();
	assert_true(fake_console_contains(
	    "solo: nic0: Intel 82540EM at 00:02.0, MAC 52:54:00:12:34:56, link up\n"));
	assert_true(
	    fake_console_contains("solo: network 'wan': bridged to nic0 (interrupt line 10)\n"));
	assert_int_equal(fake_host_ioapic.routes, 1);
	assert_int_equal(fake_host_ioapic.route_pin, 10);
	assert_int_equal(fake_host_ioapic.route_apic, 3);
	assert_true(*fake_e1000_reg(E1000_RCTL) & E1000_RCTL_UPE);
}

static void test_frames_both_ways(void **state)
{
	(void)state;
	boot();
	uint8_t f[100];
	/* From outside, to everyone (an ARP reply would be unicast, but the
	 * guest's MAC is not learned yet). */
	static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	frame(f, broadcast, OUTSIDE_MAC, sizeof(f), 0xaa);
	assert_true(fake_e1000_receive(f, sizeof(f), 0, 0));
	net_uplink_poll();
	assert_int_equal(guest.frames, 1);
	assert_int_equal(guest.last_len, sizeof(f));
	assert_memory_equal(guest.last, f, sizeof(f));
	assert_int_equal(fake_host_ioapic.unmasks, 1);
	assert_int_equal(fake_host_ioapic.unmask_pin, 10);
	/* From the guest to the outside MAC, learned on the uplink. */
	frame(f, OUTSIDE_MAC, GUEST_MAC, 60, 0x55);
	struct net_switch *sw = partition_net_lock_switch(0);
	struct net_frame out;
	net_frame_flat(&out, f, 60);
	assert_int_equal(net_switch_send(sw, guest.port, &out), NET_SENT);
	partition_net_unlock();
	assert_int_equal(fake_e1000.sent, 1);
	assert_int_equal(fake_e1000.sent_len[0], 60);
	assert_memory_equal(fake_e1000.sent_frames[0], f, 60);
	/* The guest's MAC is learned now: a unicast from outside to
	 * another MAC is not the guest's. */
	static const uint8_t other[6] = {0x02, 0, 0, 0, 0, 0x99};
	frame(f, other, OUTSIDE_MAC, 80, 0x11);
	assert_true(fake_e1000_receive(f, 80, 0, 0));
	frame(f, GUEST_MAC, OUTSIDE_MAC, 90, 0x22);
	assert_true(fake_e1000_receive(f, 90, 0, 0));
	net_uplink_poll();
	assert_int_equal(guest.frames, 3); /* unknown unicast floods, too */
	assert_int_equal(guest.last_len, 90);
	/* The console's line counts all of it: 100 + 80 + 90 bytes in, in two
	 * polls that each found the interrupt cause set. */
	net_uplink_report(capture_line);
	assert_string_equal(
	    captured, "nic0 (Intel 82540EM) on wan: received 3 frames (270 bytes), sent 1 (60 "
	              "bytes); errors 0, transmit ring full 0, too long 0; 2 interrupts; "
	              "dropped from the outside: 0 malformed");
}

static void test_full_transmit_ring_drops_and_counts(void **state)
{
	(void)state;
	boot();
	uint8_t f[60];
	frame(f, OUTSIDE_MAC, GUEST_MAC, sizeof(f), 0x33);
	fake_e1000.tx_stalled = true;
	struct net_switch *sw = partition_net_lock_switch(0);
	struct net_frame out;
	net_frame_flat(&out, f, sizeof(f));
	for (unsigned i = 0; i < 200; i++)
		net_switch_send(sw, guest.port, &out);
	struct net_port_stats uplink = sw->ports[0].stats;
	partition_net_unlock();
	struct nic *nic = nic_get(0);
	assert_true(nic->stats.tx_ring_full > 0);
	assert_int_equal(nic->stats.tx_frames + nic->stats.tx_ring_full, 200);
	assert_int_equal(uplink.drop_queue_full, nic->stats.tx_ring_full);
}

static void test_missing_nic_leaves_network_internal(void **state)
{
	(void)state;
	config.networks[0].uplink = 1;
	boot();
	assert_true(fake_console_contains("solo: network 'wan': uplink nic1: no such NIC\n"));
	assert_int_equal(fake_host_ioapic.routes, 0);
	assert_int_equal(*fake_e1000_reg(E1000_RCTL), 0); /* nic0 never started */
	net_uplink_poll();
	assert_int_equal(fake_host_ioapic.unmasks, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_boot_reports_nic_and_bridge, reset),
	    cmocka_unit_test_setup(test_frames_both_ways, reset),
	    cmocka_unit_test_setup(test_full_transmit_ring_drops_and_counts, reset),
	    cmocka_unit_test_setup(test_missing_nic_leaves_network_internal, reset),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}

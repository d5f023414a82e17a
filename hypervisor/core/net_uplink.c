/*
 * Bridging physical NICs onto networks (core/net_uplink.h).
 */
#include <stdio.h>
#include <string.h>

#include "arch/host_ioapic.h"
#include "core/net_uplink.h"
#include "core/partition_net.h"
#include "drivers/nic.h"
#include "drivers/pci.h"
#include "lib/console.h"
#include "net/net_switch.h"

#define NO_PIN 0xffu

struct uplink {
	struct nic *nic;
	unsigned network;
	unsigned port;
	unsigned pin; /* its I/O APIC pin, NO_PIN when polled only */
};

static struct uplink uplinks[CONFIG_MAX_NETWORKS];
static unsigned uplink_count;
static struct net_switch *current; /* the switch of the uplink being polled */

/* The switch has a frame for the outside: into the transmit ring. A full
 * ring drops it (counted as the port's queue being full): the uplink's
 * ring is its queue. */
/* The frame gathered flat for the NIC's transmit (which copies it into
 * its DMA buffer): the wire's MTU keeps it small. Under net_lock. */
static uint8_t outgoing[NET_FRAME_MAX];

static enum net_delivery deliver(void *ctx, const struct net_frame *frame)
{
	struct uplink *u = ctx;
	size_t len = net_frame_copy(frame, 0, outgoing, frame->len);
	return nic_transmit(u->nic, outgoing, len) ? NET_DELIVERED : NET_NO_BUFFER;
}

static void receive(void *ctx, const uint8_t *bytes, size_t len)
{
	struct uplink *u = ctx;
	struct net_frame frame;
	net_frame_flat(&frame, bytes, len);
	net_switch_send(current, u->port, &frame);
}

/* Routes the NIC's legacy interrupt line to the polling CPU; without
 * ACPI's routing tables, the line the firmware wrote into configuration
 * space is the I/O APIC pin (as on PIIX/ICH chipsets, and in Bochs). */
static unsigned route_interrupt(const struct nic *nic, uint32_t apic_id)
{
	static int ioapic_state; /* 0 not looked at, 1 present, -1 absent */
	const struct pci_device *d = &nic->pci;
	if (!d->interrupt_pin || d->interrupt_line == 0xff)
		return NO_PIN;
	if (!ioapic_state)
		ioapic_state = host_ioapic_init(HOST_IOAPIC_DEFAULT_BASE) ? 1 : -1;
	if (ioapic_state < 0 || !host_ioapic_route(d->interrupt_line, apic_id))
		return NO_PIN;
	return d->interrupt_line;
}

static void bridge(const struct config_network *n, unsigned network, uint32_t apic_id)
{
	char err[96];
	struct nic *nic = nic_get((unsigned)n->uplink);
	if (!nic) {
		console_printf("solo: network '%s': uplink nic%d: no such NIC\n", n->name,
		               n->uplink);
		return;
	}
	if (!nic_start(nic, err, sizeof(err))) {
		console_printf("solo: network '%s': uplink nic%d not started: %s\n", n->name,
		               n->uplink, err);
		return;
	}
	struct uplink *u = &uplinks[uplink_count];
	struct net_switch *sw = partition_net_lock_switch(network);
	int port = sw ? net_switch_add_port(sw, nic->mac, true) : -1;
	if (port >= 0) {
		*u = (struct uplink){.nic = nic, .network = network, .port = (unsigned)port};
		net_switch_attach(sw, u->port, deliver, u, 0);
	}
	if (sw)
		partition_net_unlock();
	if (port < 0) {
		console_printf("solo: network '%s': uplink nic%d: no switch port left\n", n->name,
		               n->uplink);
		return;
	}
	uplink_count++;
	u->pin = route_interrupt(nic, apic_id);
	if (u->pin != NO_PIN)
		console_printf("solo: network '%s': bridged to nic%d (interrupt line %u)\n",
		               n->name, n->uplink, u->pin);
	else
		console_printf("solo: network '%s': bridged to nic%d (no interrupt: polled "
		               "between time slices)\n",
		               n->name, n->uplink);
}

void net_uplink_init(const struct appliance_config *config, uint32_t poll_apic_id)
{
	static struct pci_device devices[PCI_MAX_DEVICES];
	uplink_count = 0;
	/* Every boot reports the NICs, uplinks or not: that line is how an
	 * appliance's author learns what nicN to name. */
	unsigned found = pci_scan(devices, PCI_MAX_DEVICES);
	if (found > PCI_MAX_DEVICES)
		found = PCI_MAX_DEVICES;
	nic_probe_all(devices, found);
	for (unsigned i = 0; i < config->network_count; i++)
		if (config->networks[i].uplink >= 0)
			bridge(&config->networks[i], i, poll_apic_id);
}

void net_uplink_poll(void)
{
	for (unsigned i = 0; i < uplink_count; i++) {
		struct uplink *u = &uplinks[i];
		current = partition_net_lock_switch(u->network);
		nic_poll(u->nic, receive, u);
		partition_net_unlock();
		/* The poll cleared the NIC's cause: the line is down unless
		 * a frame came since, which then interrupts again. */
		if (u->pin != NO_PIN)
			host_ioapic_unmask(u->pin);
	}
}

void net_uplink_report(void (*out)(const char *line))
{
	for (unsigned i = 0; i < uplink_count; i++) {
		const struct uplink *u = &uplinks[i];
		struct net_switch *sw = partition_net_lock_switch(u->network);
		struct nic_stats n = u->nic->stats;
		struct net_port_stats p = sw->ports[u->port].stats;
		char name[sizeof(sw->name)];
		memcpy(name, sw->name, sizeof(name));
		partition_net_unlock();
		char line[280];
		snprintf(line, sizeof(line),
		         "nic%u (%s) on %s: received %llu frames (%llu bytes), sent %llu (%llu "
		         "bytes); errors %llu, transmit ring full %llu, too long %llu; %llu "
		         "interrupts; dropped from the outside: %llu malformed",
		         u->nic->index, u->nic->model->name, name, (unsigned long long)n.rx_frames,
		         (unsigned long long)n.rx_bytes, (unsigned long long)n.tx_frames,
		         (unsigned long long)n.tx_bytes, (unsigned long long)n.rx_errors,
		         (unsigned long long)n.tx_ring_full, (unsigned long long)n.tx_too_long,
		         (unsigned long long)n.interrupts, (unsigned long long)p.drop_malformed);
		out(line);
	}
}

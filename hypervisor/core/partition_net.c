/*
 * Partitions' network interfaces and the switches between them
 * (partition_net.h). A port belongs to an interface's MAC, which the
 * config fixes, so a restarted partition finds its port. Its queue is
 * the partition's while it exists, given back with its RAM (the frames
 * queued for it are dropped at the restart, as a cable pulled and put
 * back would lose them).
 */
#include <stdio.h>
#include <string.h>

#include "core/guest_memory.h"
#include "core/partition.h"
#include "core/pcpu.h"
#include "core/partition_ipi.h"
#include "core/partition_net.h"
#include "guest_machine.h"
#include "lib/spinlock.h"
#include "mm/page_alloc.h"
#include "vmx/ept_share.h"

_Static_assert(GUEST_VIRTIO_MMIO_SIZE == VIRTIO_MMIO_WINDOW, "one window per device");
_Static_assert(CONFIG_MAX_NICS <= GUEST_VIRTIO_MAX_DEVICES, "a window for every interface");

static struct spinlock net_lock;
static struct net_switch switches[CONFIG_MAX_NETWORKS];
static unsigned switch_count;
static const struct appliance_config *appliance;

#define QUEUE_PAGES ((sizeof(struct net_queued_frame) * NET_PORT_QUEUE + PAGE_SIZE - 1) / PAGE_SIZE)

void partition_net_init(const struct appliance_config *config)
{
	appliance = config;
	switch_count = config->network_count;
	for (unsigned i = 0; i < switch_count; i++)
		net_switch_init(&switches[i], config->networks[i].name);
}

struct net_switch *partition_net_lock_switch(unsigned network)
{
	if (network >= switch_count)
		return 0;
	spin_lock(&net_lock);
	return &switches[network];
}

void partition_net_unlock(void)
{
	spin_unlock(&net_lock);
}

/* The I/O APIC message for the interface's pin, posted to the vCPUs it
 * names: the interrupt may come from another partition's exit, on
 * another CPU, so it is always posted, never written into an APIC. */
static void raise_interrupt(void *ctx)
{
	struct partition_nic *nic = ctx;
	struct partition *p = nic->partition;
	struct apic_ipi message;
	spin_lock(&p->device_lock);
	bool send = ioapic_raise(&p->ioapic, GUEST_VIRTIO_IRQ(nic->index), &message);
	spin_unlock(&p->device_lock);
	if (send)
		partition_post_interrupt(p, &message);
}

static void transmit(void *ctx, const struct net_frame *frame)
{
	struct partition_nic *nic = ctx;
	net_switch_send(&switches[nic->network], nic->port, frame);
}

static void rx_posted(void *ctx)
{
	struct partition_nic *nic = ctx;
	net_switch_drain(&switches[nic->network], nic->port);
}

static enum net_delivery deliver(void *ctx, const struct net_frame *frame)
{
	struct partition_nic *nic = ctx;
	enum net_delivery taken = virtio_net_receive(&nic->dev, frame);
	/* A receiver that broke its rings is ended here, on the sender's
	 * CPU; its own vCPUs see that at their next exit. */
	if (nic->dev.transport.violation) {
		struct partition *p = nic->partition;
		partition_end(p, PARTITION_CRASHED, "virtio-net eth%u: %s", nic->index,
		              nic->dev.transport.violation);
		partition_alert_all(p);
	}
	return taken;
}

static int find_or_add_port(struct net_switch *sw, const uint8_t *mac)
{
	for (unsigned i = 0; i < sw->port_count; i++)
		if (!memcmp(sw->ports[i].mac, mac, NET_MAC_LEN))
			return (int)i;
	return net_switch_add_port(sw, mac, false);
}

/* A clone's RAM for its devices (guest_ram.h): a page is read where its
 * EPT maps it; a write needs the clone's own copy, and a shared page is
 * copied only on the clone's own CPU (or before it first runs), where the
 * EPT flush that follows covers every CPU that may hold its old mapping. */
static uint8_t *clone_page(void *ctx, uint64_t gpa, bool for_write)
{
	struct partition *p = ctx;
	hpa_t hpa;
	if (!for_write)
		return ept_translate(&p->ept, gpa, &hpa) ? hpa_to_ptr(hpa) : 0;
	if (ept_private_page(&p->ept, gpa, &hpa))
		return hpa_to_ptr(hpa);
	bool own_cpu = this_cpu()->index == p->vcpus[0].pcpu_index;
	return p->building || own_cpu ? guest_page_for_write(p, gpa) : 0;
}

/* The RAM as the partition's devices see it: its own block, or a
 * clone's pages. */
static struct guest_ram ram_view(struct partition *p)
{
	if (p->ram_hpa)
		return (struct guest_ram){.base = hpa_to_ptr(p->ram_hpa), .size = p->ram_size};
	return (struct guest_ram){.size = p->ram_size, .page = clone_page, .ctx = p};
}

/* A clone's device rings and posted receive buffers become its own
 * pages, so that a sender on any CPU can write them. */
static bool own_device_pages(struct partition *p)
{
	for (unsigned i = 0; i < p->nic_count; i++) {
		struct virtio_mmio *t = &p->nics[i].dev.transport;
		for (unsigned q = 0; q < t->queue_count; q++)
			if (!virtq_own_used_ring(&t->queues[q], &t->ram) ||
			    !virtq_own_posted_buffers(&t->queues[q], &t->ram,
			                              virtio_net_frame_room(&p->nics[i].dev)))
				return false;
	}
	return true;
}

void partition_net_save(const struct partition *p, struct virtio_mmio *out)
{
	spin_lock(&net_lock);
	for (unsigned i = 0; i < p->nic_count; i++)
		out[i] = p->nics[i].dev.transport;
	spin_unlock(&net_lock);
}

bool partition_net_follow_ram(struct partition *p)
{
	spin_lock(&net_lock);
	for (unsigned i = 0; i < p->nic_count; i++)
		p->nics[i].dev.transport.ram = ram_view(p);
	bool ok = own_device_pages(p);
	spin_unlock(&net_lock);
	return ok;
}

bool partition_net_restore(struct partition *p, const struct virtio_mmio *saved, unsigned count)
{
	if (count != p->nic_count)
		return false;
	spin_lock(&net_lock);
	for (unsigned i = 0; i < count; i++) {
		/* The driver's side of the transport is the template's; the
		 * device, its RAM and its MAC are the clone's own. */
		struct virtio_mmio *t = &p->nics[i].dev.transport;
		t->driver_features = saved[i].driver_features;
		t->device_features_sel = saved[i].device_features_sel;
		t->driver_features_sel = saved[i].driver_features_sel;
		t->queue_sel = saved[i].queue_sel;
		t->status = saved[i].status;
		t->interrupt_status = saved[i].interrupt_status;
		memcpy(t->queues, saved[i].queues, sizeof(t->queues));
	}
	bool ok = own_device_pages(p);
	spin_unlock(&net_lock);
	return ok;
}

bool partition_net_create(struct partition *p, const struct config_nic *nics, unsigned count,
                          char *err, size_t errlen)
{
	struct guest_ram ram = ram_view(p);
	p->nic_count = 0;
	spin_lock(&net_lock);
	for (unsigned i = 0; i < count; i++) {
		struct partition_nic *nic = &p->nics[i];
		if (nics[i].network >= switch_count) {
			spin_unlock(&net_lock);
			snprintf(err, errlen, "eth%u: no such network", i);
			return false;
		}
		struct net_switch *sw = &switches[nics[i].network];
		int port = find_or_add_port(sw, nics[i].mac);
		if (port < 0) {
			spin_unlock(&net_lock);
			snprintf(err, errlen, "eth%u: network '%s' has no port left", i, sw->name);
			return false;
		}
		hpa_t queue = page_alloc(QUEUE_PAGES, PAGE_SIZE);
		if (!queue) {
			spin_unlock(&net_lock);
			snprintf(err, errlen, "eth%u: out of memory for its queue", i);
			return false;
		}
		virtio_net_init(&nic->dev, nics[i].mac,
		                (uint16_t)appliance->networks[nics[i].network].mtu, ram, transmit,
		                rx_posted, raise_interrupt, nic);
		nic->partition = p;
		nic->index = i;
		nic->network = nics[i].network;
		nic->port = (unsigned)port;
		nic->config = &nics[i];
		net_switch_attach(sw, nic->port, deliver, nic, hpa_to_ptr(queue));
		p->nic_count = i + 1;
	}
	spin_unlock(&net_lock);
	return true;
}

void partition_net_destroy(struct partition *p)
{
	spin_lock(&net_lock);
	for (unsigned i = 0; i < p->nic_count; i++) {
		struct net_queued_frame *queue =
		    net_switch_detach(&switches[p->nics[i].network], p->nics[i].port);
		if (queue)
			page_free(ptr_to_hpa(queue), QUEUE_PAGES);
	}
	p->nic_count = 0;
	spin_unlock(&net_lock);
}

static struct partition_nic *nic_at(const struct partition *p, uint64_t gpa)
{
	if (gpa < GUEST_VIRTIO_MMIO_BASE)
		return 0;
	uint64_t index = (gpa - GUEST_VIRTIO_MMIO_BASE) / GUEST_VIRTIO_MMIO_SIZE;
	return index < p->nic_count ? (struct partition_nic *)&p->nics[index] : 0;
}

bool partition_net_claims(const struct partition *p, uint64_t gpa)
{
	return nic_at(p, gpa) != 0;
}

bool partition_net_mmio(struct vcpu *vcpu, uint64_t gpa, unsigned size, bool is_write,
                        uint32_t *value)
{
	struct partition *p = vcpu->partition;
	struct partition_nic *nic = nic_at(p, gpa);
	if (!nic)
		return false;
	unsigned offset = (unsigned)((gpa - GUEST_VIRTIO_MMIO_BASE) % GUEST_VIRTIO_MMIO_SIZE);
	spin_lock(&net_lock);
	struct virtio_mmio *t = &nic->dev.transport;
	bool ok = is_write ? virtio_mmio_write(t, offset, size, *value)
	                   : virtio_mmio_read(t, offset, size, value);
	const char *violation = t->violation;
	spin_unlock(&net_lock);
	if (violation) {
		partition_end(p, PARTITION_CRASHED, "virtio-net eth%u: %s", nic->index, violation);
		return false;
	}
	return ok;
}

/* "10.77.0.2/24", or "dhcp". */
static void format_address(char *out, size_t len, const struct partition_nic *nic)
{
	uint32_t a = nic->config->address;
	if (nic->config->mode == CONFIG_NIC_DHCP)
		snprintf(out, len, "dhcp");
	else
		snprintf(out, len, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		         a & 255, appliance->networks[nic->network].prefix);
}

void partition_net_addresses(const struct partition *p, char *out, size_t len)
{
	size_t at = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < p->nic_count && at < len; i++) {
		char one[24];
		format_address(one, sizeof(one), &p->nics[i]);
		int n = snprintf(out + at, len - at, "%s%s", i ? " " : "", one);
		if (n < 0)
			break;
		at += (size_t)n;
	}
}

size_t partition_net_identity(const struct partition *p, char *out, size_t size)
{
	size_t at = 0;
	for (unsigned i = 0; i < p->nic_count && at < size; i++) {
		const uint8_t *m = p->nics[i].dev.mac;
		char address[24];
		format_address(address, sizeof(address), &p->nics[i]);
		int n = snprintf(out + at, size - at, "nic%u=%02x:%02x:%02x:%02x:%02x:%02x %s\n", i,
		                 m[0], m[1], m[2], m[3], m[4], m[5], address);
		if (n < 0 || (size_t)n >= size - at)
			return 0; /* never a cut line */
		at += (size_t)n;
	}
	return at;
}

void partition_net_report(const struct partition *p, void (*out)(const char *line))
{
	for (unsigned i = 0; i < p->nic_count; i++) {
		const struct partition_nic *nic = &p->nics[i];
		spin_lock(&net_lock);
		struct net_port_stats s = switches[nic->network].ports[nic->port].stats;
		struct virtio_net_stats d = nic->dev.stats;
		spin_unlock(&net_lock);
		const uint8_t *m = nic->dev.mac;
		char line[280], address[24];
		format_address(address, sizeof(address), nic);
		snprintf(line, sizeof(line),
		         "[%s] eth%u %02x:%02x:%02x:%02x:%02x:%02x %s on %s: sent %llu frames "
		         "(%llu bytes), received %llu (%llu bytes); dropped: %llu spoofed, %llu "
		         "malformed, %llu queue full, %llu not listening, %llu too big for the "
		         "buffer; %llu notifies, %llu interrupts",
		         p->name, i, m[0], m[1], m[2], m[3], m[4], m[5], address,
		         switches[nic->network].name, (unsigned long long)s.tx_frames,
		         (unsigned long long)s.tx_bytes, (unsigned long long)s.rx_frames,
		         (unsigned long long)s.rx_bytes, (unsigned long long)s.drop_spoofed,
		         (unsigned long long)(s.drop_malformed + d.tx_malformed),
		         (unsigned long long)s.drop_queue_full,
		         (unsigned long long)s.drop_not_listening,
		         (unsigned long long)d.rx_too_small, (unsigned long long)d.notifies,
		         (unsigned long long)d.interrupts);
		out(line);
	}
}

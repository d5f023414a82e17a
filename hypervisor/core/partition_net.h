/*
 * A partition's network interfaces: one virtio-net device per `network`
 * line of its config section, each in its own virtio-mmio window with
 * its own I/O APIC pin (loader/guest_machine.h), each a port on its
 * network's switch. One lock, net_lock, guards every switch and every
 * partition's network devices: a frame moves from one partition's ring
 * into another's under it, on whichever CPU the sender exits on. It is
 * taken before a partition's device_lock (to raise the receiver's
 * interrupt), never after.
 */
#ifndef SOLO_CORE_PARTITION_NET_H
#define SOLO_CORE_PARTITION_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "devices/virtio_net.h"

struct partition;
struct vcpu;

struct partition_nic {
	struct virtio_net dev;
	struct partition *partition;
	unsigned index; /* eth0, eth1, ...: its window and its pin */
	unsigned network;
	unsigned port; /* on its network's switch */
	const struct config_nic *config;
};

/* Sets up a switch for each [network] of the appliance; once, at boot. */
void partition_net_init(const struct appliance_config *config);

/* The network's switch with net_lock held, for the physical uplinks
 * (core/net_uplink.c) that are ports on it; NULL, unlocked, when there
 * is no such network. partition_net_unlock releases it. */
struct net_switch *partition_net_lock_switch(unsigned network);
void partition_net_unlock(void);

/* Gives a partition being created its interfaces and attaches them to
 * their switches (its RAM must be allocated). False, with the reason in
 * err, when a switch has no port left or memory runs out. */
bool partition_net_create(struct partition *p, const struct config_nic *nics, unsigned count,
                          char *err, size_t errlen);

/* Detaches a partition's interfaces before its RAM is freed. */
void partition_net_destroy(struct partition *p);

/* The clone point's lines for p's interfaces, each `nicK=MAC ADDRESS`
 * with ADDRESS as the spec has it (A.B.C.D/PREFIX or dhcp): what a
 * clone, whose kernel knows its template's MACs, takes as its own.
 * Returns the length written (0 with no interface, or no room). */
#define PARTITION_NET_IDENTITY_LINE 44 /* "nic3=" MAC, ' ', 18, '\n' */
size_t partition_net_identity(const struct partition *p, char *out, size_t size);

/* For a template: the driver's state of each interface's transport
 * (p->nic_count of them) into out. */
void partition_net_save(const struct partition *p, struct virtio_mmio *out);

/* The partition's RAM changed hands (its block became a template's, in
 * its own vCPU's exit): its devices now see it page by page. False when
 * there was no memory for the pages the devices write. */
bool partition_net_follow_ram(struct partition *p);

/* A clone being built (p->building) takes its template's transport
 * state; its interfaces were made by partition_net_create, with its own
 * MACs. False when the interface count differs or memory ran out. */
bool partition_net_restore(struct partition *p, const struct virtio_mmio *saved, unsigned count);

/* Whether gpa is in one of the partition's interface windows. */
bool partition_net_claims(const struct partition *p, uint64_t gpa);

/* A guest's access of `size` bytes to its interface window at gpa. False
 * when it is to no register; a guest that broke the device's rules is
 * ended with the reason (and false returned). */
bool partition_net_mmio(struct vcpu *vcpu, uint64_t gpa, unsigned size, bool is_write,
                        uint32_t *value);

/* Writes one line per interface of the partition (its name, MAC,
 * network and counters) through `out`; for the console. */
void partition_net_report(const struct partition *p, void (*out)(const char *line));

/* The partition's addresses, "10.77.0.2/24 10.78.0.5/24" ("dhcp" for an
 * interface that asks for one), "" without interfaces; for `list`. */
void partition_net_addresses(const struct partition *p, char *out, size_t len);

#endif

/*
 * Physical uplinks: a NIC solo drives (drivers/nic.h) bridged onto the
 * network whose [network] section names it (`uplink = nic0`), as one
 * more port of that network's switch. The port sends with any source MAC
 * (it carries the whole outside world) and takes whatever the switch
 * forwards to it into the NIC's transmit ring; frames the NIC receives
 * go into the switch as sent by that port. Everything runs under
 * net_lock (partition_net.h), which thus also serialises the drivers.
 *
 * Latency and idleness: each uplink NIC's interrupt line is routed
 * through the machine's I/O APIC to the boot CPU (arch/host_ioapic.h),
 * which polls the receive rings between its time slices
 * (net_uplink_poll). A frame's interrupt wakes that CPU from its idle
 * HLT, or makes it leave its guest (external-interrupt exiting), so it
 * is taken within microseconds, and an idle appliance takes no wake-ups
 * for it. Frames partitions send go out from the sender's own exit, on
 * its CPU, without waiting for a poll. Where the interrupt cannot be
 * routed (no interrupt line, no I/O APIC) the rings are still polled
 * between the boot CPU's slices, and the boot line says so.
 */
#ifndef SOLO_CORE_NET_UPLINK_H
#define SOLO_CORE_NET_UPLINK_H

#include <stdint.h>

#include "config.h"

/* Finds the NICs (PCI scan, drivers' probes: one line each) and bridges
 * each network's uplink, its interrupt routed to the CPU with
 * poll_apic_id, which must call net_uplink_poll between its slices. A
 * network naming a NIC that is not there says so and stays internal. */
void net_uplink_init(const struct appliance_config *config, uint32_t poll_apic_id);

/* Takes what the uplinks received into their switches. */
void net_uplink_poll(void);

/* One line per bridged NIC (its network, its counters and its switch
 * port's drops) through `out`; for the console's `net`. */
void net_uplink_report(void (*out)(const char *line));

#endif

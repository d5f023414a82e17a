/*
 * A switch's MAC table: which port each source MAC was last seen on.
 * Looked up twice for every frame (learning its source, finding its
 * destination), so it is a hash table, open addressing with linear
 * probing, and costs the same with 5 MACs or 500. When it holds
 * NET_FDB_MAX MACs, learning a new one forgets the one seen longest ago
 * (a scan, only then); a port's MACs are forgotten when it is detached.
 * Zeroed memory is an empty table.
 */
#ifndef SOLO_NET_NET_FDB_H
#define SOLO_NET_NET_FDB_H

#include <stdbool.h>
#include <stdint.h>

#define NET_FDB_MAC_LEN 6
/* MACs remembered: one for every port a switch may have. */
#define NET_FDB_MAX 529
/* Slots: a power of two, at least twice NET_FDB_MAX, so probes stay short. */
#define NET_FDB_SLOTS 2048

struct net_fdb_entry {
	uint8_t mac[NET_FDB_MAC_LEN];
	uint16_t port;
	bool used;
	uint64_t seen; /* the switch's frame counter when last seen */
};

struct net_fdb {
	unsigned count;
	struct net_fdb_entry slots[NET_FDB_SLOTS];
};

/* The port mac was last seen on, or -1. */
int net_fdb_find(const struct net_fdb *f, const uint8_t mac[NET_FDB_MAC_LEN]);

/* mac was seen on port at `now`. */
void net_fdb_learn(struct net_fdb *f, const uint8_t mac[NET_FDB_MAC_LEN], unsigned port,
                   uint64_t now);

/* Forgets every MAC learned on port. */
void net_fdb_forget_port(struct net_fdb *f, unsigned port);

#endif

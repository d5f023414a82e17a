/* The switch's MAC table (net_fdb.h). */
#include <string.h>

#include "net/net_fdb.h"

_Static_assert((NET_FDB_SLOTS & (NET_FDB_SLOTS - 1)) == 0, "slots: a power of two");
_Static_assert(NET_FDB_SLOTS >= 2 * NET_FDB_MAX, "slots: at most half full");

#define MASK (NET_FDB_SLOTS - 1u)

/* FNV-1a over the six bytes: guests choose their MACs, so every byte
 * counts, not only the low ones. */
static unsigned home_of(const uint8_t *mac)
{
	uint32_t h = 2166136261u;
	for (unsigned i = 0; i < NET_FDB_MAC_LEN; i++)
		h = (h ^ mac[i]) * 16777619u;
	return (h ^ (h >> 16)) & MASK;
}

/* The slot holding mac, or the empty slot where it would go. */
static unsigned probe(const struct net_fdb *f, const uint8_t *mac)
{
	unsigned i = home_of(mac);
	while (f->slots[i].used && memcmp(f->slots[i].mac, mac, NET_FDB_MAC_LEN))
		i = (i + 1) & MASK;
	return i;
}

int net_fdb_find(const struct net_fdb *f, const uint8_t mac[NET_FDB_MAC_LEN])
{
	unsigned i = probe(f, mac);
	return f->slots[i].used ? f->slots[i].port : -1;
}

/* Empties slot i and moves later entries of its run back into the gap,
 * so every entry stays reachable from its home without tombstones: an
 * entry at j may fill the gap at i unless its home lies cyclically in
 * (i, j]. */
static void remove_at(struct net_fdb *f, unsigned i)
{
	f->slots[i].used = false;
	f->count--;
	for (unsigned j = (i + 1) & MASK; f->slots[j].used; j = (j + 1) & MASK) {
		unsigned home = home_of(f->slots[j].mac);
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (stays)
			continue;
		f->slots[i] = f->slots[j];
		f->slots[j].used = false;
		i = j;
	}
}

static void forget_oldest(struct net_fdb *f)
{
	unsigned oldest = NET_FDB_SLOTS;
	for (unsigned i = 0; i < NET_FDB_SLOTS; i++)
		if (f->slots[i].used &&
		    (oldest == NET_FDB_SLOTS || f->slots[i].seen < f->slots[oldest].seen))
			oldest = i;
	if (oldest != NET_FDB_SLOTS)
		remove_at(f, oldest);
}

void net_fdb_learn(struct net_fdb *f, const uint8_t mac[NET_FDB_MAC_LEN], unsigned port,
                   uint64_t now)
{
	unsigned i = probe(f, mac);
	if (!f->slots[i].used) {
		if (f->count == NET_FDB_MAX) {
			forget_oldest(f);
			i = probe(f, mac); /* the removal may have moved the gap */
		}
		memcpy(f->slots[i].mac, mac, NET_FDB_MAC_LEN);
		f->slots[i].used = true;
		f->count++;
	}
	f->slots[i].port = (uint16_t)port;
	f->slots[i].seen = now;
}

void net_fdb_forget_port(struct net_fdb *f, unsigned port)
{
	/* Removing moves entries back, possibly into slots already passed:
	 * look at each slot again until it holds none of the port's. */
	for (unsigned i = 0; i < NET_FDB_SLOTS; i++)
		while (f->slots[i].used && f->slots[i].port == port)
			remove_at(f, i);
}

/*
 * The hostile partition's network acts (net_attack.c): it drives its
 * first network interface (virtio-mmio at 0xfeb00000) as a driver would,
 * floods the switch, then breaks its own transmit ring in one of three
 * ways, after which solo must have ended it.
 */
#ifndef SOLO_HOSTILE_NET_ATTACK_H
#define SOLO_HOSTILE_NET_ATTACK_H

enum net_attack {
	NET_ATTACK_OUTSIDE, /* a descriptor pointing outside its RAM, huge */
	NET_ATTACK_LOOP,    /* a descriptor chain that loops */
	NET_ATTACK_INDEX,   /* an available index far ahead of the ring */
};

void net_attack(enum net_attack how);

#endif

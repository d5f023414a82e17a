/*
 * The container's network, as solo-init sets it up before the command
 * runs: the loopback interface (127.0.0.1/8, net_setup_loopback), then
 * (net_setup) each of the spec's net= interfaces, found by its MAC (the kernel names them; solo only
 * fixes their hardware addresses): a fixed address and netmask, or a
 * DHCP lease (dhcp.h); the default route (the spec's route=, else the
 * router of the first DHCP lease that names one); /etc/hosts (localhost
 * and the spec's host= lines) when the spec has any net= line, and
 * /etc/resolv.conf (the spec's dns= servers, then the leases') when there
 * is any server. Everything goes through the classic ioctls, so the
 * kernel needs nothing but IPv4. A step that fails is one line by SAY,
 * and the rest goes on: a container without its network may still be
 * worth running, and its own messages will say what it lacks.
 */
#ifndef SOLO_NET_SETUP_H
#define SOLO_NET_SETUP_H

#include <stddef.h>
#include <stdint.h>

#include "spec.h"

/* The longest /etc/hosts: localhost and SPEC_MAX_HOSTS lines of an
 * address, a tab, a name and a newline. */
#define NET_HOSTS_MAX                                                                              \
	(sizeof("127.0.0.1\tlocalhost\n") + SPEC_MAX_HOSTS * (16 + SPEC_HOSTNAME_MAX + 1))
/* The longest /etc/resolv.conf: "nameserver a.b.c.d\n" each. */
#define NET_RESOLV_MAX (SPEC_MAX_DNS * sizeof("nameserver 255.255.255.255\n") + 1)

void net_setup(const struct spec *spec, void (*say)(const char *fmt, ...));

/* Brings the loopback interface up as 127.0.0.1/8. Every container has
 * it the same, so solo-init does it before the clone point and clones
 * find it done. */
void net_setup_loopback(void (*say)(const char *fmt, ...));

/* The text of /etc/hosts for SPEC into BUF (NET_HOSTS_MAX bytes),
 * NUL-terminated; returns its length. */
size_t net_hosts_text(const struct spec *spec, char buf[NET_HOSTS_MAX]);

/* The text of /etc/resolv.conf for the COUNT (up to SPEC_MAX_DNS) servers
 * into BUF (NET_RESOLV_MAX bytes), NUL-terminated; returns its length. */
size_t net_resolv_text(const uint32_t *servers, size_t count, char buf[NET_RESOLV_MAX]);

/* The dotted quad of an address in host byte order into OUT; returns OUT. */
const char *net_ipv4_text(uint32_t address, char out[16]);

#endif

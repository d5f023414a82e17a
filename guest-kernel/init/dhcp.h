/*
 * solo-init's DHCP client (RFC 2131), for the spec's `net=MAC dhcp`
 * interfaces: just enough to take an IPv4 address, netmask, router and
 * name servers for one interface, and to renew the lease while the
 * container runs. It is solo-init's own so that DHCP works in any image,
 * scratch and distroless ones included, with no busybox or dhclient.
 * It talks through an ordinary UDP socket bound to the interface (port
 * 68, SO_BINDTODEVICE) and asks servers to broadcast their answers (the
 * BROADCAST flag): Linux does not deliver a unicast answer to an address
 * the interface does not hold yet. Left out: relays' option overload, the
 * client identifier (the MAC identifies the client), DHCPDECLINE (no ARP
 * probe of the offered address) and DHCPRELEASE. The message building and
 * parsing are pure, for host tests.
 */
#ifndef SOLO_DHCP_H
#define SOLO_DHCP_H

#include <stddef.h>
#include <stdint.h>

#define DHCP_MAX_DNS        3
#define DHCP_MESSAGE_MAX    576 /* what every server must accept (RFC 2131 2) */
#define DHCP_LEASE_INFINITE 0xffffffffu

enum dhcp_type {
	DHCP_DISCOVER = 1,
	DHCP_OFFER = 2,
	DHCP_REQUEST = 3,
	DHCP_ACK = 5,
	DHCP_NAK = 6,
};

/* What a server offers or grants; IPv4 addresses in host byte order. */
struct dhcp_lease {
	uint32_t address;
	uint32_t netmask; /* the address's classful mask when the server gives none */
	uint32_t router;  /* 0: none */
	uint32_t server;  /* the server identifier */
	uint32_t lease_s; /* DHCP_LEASE_INFINITE when the server gives none */
	size_t dns_count;
	uint32_t dns[DHCP_MAX_DNS];
};

/* One client message. */
struct dhcp_request {
	enum dhcp_type type; /* DHCP_DISCOVER or DHCP_REQUEST */
	uint32_t xid;
	uint8_t mac[6];
	uint32_t client;    /* ciaddr: the address held, when renewing; else 0 */
	uint32_t requested; /* option 50, when selecting an offer; else 0 */
	uint32_t server;    /* option 54, when selecting an offer; else 0 */
};

/* Writes the message for REQ into BUF; returns its length (at least
 * BOOTP's 300 bytes, which some servers and relays insist on). */
size_t dhcp_message(uint8_t buf[DHCP_MESSAGE_MAX], const struct dhcp_request *req);

/*
 * Reads a server's answer of LEN bytes to the message with XID from MAC
 * into *LEASE. Returns its type: DHCP_OFFER or DHCP_ACK, with an address
 * (and for an offer, the server identifier), or DHCP_NAK; -1 for anything
 * else, including answers to other clients and malformed messages.
 */
int dhcp_parse(const uint8_t *buf, size_t len, uint32_t xid, const uint8_t mac[6],
               struct dhcp_lease *lease);

/*
 * Takes a lease for the interface IFNAME (up, without an address) whose
 * hardware address is MAC: DISCOVER, OFFER, REQUEST, ACK, with retries,
 * giving up after about 10 s. Returns 0, or -1 with the reason in WHY.
 */
int dhcp_acquire(const char *ifname, const uint8_t mac[6], struct dhcp_lease *lease, char *why,
                 size_t whylen);

/*
 * Keeps LEASE, taken just now on IFNAME, for as long as the container
 * runs: forks a process (named solo-dhcp) that renews it at half its time
 * and rebinds from seven eighths on. A refusal or a lease that runs out is
 * one line by SAY; the address stays on the interface. An infinite lease
 * needs no process.
 */
void dhcp_keep_lease(const char *ifname, const uint8_t mac[6], const struct dhcp_lease *lease,
                     void (*say)(const char *fmt, ...));

#endif

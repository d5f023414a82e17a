/*
 * libFuzzer target for solo-init's reading of DHCP server replies
 * (guest-kernel/init/dhcp.c), which comes from the network: any bytes
 * must be read without a crash or a read past their end, and what
 * dhcp_parse accepts must be what dhcp.h promises: a reply (op 2) to the
 * caller's xid and MAC with the magic cookie, an offer or ack with the
 * header's address, a nonzero netmask and at most DHCP_MAX_DNS name
 * servers, an offer with a server identifier. Each input is read twice:
 * for a fixed client (the seeds' xid and MAC), and for the client the
 * input's own xid and chaddr name, so that the fuzzer reaches the options
 * whatever it does to the header; a client the reply does not name is
 * then always refused.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIXED_XID 0x12345678u
#define XID       4
#define YIADDR    16
#define CHADDR    28
#define OPTIONS   240

static const uint8_t fixed_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static void require(int ok)
{
	if (!ok)
		abort();
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int check(const uint8_t *data, size_t size, uint32_t xid, const uint8_t mac[6])
{
	struct dhcp_lease lease;
	int type = dhcp_parse(data, size, xid, mac, &lease);

	if (type == -1)
		return type;
	require(type == DHCP_OFFER || type == DHCP_ACK || type == DHCP_NAK);
	require(size >= OPTIONS && data[0] == 2 && be32(data + XID) == xid &&
	        memcmp(data + CHADDR, mac, 6) == 0 && be32(data + 236) == 0x63825363u);
	if (type == DHCP_NAK)
		return type;
	require(lease.address != 0 && lease.address == be32(data + YIADDR));
	require(lease.netmask != 0);
	require(lease.dns_count <= DHCP_MAX_DNS);
	require(type != DHCP_OFFER || lease.server != 0);
	return type;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, FIXED_XID, fixed_mac);
	if (size < CHADDR + 6)
		return 0;

	uint32_t xid = be32(data + XID);
	uint8_t mac[6];

	memcpy(mac, data + CHADDR, 6);
	check(data, size, xid, mac);
	require(check(data, size, xid ^ 1, mac) == -1);
	mac[5] ^= 1;
	require(check(data, size, xid, mac) == -1);

	/* A request built from the input is well formed and never taken for
	 * a reply. */
	struct dhcp_request req = {.type = data[0] & 1 ? DHCP_REQUEST : DHCP_DISCOVER,
	                           .xid = xid,
	                           .client = be32(data + 8),
	                           .requested = be32(data + 12),
	                           .server = be32(data + 16)};
	uint8_t msg[DHCP_MESSAGE_MAX];

	memcpy(req.mac, mac, 6);
	size_t len = dhcp_message(msg, &req);
	require(len >= 300 && len <= DHCP_MESSAGE_MAX);
	require(dhcp_parse(msg, len, xid, mac, &(struct dhcp_lease){0}) == -1);
	return 0;
}

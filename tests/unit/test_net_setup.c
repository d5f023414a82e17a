/*
 * Host tests for the pure parts of solo-init's network setup: the text of
 * /etc/hosts and /etc/resolv.conf (guest-kernel/init/net_setup.c), and
 * the DHCP client's messages and its reading of server replies
 * (guest-kernel/init/dhcp.c). The expected DHCP bytes come from RFC 2131
 * (the BOOTP header of section 2, table 5 for which options each message
 * carries) and RFC 2132 (the options), not from the code's own output.
 * A reply comes from the network, so every rejection is driven by a
 * hand-built message, parsed from a heap copy of exactly its length for
 * AddressSanitizer to catch any read past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dhcp.h"
#include "net_setup.h"
#include "spec.h"

/* Offsets of the BOOTP header's fields (RFC 2131 2, figure 1). */
enum {
	OP = 0,
	HTYPE = 1,
	HLEN = 2,
	HOPS = 3,
	XID = 4,
	SECS = 8,
	FLAGS = 10,
	CIADDR = 12,
	YIADDR = 16,
	SIADDR = 20,
	GIADDR = 24,
	CHADDR = 28, /* 16 bytes */
	SNAME = 44,  /* 64 bytes */
	FILE_ = 108, /* 128 bytes */
	COOKIE = 236,
	OPTIONS = 240,
};

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t cookie[4] = {99, 130, 83, 99}; /* RFC 2131 3, RFC 2132 2 */
#define XID_VALUE 0x12345678u

/* --- /etc/hosts, /etc/resolv.conf, dotted quads --- */

static void test_ipv4_text(void **state)
{
	(void)state;
	char out[16];

	assert_ptr_equal(net_ipv4_text(0x01020304u, out), out);
	assert_string_equal(out, "1.2.3.4");
	assert_string_equal(net_ipv4_text(0, out), "0.0.0.0");
	assert_string_equal(net_ipv4_text(0x0a00020fu, out), "10.0.2.15");
	assert_string_equal(net_ipv4_text(0xc0a80105u, out), "192.168.1.5");
	assert_string_equal(net_ipv4_text(0xffffffffu, out), "255.255.255.255");
}

static void test_hosts_localhost_only(void **state)
{
	(void)state;
	struct spec spec = {0};
	char *buf = malloc(NET_HOSTS_MAX);

	assert_int_equal(net_hosts_text(&spec, buf), 20);
	assert_string_equal(buf, "127.0.0.1\tlocalhost\n");
	free(buf);
}

static void test_hosts_from_spec(void **state)
{
	(void)state;
	char text[] = "argv=/app\n"
	              "net=52:54:00:12:34:56 10.0.2.15/24\n"
	              "host=10.0.2.16 db\n"
	              "host=192.168.100.200 cache.example.org\n";
	struct spec spec;
	char err[SPEC_ERROR_SIZE];
	char *buf = malloc(NET_HOSTS_MAX);
	const char *want = "127.0.0.1\tlocalhost\n"
	                   "10.0.2.16\tdb\n"
	                   "192.168.100.200\tcache.example.org\n";

	assert_int_equal(spec_parse(text, strlen(text), &spec, err), 0);
	assert_int_equal(net_hosts_text(&spec, buf), strlen(want));
	assert_string_equal(buf, want);
	spec_free(&spec);
	free(buf);
}

/* The most a spec can hold, with the longest addresses and names, fills
 * NET_HOSTS_MAX exactly (with the NUL); lines past SPEC_MAX_HOSTS are not
 * read. The buffer is a heap block of that size, so AddressSanitizer
 * catches a byte written past it. */
static void test_hosts_limit(void **state)
{
	(void)state;
	static struct spec spec;
	static char line[128];
	const char *name = "1234567890123456789012345678901234567890123456789012345678901234";
	char *buf = malloc(NET_HOSTS_MAX);
	size_t line_len;

	assert_int_equal(strlen(name), SPEC_HOSTNAME_MAX);
	for (size_t i = 0; i < SPEC_MAX_HOSTS; i++)
		spec.hosts[i] =
		    (struct spec_host){.address = 0xffffffffu - (uint32_t)i % 10, .name = name};
	spec.host_count = SPEC_MAX_HOSTS;
	assert_int_equal(net_hosts_text(&spec, buf), NET_HOSTS_MAX - 1);
	assert_int_equal(strlen(buf), NET_HOSTS_MAX - 1);
	assert_memory_equal(buf, "127.0.0.1\tlocalhost\n", 20);
	line_len = (size_t)snprintf(line, sizeof(line), "255.255.255.255\t%s\n", name);
	assert_memory_equal(buf + 20, line, line_len);
	snprintf(line, sizeof(line), "255.255.255.%u\t%s\n", 255 - (SPEC_MAX_HOSTS - 1) % 10, name);
	assert_string_equal(buf + NET_HOSTS_MAX - 1 - line_len, line);

	/* A count past the array's end reads no further than SPEC_MAX_HOSTS. */
	spec.host_count = SPEC_MAX_HOSTS + 5;
	assert_int_equal(net_hosts_text(&spec, buf), NET_HOSTS_MAX - 1);
	free(buf);
}

static void test_resolv_text(void **state)
{
	(void)state;
	const uint32_t one = 0x0a000203u;
	const uint32_t two[] = {0x08080808u, 0x01010101u};
	char *buf = malloc(NET_RESOLV_MAX);

	memset(buf, 'x', NET_RESOLV_MAX);
	assert_int_equal(net_resolv_text(NULL, 0, buf), 0);
	assert_string_equal(buf, "");
	assert_int_equal(net_resolv_text(&one, 1, buf), 20);
	assert_string_equal(buf, "nameserver 10.0.2.3\n");
	assert_int_equal(net_resolv_text(two, 2, buf), 38);
	assert_string_equal(buf, "nameserver 8.8.8.8\nnameserver 1.1.1.1\n");
	free(buf);
}

/* SPEC_MAX_DNS servers of the longest form fit; more are left out. */
static void test_resolv_limit(void **state)
{
	(void)state;
	const uint32_t servers[] = {0xffffffffu, 0xfffffffeu, 0xfffffffdu, 0x01020304u,
	                            0x05060708u};
	const char *want = "nameserver 255.255.255.255\n"
	                   "nameserver 255.255.255.254\n"
	                   "nameserver 255.255.255.253\n";
	char *buf = malloc(NET_RESOLV_MAX);

	assert_int_equal(SPEC_MAX_DNS, 3);
	assert_int_equal(net_resolv_text(servers, 3, buf), strlen(want));
	assert_string_equal(buf, want);
	assert_int_equal(net_resolv_text(servers, 5, buf), strlen(want));
	assert_string_equal(buf, want);
	assert_true(strlen(want) < NET_RESOLV_MAX);
	free(buf);
}

/* --- DHCP client messages --- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/*
 * Walks the options of the client message BUF of LEN bytes (RFC 2132 2):
 * every option but pad and end has a length byte and fits, an end option
 * comes before LEN and only pad follows it. Returns option CODE's value
 * and *N its length, or NULL when the message has none; fails the test on
 * a malformed option area or an option that appears twice.
 */
static const uint8_t *option(const uint8_t *buf, size_t len, uint8_t code, size_t *n)
{
	const uint8_t *found = NULL;
	size_t i = OPTIONS;

	for (;;) {
		assert_true(i < len);
		uint8_t c = buf[i++];
		if (c == 0)
			continue;
		if (c == 255)
			break;
		assert_true(i < len && i + 1 + buf[i] <= len);
		if (c == code) {
			assert_null(found);
			found = buf + i + 1;
			*n = buf[i];
		}
		i += 1 + (size_t)buf[i];
	}
	assert_true(all_zero(buf + i, len - i));
	return found;
}

/* The fixed header every client message has (RFC 2131 2, table 3). */
static void check_client_header(const uint8_t *buf, size_t len, uint32_t ciaddr, bool broadcast)
{
	/* BOOTP's minimum (RFC 1542 2.1) and what any server accepts. */
	assert_in_range(len, 300, DHCP_MESSAGE_MAX);
	assert_int_equal(buf[OP], 1);    /* BOOTREQUEST */
	assert_int_equal(buf[HTYPE], 1); /* 10 Mb Ethernet (RFC 1700) */
	assert_int_equal(buf[HLEN], 6);
	assert_int_equal(buf[HOPS], 0);
	assert_int_equal(be32(buf + XID), XID_VALUE);
	assert_int_equal(buf[SECS] | buf[SECS + 1], 0);
	/* The broadcast bit is the flags' leftmost; the rest MUST be zero. */
	assert_int_equal(buf[FLAGS], broadcast ? 0x80 : 0);
	assert_int_equal(buf[FLAGS + 1], 0);
	assert_int_equal(be32(buf + CIADDR), ciaddr);
	assert_true(all_zero(buf + YIADDR, 12)); /* yiaddr, siaddr, giaddr */
	assert_memory_equal(buf + CHADDR, mac, 6);
	assert_true(all_zero(buf + CHADDR + 6, 10));
	assert_true(all_zero(buf + SNAME, 64));
	assert_true(all_zero(buf + FILE_, 128));
	assert_memory_equal(buf + COOKIE, cookie, 4);
}

static void check_type(const uint8_t *buf, size_t len, enum dhcp_type type)
{
	size_t n = 0;
	const uint8_t *v = option(buf, len, 53, &n);

	assert_non_null(v);
	assert_int_equal(n, 1);
	assert_int_equal(v[0], type);
}

/* The parameter request list (RFC 2132 9.8) asks for what a lease needs:
 * subnet mask (1), router (3), name servers (6), lease time (51). */
static void check_parameters(const uint8_t *buf, size_t len)
{
	size_t n = 0;
	const uint8_t *v = option(buf, len, 55, &n);

	assert_non_null(v);
	assert_true(n >= 1);
	assert_non_null(memchr(v, 1, n));
	assert_non_null(memchr(v, 3, n));
	assert_non_null(memchr(v, 6, n));
	assert_non_null(memchr(v, 51, n));
}

static void check_address_option(const uint8_t *buf, size_t len, uint8_t code, uint32_t want)
{
	size_t n = 0;
	const uint8_t *v = option(buf, len, code, &n);

	assert_non_null(v);
	assert_int_equal(n, 4);
	assert_int_equal(be32(v), want);
}

static size_t message(uint8_t buf[DHCP_MESSAGE_MAX], enum dhcp_type type, uint32_t client,
                      uint32_t requested, uint32_t server)
{
	struct dhcp_request req = {.type = type,
	                           .xid = XID_VALUE,
	                           .client = client,
	                           .requested = requested,
	                           .server = server};

	memcpy(req.mac, mac, 6);
	memset(buf, 0xa5, DHCP_MESSAGE_MAX);
	return dhcp_message(buf, &req);
}

/* Without an address, asking for answers by broadcast (RFC 2131 4.1). */
static void test_discover(void **state)
{
	(void)state;
	uint8_t buf[DHCP_MESSAGE_MAX];
	size_t len = message(buf, DHCP_DISCOVER, 0, 0, 0), n;

	check_client_header(buf, len, 0, true);
	check_type(buf, len, DHCP_DISCOVER);
	check_parameters(buf, len);
	/* Table 5: a DISCOVER MUST NOT name a server. */
	assert_null(option(buf, len, 54, &n));
	assert_null(option(buf, len, 50, &n));
}

/* SELECTING (RFC 2131 4.3.2, table 5): ciaddr zero, the offered address
 * in option 50 and the chosen server in option 54, both MUST. */
static void test_request_selecting(void **state)
{
	(void)state;
	uint8_t buf[DHCP_MESSAGE_MAX];
	size_t len = message(buf, DHCP_REQUEST, 0, 0x0a00020fu, 0x0a000202u);

	check_client_header(buf, len, 0, true);
	check_type(buf, len, DHCP_REQUEST);
	check_address_option(buf, len, 50, 0x0a00020fu);
	check_address_option(buf, len, 54, 0x0a000202u);
	check_parameters(buf, len);
}

/* RENEWING (RFC 2131 4.3.2, 4.4.5): the address held in ciaddr, no
 * option 50 or 54 (both MUST NOT), and no broadcast bit: the client can
 * take a unicast answer now. */
static void test_request_renewing(void **state)
{
	(void)state;
	uint8_t buf[DHCP_MESSAGE_MAX];
	size_t len = message(buf, DHCP_REQUEST, 0x0a00020fu, 0, 0), n;

	check_client_header(buf, len, 0x0a00020fu, false);
	check_type(buf, len, DHCP_REQUEST);
	assert_null(option(buf, len, 50, &n));
	assert_null(option(buf, len, 54, &n));
	check_parameters(buf, len);
}

/* --- DHCP server replies --- */

static uint8_t reply[DHCP_MESSAGE_MAX];
static size_t reply_len;
static struct dhcp_lease lease;

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A BOOTREPLY to our XID_VALUE and mac offering YIADDR, no options yet. */
static void start_reply(uint32_t yiaddr)
{
	memset(reply, 0, sizeof(reply));
	reply[OP] = 2; /* BOOTREPLY */
	reply[HTYPE] = 1;
	reply[HLEN] = 6;
	put_be32(reply + XID, XID_VALUE);
	reply[FLAGS] = 0x80;
	put_be32(reply + YIADDR, yiaddr);
	put_be32(reply + SIADDR, 0x0a000202u);
	memcpy(reply + CHADDR, mac, 6);
	memcpy(reply + COOKIE, cookie, 4);
	reply_len = OPTIONS;
}

static void add_bytes(const uint8_t *bytes, size_t n)
{
	assert_true(reply_len + n <= sizeof(reply));
	memcpy(reply + reply_len, bytes, n);
	reply_len += n;
}

static void add_option(uint8_t code, uint8_t n, const uint8_t *value)
{
	uint8_t head[2] = {code, n};

	add_bytes(head, 2);
	add_bytes(value, n);
}

static void add_type(uint8_t type)
{
	add_option(53, 1, &type);
}

/* An option holding COUNT addresses. */
static void add_addresses(uint8_t code, size_t count, const uint32_t *addresses)
{
	uint8_t value[32];

	assert_true(count * 4 <= sizeof(value));
	for (size_t i = 0; i < count; i++)
		put_be32(value + 4 * i, addresses[i]);
	add_option(code, (uint8_t)(count * 4), value);
}

static void add_u32(uint8_t code, uint32_t v)
{
	add_addresses(code, 1, &v);
}

/* The end option, then pad to BOOTP's 300 bytes as servers send. */
static void end_reply(void)
{
	const uint8_t end = 255;

	add_bytes(&end, 1);
	if (reply_len < 300)
		reply_len = 300;
}

/* Parses the first LEN bytes of the reply from a heap block of exactly
 * that size, for a given xid and mac. */
static int parse_as(size_t len, uint32_t xid, const uint8_t *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	int type;

	memcpy(copy, reply, len);
	memset(&lease, 0xa5, sizeof(lease));
	type = dhcp_parse(copy, len, xid, m, &lease);
	free(copy);
	return type;
}

static int parse_len(size_t len)
{
	return parse_as(len, XID_VALUE, mac);
}

static int parse(void)
{
	return parse_len(reply_len);
}

/* An offer as a typical server sends it. */
static void build_offer(void)
{
	const uint32_t dns[] = {0x0a000203u, 0x08080808u};

	start_reply(0x0a00020fu);
	add_type(DHCP_OFFER);
	add_u32(54, 0x0a000202u);
	add_u32(51, 86400);
	add_u32(1, 0xffffff00u);
	add_u32(3, 0x0a000202u);
	add_addresses(6, 2, dns);
	end_reply();
}

static void test_offer(void **state)
{
	(void)state;
	build_offer();
	assert_int_equal(parse(), DHCP_OFFER);
	assert_int_equal(lease.address, 0x0a00020fu);
	assert_int_equal(lease.netmask, 0xffffff00u);
	assert_int_equal(lease.router, 0x0a000202u);
	assert_int_equal(lease.server, 0x0a000202u);
	assert_int_equal(lease.lease_s, 86400);
	assert_int_equal(lease.dns_count, 2);
	assert_int_equal(lease.dns[0], 0x0a000203u);
	assert_int_equal(lease.dns[1], 0x08080808u);
}

/* An ACK with pads between options, several routers (the first is the
 * preferred one, RFC 2132 3.5) and more name servers than are kept. */
static void test_ack(void **state)
{
	(void)state;
	const uint32_t routers[] = {0xc0a80101u, 0xc0a801feu};
	const uint32_t dns[] = {0xc0a80135u, 0x01010101u, 0x08080808u, 0x09090909u};
	const uint8_t pads[3] = {0, 0, 0};

	start_reply(0xc0a80164u);
	add_bytes(pads, 3);
	add_type(DHCP_ACK);
	add_u32(51, 3600);
	add_bytes(pads, 1);
	add_u32(54, 0xc0a80101u);
	add_u32(1, 0xfffffc00u);
	add_addresses(3, 2, routers);
	add_addresses(6, 4, dns);
	end_reply();
	assert_int_equal(parse(), DHCP_ACK);
	assert_int_equal(lease.address, 0xc0a80164u);
	assert_int_equal(lease.netmask, 0xfffffc00u);
	assert_int_equal(lease.router, 0xc0a80101u);
	assert_int_equal(lease.server, 0xc0a80101u);
	assert_int_equal(lease.lease_s, 3600);
	assert_int_equal(lease.dns_count, DHCP_MAX_DNS);
	assert_int_equal(lease.dns[0], 0xc0a80135u);
	assert_int_equal(lease.dns[1], 0x01010101u);
	assert_int_equal(lease.dns[2], 0x08080808u);
}

/* An ACK with nothing but its type. RFC 2131 table 3 wants a server
 * identifier and a lease time in it too, but dhcp.h asks the identifier
 * only of an offer (dhcp_acquire keeps the offer's) and promises, for
 * what is missing, a classful mask, no router, an infinite lease and no
 * name servers. */
static void test_ack_defaults(void **state)
{
	(void)state;
	const struct {
		uint32_t address, mask;
	} cases[] = {
	    {0x0a00020fu, 0xff000000u}, /* class A */
	    {0xac100005u, 0xffff0000u}, /* class B */
	    {0xc0a80005u, 0xffffff00u}, /* class C */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		start_reply(cases[i].address);
		add_type(DHCP_ACK);
		end_reply();
		assert_int_equal(parse(), DHCP_ACK);
		assert_int_equal(lease.address, cases[i].address);
		assert_int_equal(lease.netmask, cases[i].mask);
		assert_int_equal(lease.router, 0);
		assert_int_equal(lease.server, 0);
		assert_int_equal(lease.lease_s, DHCP_LEASE_INFINITE);
		assert_int_equal(lease.dns_count, 0);
	}
}

/* A mask with holes, which Linux would refuse, counts as none given: the
 * classful one, and the rest of the lease (its router) kept. */
static void test_ack_mask_with_holes(void **state)
{
	(void)state;
	const uint32_t router = 0x0a000202u;
	start_reply(0x0a00020fu);
	add_type(DHCP_ACK);
	add_u32(1, 0xff00ff00u);
	add_addresses(3, 1, &router);
	end_reply();
	assert_int_equal(parse(), DHCP_ACK);
	assert_int_equal(lease.netmask, 0xff000000u);
	assert_int_equal(lease.router, router);
	start_reply(0x0a00020fu);
	add_type(DHCP_ACK);
	add_u32(1, 0xffffffffu); /* a /32 has no hole */
	end_reply();
	assert_int_equal(parse(), DHCP_ACK);
	assert_int_equal(lease.netmask, 0xffffffffu);
}

/* What follows the end option is not information (RFC 2132 3.2), and a
 * reply may end with the message, without an end option or padding. */
static void test_after_end(void **state)
{
	(void)state;
	const uint8_t end = 255;

	start_reply(0x0a00020fu);
	add_type(DHCP_ACK);
	add_u32(1, 0xffffff00u);
	add_bytes(&end, 1);
	add_type(DHCP_NAK);
	add_u32(1, 0xffff0000u);
	assert_int_equal(parse(), DHCP_ACK);
	assert_int_equal(lease.netmask, 0xffffff00u);

	start_reply(0x0a00020fu);
	add_type(DHCP_ACK);
	assert_int_equal(parse(), DHCP_ACK);
}

static void test_nak(void **state)
{
	(void)state;
	start_reply(0);
	add_type(DHCP_NAK);
	add_u32(54, 0x0a000202u);
	end_reply();
	assert_int_equal(parse(), DHCP_NAK);
}

/* Answers to someone else: another transaction, another client's
 * hardware address, or a client's request rather than a server's reply. */
static void test_not_for_us(void **state)
{
	(void)state;
	uint8_t other_mac[6];

	build_offer();
	assert_int_equal(parse_as(reply_len, XID_VALUE + 1, mac), -1);
	assert_int_equal(parse_as(reply_len, XID_VALUE ^ 0x80000000u, mac), -1);
	memcpy(other_mac, mac, 6);
	other_mac[5] ^= 1;
	assert_int_equal(parse_as(reply_len, XID_VALUE, other_mac), -1);
	other_mac[5] ^= 1;
	other_mac[0] ^= 2;
	assert_int_equal(parse_as(reply_len, XID_VALUE, other_mac), -1);

	build_offer();
	reply[OP] = 1; /* BOOTREQUEST */
	assert_int_equal(parse(), -1);
	build_offer();
	reply[OP] = 0;
	assert_int_equal(parse(), -1);
}

static void test_bad_header(void **state)
{
	(void)state;
	build_offer();
	reply[HTYPE] = 6; /* IEEE 802 */
	assert_int_equal(parse(), -1);
	build_offer();
	reply[HLEN] = 16;
	assert_int_equal(parse(), -1);
	for (int i = 0; i < 4; i++) {
		build_offer();
		reply[COOKIE + i] ^= 0x01;
		assert_int_equal(parse(), -1);
	}
	/* BOOTP's vendor extensions as RFC 951 had them: no cookie. */
	build_offer();
	memset(reply + COOKIE, 0, 4);
	assert_int_equal(parse(), -1);
}

/* Cut short anywhere before the options, or with no options at all. */
static void test_truncated(void **state)
{
	(void)state;
	build_offer();
	for (size_t len = 0; len <= OPTIONS; len++)
		assert_int_equal(parse_len(len), -1);
}

/* An option whose length runs past the message, by one byte or by many,
 * and an option cut off before its length byte. */
static void test_option_past_end(void **state)
{
	(void)state;
	const uint8_t dns_head[] = {6, 8, 10, 0, 2, 3};
	const uint8_t big[] = {6, 255, 1, 2, 3, 4};
	const uint8_t code_only = 6;

	start_reply(0x0a00020fu);
	add_type(DHCP_ACK);
	add_bytes(dns_head, sizeof(dns_head));
	assert_int_equal(parse(), -1);

	start_reply(0x0a00020fu);
	add_type(DHCP_ACK);
	add_bytes(dns_head, sizeof(dns_head));
	add_bytes(dns_head + 2, 3); /* one byte short of 8 */
	assert_int_equal(parse(), -1);

	start_reply(0x0a00020fu);
	add_type(DHCP_ACK);
	add_bytes(big, sizeof(big));
	assert_int_equal(parse(), -1);

	start_reply(0x0a00020fu);
	add_type(DHCP_ACK);
	add_bytes(&code_only, 1);
	assert_int_equal(parse(), -1);

	/* The message type itself cut off. */
	start_reply(0x0a00020fu);
	add_type(DHCP_ACK);
	assert_int_equal(parse_len(reply_len - 1), -1);
	assert_int_equal(parse_len(reply_len - 2), -1);

	/* Exactly filling the message is fine. */
	start_reply(0x0a00020fu);
	add_type(DHCP_ACK);
	add_u32(1, 0xffffff00u);
	assert_int_equal(parse(), DHCP_ACK);
	assert_int_equal(lease.netmask, 0xffffff00u);
}

/* A plain BOOTP reply, a type of the wrong length, a type a server does
 * not send a client, an offer or ack without an address, an offer without
 * a server identifier (RFC 2131 table 3: MUST). */
static void test_unusable(void **state)
{
	(void)state;
	const uint8_t long_type[2] = {DHCP_ACK, 0};
	const uint8_t types[] = {
	    0, DHCP_DISCOVER, DHCP_REQUEST, 4 /* DECLINE */, 7 /* RELEASE */, 8 /* INFORM */, 255};

	start_reply(0x0a00020fu);
	add_u32(54, 0x0a000202u);
	end_reply();
	assert_int_equal(parse(), -1);

	start_reply(0x0a00020fu);
	add_option(53, 2, long_type);
	end_reply();
	assert_int_equal(parse(), -1);

	for (size_t i = 0; i < sizeof(types); i++) {
		start_reply(0x0a00020fu);
		add_type(types[i]);
		add_u32(54, 0x0a000202u);
		end_reply();
		assert_int_equal(parse(), -1);
	}

	start_reply(0);
	add_type(DHCP_ACK);
	end_reply();
	assert_int_equal(parse(), -1);
	start_reply(0);
	add_type(DHCP_OFFER);
	add_u32(54, 0x0a000202u);
	end_reply();
	assert_int_equal(parse(), -1);

	start_reply(0x0a00020fu);
	add_type(DHCP_OFFER);
	end_reply();
	assert_int_equal(parse(), -1);
}

/* Fields of the wrong length are ignored, not read past: a short mask,
 * a router or name server list shorter than an address. */
static void test_odd_lengths(void **state)
{
	(void)state;
	const uint8_t three[3] = {255, 255, 255};
	const uint8_t six[6] = {10, 0, 2, 3, 10, 0};

	start_reply(0x0a00020fu);
	add_type(DHCP_ACK);
	add_option(1, 3, three);
	add_option(3, 3, three);
	add_option(6, 6, six);
	add_option(51, 3, three);
	end_reply();
	assert_int_equal(parse(), DHCP_ACK);
	assert_int_equal(lease.netmask, 0xff000000u);
	assert_int_equal(lease.router, 0);
	assert_int_equal(lease.lease_s, DHCP_LEASE_INFINITE);
	assert_int_equal(lease.dns_count, 1);
	assert_int_equal(lease.dns[0], 0x0a000203u);
}

/* What dhcp_message() builds is a request, never taken for a reply. */
static void test_own_message_rejected(void **state)
{
	(void)state;
	size_t len = message(reply, DHCP_REQUEST, 0, 0x0a00020fu, 0x0a000202u);

	assert_int_equal(parse_len(len), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipv4_text),
	    cmocka_unit_test(test_hosts_localhost_only),
	    cmocka_unit_test(test_hosts_from_spec),
	    cmocka_unit_test(test_hosts_limit),
	    cmocka_unit_test(test_resolv_text),
	    cmocka_unit_test(test_resolv_limit),
	    cmocka_unit_test(test_discover),
	    cmocka_unit_test(test_request_selecting),
	    cmocka_unit_test(test_request_renewing),
	    cmocka_unit_test(test_offer),
	    cmocka_unit_test(test_ack),
	    cmocka_unit_test(test_ack_defaults),
	    cmocka_unit_test(test_ack_mask_with_holes),
	    cmocka_unit_test(test_after_end),
	    cmocka_unit_test(test_nak),
	    cmocka_unit_test(test_not_for_us),
	    cmocka_unit_test(test_bad_header),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_option_past_end),
	    cmocka_unit_test(test_unusable),
	    cmocka_unit_test(test_odd_lengths),
	    cmocka_unit_test(test_own_message_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

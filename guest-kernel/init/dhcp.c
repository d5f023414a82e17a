/*
 * The DHCP client of solo-init (what it does and leaves out: dhcp.h).
 * Messages are BOOTP's fixed 236-byte header, the magic cookie and
 * options (RFC 2131 2, RFC 2132); the exchange retries with growing
 * waits, keeping one transaction id so that a late answer still counts.
 */
#define _GNU_SOURCE
#include "dhcp.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SERVER_PORT    67
#define CLIENT_PORT    68
#define MAGIC_COOKIE   0x63825363u
#define OPTIONS_OFFSET 240 /* the header and the cookie */
#define BOOTP_MIN_SIZE 300
#define FLAG_BROADCAST 0x8000
#define BROADCAST      0xffffffffu

enum option {
	OPT_PAD = 0,
	OPT_NETMASK = 1,
	OPT_ROUTER = 3,
	OPT_DNS = 6,
	OPT_REQUESTED = 50,
	OPT_LEASE = 51,
	OPT_TYPE = 53,
	OPT_SERVER = 54,
	OPT_PARAMETERS = 55,
	OPT_END = 255,
};

/* How long each attempt waits for an answer, in ms: about 10 s in all. */
static const unsigned discover_waits[] = {1000, 2000, 3000};
static const unsigned request_waits[] = {1000, 2000};
static const unsigned renew_waits[] = {2000, 4000};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t dhcp_message(uint8_t buf[DHCP_MESSAGE_MAX], const struct dhcp_request *req)
{
	uint8_t *o = buf + OPTIONS_OFFSET;

	memset(buf, 0, DHCP_MESSAGE_MAX);
	buf[0] = 1; /* BOOTREQUEST */
	buf[1] = 1; /* Ethernet */
	buf[2] = 6;
	put32(buf + 4, req->xid);
	/* Without an address the answer cannot be unicast to us. */
	if (req->client == 0)
		buf[10] = FLAG_BROADCAST >> 8;
	put32(buf + 12, req->client);
	memcpy(buf + 28, req->mac, 6);
	put32(buf + 236, MAGIC_COOKIE);
	*o++ = OPT_TYPE;
	*o++ = 1;
	*o++ = (uint8_t)req->type;
	if (req->requested != 0) {
		*o++ = OPT_REQUESTED;
		*o++ = 4;
		put32(o, req->requested);
		o += 4;
	}
	if (req->server != 0) {
		*o++ = OPT_SERVER;
		*o++ = 4;
		put32(o, req->server);
		o += 4;
	}
	*o++ = OPT_PARAMETERS;
	*o++ = 4;
	*o++ = OPT_NETMASK;
	*o++ = OPT_ROUTER;
	*o++ = OPT_DNS;
	*o++ = OPT_LEASE;
	*o++ = OPT_END;
	size_t len = (size_t)(o - buf);
	return len < BOOTP_MIN_SIZE ? BOOTP_MIN_SIZE : len;
}

/* The mask of ADDRESS's class (RFC 2132 3.3 leaves the default to us). */
static uint32_t classful_mask(uint32_t address)
{
	if (address >> 31 == 0)
		return 0xff000000u;
	if (address >> 30 == 2)
		return 0xffff0000u;
	return 0xffffff00u;
}

int dhcp_parse(const uint8_t *buf, size_t len, uint32_t xid, const uint8_t mac[6],
               struct dhcp_lease *lease)
{
	int type = -1;

	if (len < OPTIONS_OFFSET || buf[0] != 2 || buf[1] != 1 || buf[2] != 6 ||
	    get32(buf + 4) != xid || memcmp(buf + 28, mac, 6) != 0 ||
	    get32(buf + 236) != MAGIC_COOKIE)
		return -1;
	*lease = (struct dhcp_lease){.address = get32(buf + 16), .lease_s = DHCP_LEASE_INFINITE};
	for (size_t i = OPTIONS_OFFSET; i < len;) {
		uint8_t code = buf[i++];

		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			break;
		if (i >= len || buf[i] > len - i - 1)
			return -1;
		uint8_t n = buf[i];
		const uint8_t *v = buf + i + 1;
		i += 1 + (size_t)n;
		if (code == OPT_TYPE && n == 1)
			type = v[0];
		else if (code == OPT_NETMASK && n == 4)
			lease->netmask = get32(v);
		else if (code == OPT_ROUTER && n >= 4)
			lease->router = get32(v);
		else if (code == OPT_LEASE && n == 4)
			lease->lease_s = get32(v);
		else if (code == OPT_SERVER && n == 4)
			lease->server = get32(v);
		else if (code == OPT_DNS)
			for (unsigned k = 0; k + 4 <= n && lease->dns_count < DHCP_MAX_DNS; k += 4)
				lease->dns[lease->dns_count++] = get32(v + k);
	}
	if (type == DHCP_NAK)
		return type;
	if ((type != DHCP_OFFER && type != DHCP_ACK) || lease->address == 0 ||
	    (type == DHCP_OFFER && lease->server == 0))
		return -1;
	/* A mask Linux would refuse (not contiguous ones) is taken as none
	 * given, so the lease's router and DNS servers are still used. */
	uint32_t m = lease->netmask;
	if (m == 0 || (~m & (~m + 1)) != 0)
		lease->netmask = classful_mask(lease->address);
	return type;
}

/* A UDP socket on port 68 of IFNAME that may broadcast; -1 with errno. */
static int client_socket(const char *ifname)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int on = 1;
	struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(CLIENT_PORT)};

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) != 0 ||
	    bind(fd, (struct sockaddr *)&any, sizeof(any)) != 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/*
 * Sends REQ to TO (port 67) and waits for an answer of type WANT (or a
 * NAK, when WANT is DHCP_ACK), sending again after each of the COUNT
 * WAITS. Returns the answer's type with *LEASE filled, 0 when none came,
 * -1 with errno when the socket failed.
 */
static int exchange(int fd, const struct dhcp_request *req, uint32_t to, int want,
                    const unsigned *waits, size_t count, struct dhcp_lease *lease)
{
	uint8_t msg[DHCP_MESSAGE_MAX], answer[1500];
	size_t len = dhcp_message(msg, req);
	struct sockaddr_in dst = {
	    .sin_family = AF_INET, .sin_port = htons(SERVER_PORT), .sin_addr.s_addr = htonl(to)};

	for (size_t attempt = 0; attempt < count; attempt++) {
		uint64_t deadline = now_ms() + waits[attempt];

		if (sendto(fd, msg, len, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
			return -1;
		for (uint64_t t; (t = now_ms()) < deadline;) {
			struct pollfd p = {.fd = fd, .events = POLLIN};
			int ready = poll(&p, 1, (int)(deadline - t));

			if (ready < 0 && errno != EINTR)
				return -1;
			if (ready <= 0)
				continue;
			ssize_t n = recv(fd, answer, sizeof(answer), 0);
			if (n < 0)
				continue;
			int type = dhcp_parse(answer, (size_t)n, req->xid, req->mac, lease);
			if (type == want || (type == DHCP_NAK && want == DHCP_ACK))
				return type;
		}
	}
	return 0;
}

/* Unique on the segment through the MAC, and new each time. */
static uint32_t new_xid(const uint8_t mac[6])
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return get32(mac + 2) ^ (uint32_t)t.tv_nsec ^ (uint32_t)t.tv_sec << 20;
}

static const char *ipv4_text(uint32_t a, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", a >> 24, a >> 16 & 0xff, a >> 8 & 0xff, a & 0xff);
	return out;
}

int dhcp_acquire(const char *ifname, const uint8_t mac[6], struct dhcp_lease *lease, char *why,
                 size_t whylen)
{
	struct dhcp_request req = {.type = DHCP_DISCOVER, .xid = new_xid(mac)};
	struct dhcp_lease offer;
	char a[16], s[16];
	int fd = client_socket(ifname), type;

	memcpy(req.mac, mac, sizeof(req.mac));
	if (fd < 0) {
		snprintf(why, whylen, "socket on port %d: %s", CLIENT_PORT, strerror(errno));
		return -1;
	}
	type = exchange(fd, &req, BROADCAST, DHCP_OFFER, discover_waits,
	                sizeof(discover_waits) / sizeof(*discover_waits), &offer);
	if (type <= 0) {
		snprintf(why, whylen, "%s", type < 0 ? strerror(errno) : "no server answered");
		goto fail;
	}
	req.type = DHCP_REQUEST;
	req.requested = offer.address;
	req.server = offer.server;
	type = exchange(fd, &req, BROADCAST, DHCP_ACK, request_waits,
	                sizeof(request_waits) / sizeof(*request_waits), lease);
	if (type != DHCP_ACK) {
		snprintf(why, whylen, "server %s %s %s", ipv4_text(offer.server, s),
		         type == DHCP_NAK ? "took back its offer of"
		                          : "did not confirm its offer of",
		         ipv4_text(offer.address, a));
		goto fail;
	}
	if (lease->server == 0)
		lease->server = offer.server;
	close(fd);
	return 0;

fail:
	close(fd);
	return -1;
}

static void sleep_s(uint64_t seconds)
{
	struct timespec t = {.tv_sec = (time_t)seconds};

	while (nanosleep(&t, &t) != 0 && errno == EINTR) {
	}
}

/* The lease renewal loop of the solo-dhcp process (RFC 2131 4.4.5): at
 * T1 (half the lease) a REQUEST to the server, at T2 (7/8) broadcast to
 * any, retrying at half the time left, at least a minute apart (but
 * never past the lease's end). */
static _Noreturn void keep_lease(const char *ifname, const uint8_t mac[6], struct dhcp_lease lease,
                                 void (*say)(const char *fmt, ...))
{
	uint64_t start = now_ms() / 1000;
	char a[16];

	ipv4_text(lease.address, a);
	for (;;) {
		uint64_t t1 = start + lease.lease_s / 2, t2 = start + lease.lease_s / 8 * 7,
		         end = start + lease.lease_s, t;

		while ((t = now_ms() / 1000) < t1)
			sleep_s(t1 - t);
		for (;;) {
			struct dhcp_request req = {
			    .type = DHCP_REQUEST, .xid = new_xid(mac), .client = lease.address};
			struct dhcp_lease renewed;
			int fd = client_socket(ifname), type = 0;

			if ((t = now_ms() / 1000) >= end) {
				say("%s: DHCP: the lease of %s ran out unrenewed; keeping the "
				    "address",
				    ifname, a);
				_exit(1);
			}
			memcpy(req.mac, mac, sizeof(req.mac));
			if (fd >= 0) {
				type =
				    exchange(fd, &req, t < t2 ? lease.server : BROADCAST, DHCP_ACK,
				             renew_waits,
				             sizeof(renew_waits) / sizeof(*renew_waits), &renewed);
				close(fd);
			}
			if (type == DHCP_ACK && renewed.address == lease.address) {
				lease.lease_s = renewed.lease_s;
				if (renewed.server != 0)
					lease.server = renewed.server;
				if (lease.lease_s == DHCP_LEASE_INFINITE)
					_exit(0);
				start = t;
				break;
			}
			if (type == DHCP_NAK) {
				say("%s: DHCP: the server refused to renew %s; keeping the address",
				    ifname, a);
				_exit(1);
			}
			uint64_t wait = ((t < t2 ? t2 : end) - t) / 2;
			if (wait < 60)
				wait = 60;
			sleep_s(t + wait < end ? wait : end - t);
		}
	}
}

void dhcp_keep_lease(const char *ifname, const uint8_t mac[6], const struct dhcp_lease *lease,
                     void (*say)(const char *fmt, ...))
{
	char a[16];
	pid_t pid;

	if (lease->lease_s == DHCP_LEASE_INFINITE)
		return;
	pid = fork();
	if (pid < 0)
		say("%s: DHCP: fork: %s; the lease of %s will not be renewed", ifname,
		    strerror(errno), ipv4_text(lease->address, a));
	if (pid != 0)
		return;
	prctl(PR_SET_NAME, "solo-dhcp");
	keep_lease(ifname, mac, *lease, say);
}

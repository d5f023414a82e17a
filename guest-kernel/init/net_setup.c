/*
 * Sets up the container's network from the spec (what and in which order:
 * net_setup.h). Interfaces are found by hardware address because the
 * kernel, not solo, names them; their addresses, flags and the default
 * route are set by the ioctls every Linux has, and the two files are
 * replaced whole. The text of the files is made by pure functions.
 */
#define _GNU_SOURCE
#include "net_setup.h"

#include "dhcp.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOOPBACK_ADDRESS 0x7f000001u /* 127.0.0.1 */
#define LOOPBACK_MASK    0xff000000u
/* Built-in virtio drivers probe their devices before init runs; this is
 * for one that is slow to, shared by all interfaces. */
#define FIND_WAIT_MS 1000
#define FIND_POLL_MS 20

typedef void say_fn(const char *fmt, ...);

const char *net_ipv4_text(uint32_t a, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", a >> 24, a >> 16 & 0xff, a >> 8 & 0xff, a & 0xff);
	return out;
}

size_t net_hosts_text(const struct spec *spec, char buf[NET_HOSTS_MAX])
{
	int len = snprintf(buf, NET_HOSTS_MAX, "127.0.0.1\tlocalhost\n");
	char a[16];

	/* Stops before a line that would not fit whole, whatever the names'
	 * lengths: the buffer is never overrun, the file never cut mid-line. */
	for (size_t i = 0; i < spec->host_count && i < SPEC_MAX_HOSTS; i++) {
		int n = snprintf(buf + len, NET_HOSTS_MAX - (size_t)len, "%s\t%s\n",
		                 net_ipv4_text(spec->hosts[i].address, a), spec->hosts[i].name);
		if (n < 0 || (size_t)n >= NET_HOSTS_MAX - (size_t)len) {
			buf[len] = '\0';
			break;
		}
		len += n;
	}
	return (size_t)len;
}

size_t net_resolv_text(const uint32_t *servers, size_t count, char buf[NET_RESOLV_MAX])
{
	int len = 0;
	char a[16];

	buf[0] = '\0';
	for (size_t i = 0; i < count && i < SPEC_MAX_DNS; i++)
		len += snprintf(buf + len, NET_RESOLV_MAX - (size_t)len, "nameserver %s\n",
		                net_ipv4_text(servers[i], a));
	return (size_t)len;
}

static const char *mac_text(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return out;
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void request_for(struct ifreq *ifr, const char *ifname)
{
	size_t n = strnlen(ifname, IFNAMSIZ - 1);

	memset(ifr, 0, sizeof(*ifr));
	memcpy(ifr->ifr_name, ifname, n);
}

/* The name of the interface whose hardware address is MAC into NAME. */
static bool interface_with_mac(int fd, const uint8_t mac[6], char name[IF_NAMESIZE])
{
	struct if_nameindex *list = if_nameindex();
	bool found = false;

	if (list == NULL)
		return false;
	for (struct if_nameindex *i = list; i->if_index != 0 && !found; i++) {
		struct ifreq ifr;

		request_for(&ifr, i->if_name);
		if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0 &&
		    ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER &&
		    memcmp(ifr.ifr_hwaddr.sa_data, mac, 6) == 0) {
			memcpy(name, ifr.ifr_name, IF_NAMESIZE);
			found = true;
		}
	}
	if_freenameindex(list);
	return found;
}

/* Gives the kernel's ethK the MAC a clone's spec now has (its kernel
 * knows its template's), unless it has it already. */
static void take_mac(int fd, size_t index, const uint8_t mac[6], void (*say)(const char *fmt, ...))
{
	struct ifreq ifr;
	char name[IF_NAMESIZE], text[18];

	snprintf(name, sizeof(name), "eth%u", (unsigned)(index % SPEC_MAX_NICS));
	request_for(&ifr, name);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
		say("network: %s: %s", name, strerror(errno));
		return;
	}
	if (memcmp(ifr.ifr_hwaddr.sa_data, mac, 6) == 0)
		return;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	if (ioctl(fd, SIOCSIFHWADDR, &ifr) != 0)
		say("network: %s: setting the MAC %s: %s", name, mac_text(mac, text),
		    strerror(errno));
}

static bool find_interface(int fd, const uint8_t mac[6], char name[IF_NAMESIZE], uint64_t deadline)
{
	const struct timespec poll_wait = {.tv_nsec = FIND_POLL_MS * 1000000L};

	while (!interface_with_mac(fd, mac, name)) {
		if (now_ms() >= deadline)
			return false;
		nanosleep(&poll_wait, NULL);
	}
	return true;
}

static int set_ipv4(int fd, const char *ifname, unsigned long request, uint32_t address)
{
	struct ifreq ifr;
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(address)};

	request_for(&ifr, ifname);
	memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	return ioctl(fd, request, &ifr);
}

static int bring_up(int fd, const char *ifname)
{
	struct ifreq ifr;

	request_for(&ifr, ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(fd, SIOCSIFFLAGS, &ifr);
}

/* Gives IFNAME ADDRESS and MASK and brings it up; false after saying
 * which step failed. */
static bool configure(int fd, const char *ifname, uint32_t address, uint32_t mask, say_fn *say)
{
	const char *step = NULL;
	char a[16], m[16];

	/* SIOCSIFADDR sets the classful mask; the netmask follows it. */
	if (set_ipv4(fd, ifname, SIOCSIFADDR, address) != 0)
		step = "set address";
	else if (set_ipv4(fd, ifname, SIOCSIFNETMASK, mask) != 0)
		step = "set netmask";
	else if (bring_up(fd, ifname) != 0)
		step = "bring up";
	if (step == NULL)
		return true;
	say("%s: %s %s/%s: %s", ifname, step, net_ipv4_text(address, a), net_ipv4_text(mask, m),
	    strerror(errno));
	return false;
}

static int add_default_route(int fd, uint32_t gateway)
{
	struct rtentry rt;
	struct sockaddr_in any = {.sin_family = AF_INET};
	struct sockaddr_in gw = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(gateway)};

	memset(&rt, 0, sizeof(rt));
	memcpy(&rt.rt_dst, &any, sizeof(any));
	memcpy(&rt.rt_genmask, &any, sizeof(any));
	memcpy(&rt.rt_gateway, &gw, sizeof(gw));
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	return ioctl(fd, SIOCADDRT, &rt);
}

/* Takes a lease for the interface and sets it; false after saying why
 * not. */
static bool configure_dhcp(int fd, const char *ifname, const uint8_t mac[6],
                           struct dhcp_lease *lease, say_fn *say)
{
	char why[128], a[16], m[16], s[16];

	if (bring_up(fd, ifname) != 0) {
		say("%s: bring up: %s", ifname, strerror(errno));
		return false;
	}
	if (dhcp_acquire(ifname, mac, lease, why, sizeof(why)) != 0) {
		say("%s: DHCP: %s; the interface has no address", ifname, why);
		return false;
	}
	if (!configure(fd, ifname, lease->address, lease->netmask, say))
		return false;
	say("%s: DHCP: %s/%s from %s", ifname, net_ipv4_text(lease->address, a),
	    net_ipv4_text(lease->netmask, m), net_ipv4_text(lease->server, s));
	dhcp_keep_lease(ifname, mac, lease, say);
	return true;
}

static void add_dns(uint32_t *servers, size_t *count, uint32_t server)
{
	for (size_t i = 0; i < *count; i++)
		if (servers[i] == server)
			return;
	if (*count < SPEC_MAX_DNS)
		servers[(*count)++] = server;
}

/* Replaces PATH with TEXT: written beside it and renamed over it, so that
 * a symbolic link in the image is replaced rather than followed. */
static void write_file(const char *path, const char *text, size_t len, say_fn *say)
{
	char tmp[64];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.solo-new", path);
	if (mkdir("/etc", 0755) != 0 && errno != EEXIST) {
		say("mkdir /etc: %s", strerror(errno));
		return;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			goto fail;
		}
		done += (size_t)n;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0)
		goto fail;
	return;
fail:
	say("%s: %s", path, strerror(errno));
	unlink(tmp);
}

void net_setup_loopback(void (*say)(const char *fmt, ...))
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return; /* no networking in the kernel: nothing to bring up */
	configure(fd, "lo", LOOPBACK_ADDRESS, LOOPBACK_MASK, say);
	close(fd);
}

void net_setup(const struct spec *spec, void (*say)(const char *fmt, ...))
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	uint64_t deadline = now_ms() + FIND_WAIT_MS;
	uint32_t gateway = spec->gateway, dns[SPEC_MAX_DNS];
	size_t dns_count = 0;
	char a[16];

	if (fd < 0) {
		/* A kernel without networking is fine for a container that
		 * asked for none: only say so when it did. */
		if (spec->nic_count)
			say("network: socket: %s", strerror(errno));
		return;
	}
	for (size_t i = 0; i < spec->dns_count; i++)
		add_dns(dns, &dns_count, spec->dns[i]);
	for (size_t i = 0; i < spec->nic_count; i++) {
		const struct spec_nic *nic = &spec->nics[i];
		struct dhcp_lease lease;
		char name[IF_NAMESIZE], mac[18];

		if (nic->mac_to_eth)
			take_mac(fd, i, nic->mac, say);
		if (!find_interface(fd, nic->mac, name, deadline)) {
			say("network: no interface has the MAC %s", mac_text(nic->mac, mac));
			continue;
		}
		if (!nic->dhcp) {
			configure(fd, name, nic->address, 0xffffffffu << (32 - nic->prefix), say);
			continue;
		}
		if (!configure_dhcp(fd, name, nic->mac, &lease, say))
			continue;
		if (gateway == 0)
			gateway = lease.router;
		for (size_t d = 0; d < lease.dns_count; d++)
			add_dns(dns, &dns_count, lease.dns[d]);
	}
	if (gateway != 0 && add_default_route(fd, gateway) != 0)
		say("network: default route via %s: %s", net_ipv4_text(gateway, a),
		    strerror(errno));
	close(fd);

	if (spec->nic_count > 0) {
		char hosts[NET_HOSTS_MAX];
		size_t len = net_hosts_text(spec, hosts);

		write_file("/etc/hosts", hosts, len, say);
	}
	if (dns_count > 0) {
		char resolv[NET_RESOLV_MAX];
		size_t len = net_resolv_text(dns, dns_count, resolv);

		write_file("/etc/resolv.conf", resolv, len, say);
	}
}

/*
 * The container spec that solo's host tool writes to /.solo/spec in each
 * container's initramfs and the guest init (solo-init.c) reads: what to
 * run and as whom. The format is text, one `key=value` per line, the value
 * running to the end of the line with no escapes (so a value can hold any
 * byte but a newline or NUL): argv= (repeated, in order, at least one),
 * env=NAME=value (repeated), cwd=/path (default /), uid=N and gid=N
 * (default 0), hostname=name (default: leave the kernel's), and the
 * network (net_setup.h applies it):
 *   net=MAC ADDRESS/PREFIX   one interface, in order, up to 4: the one whose
 *   net=MAC dhcp             hardware address is MAC (xx:xx:xx:xx:xx:xx,
 *                            lower case), a fixed IPv4 address or DHCP
 *   route=GATEWAY            the default route, at most one
 *   dns=IP                   a name server, up to 3, in order
 *   host=IP NAME             an /etc/hosts entry, up to 528, in order
 * Empty lines are skipped; any other line is an error, unknown keys
 * included, so a spec from a newer host tool fails loudly instead of being
 * half applied. The parser is pure (no I/O), so host unit tests cover it.
 */
#ifndef SOLO_SPEC_H
#define SOLO_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPEC_MAX_NICS 4 /* the interfaces solo gives a partition */
#define SPEC_MAX_DNS  3 /* as many as resolv.conf readers use */
/* The most names an appliance has (loader/config.h): each of up to 512
 * containers and 16 VMs once, and each of up to 512 replicas by its own
 * name too. The host tool's table is checked against this in
 * tests/unit/test_container_spec.c. */
#define SPEC_MAX_HOSTS 1040
/* Linux's HOST_NAME_MAX: sethostname() refuses longer names. */
#define SPEC_HOSTNAME_MAX 64

/* IPv4 addresses are in host byte order. */
struct spec_nic {
	uint8_t mac[6];
	bool dhcp;
	uint32_t address; /* 0 with dhcp */
	unsigned prefix;  /* 1..32; 0 with dhcp */
	/* Set by the clone point: the kernel's ethK (K this interface's
	 * index) is to take this MAC, its own as a clone. */
	bool mac_to_eth;
};

struct spec_host {
	uint32_t address;
	const char *name; /* 1..SPEC_HOSTNAME_MAX of [A-Za-z0-9._-] */
};

struct spec {
	char **argv; /* argc entries and a NULL, ready for execve */
	size_t argc;
	char **env; /* envc "NAME=value" entries and a NULL */
	size_t envc;
	const char *cwd;      /* absolute; "/" when the spec has none */
	uint32_t uid, gid;    /* below 0xffffffff, which setuid() reads as "no change" */
	const char *hostname; /* NULL when the spec has none */
	size_t nic_count;
	struct spec_nic nics[SPEC_MAX_NICS]; /* distinct MACs */
	uint32_t gateway;                    /* 0 when the spec has no route */
	size_t dns_count;
	uint32_t dns[SPEC_MAX_DNS];
	size_t host_count;
	struct spec_host hosts[SPEC_MAX_HOSTS];
};

/* Room for "line N: " and the longest message with its quoted excerpt. */
#define SPEC_ERROR_SIZE 160

/*
 * Parses TEXT, LEN bytes followed by a NUL (a NUL earlier is an error),
 * which it modifies: lines are cut in place and the spec's strings point
 * into TEXT, so TEXT must outlive SPEC.
 * Returns 0, or -1 with a one-line reason in ERROR (SPEC_ERROR_SIZE bytes)
 * and nothing left to free.
 */
int spec_parse(char *text, size_t len, struct spec *spec, char error[SPEC_ERROR_SIZE]);

/* Frees what spec_parse() allocated (not TEXT). */
void spec_free(struct spec *spec);

/* The value of a lower-case hex digit, or -1. */
int spec_hex_digit(char c);

/* A net line's value, `MAC ADDRESS/PREFIX` or `MAC dhcp` (a NUL-ended
 * string), into *nic: 0, -1 when it does not start with a unicast MAC
 * in lower case and a space, -2 when the rest is neither. */
int spec_parse_nic(const char *value, struct spec_nic *nic);

#endif

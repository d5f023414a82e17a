/*
 * The container spec: what the guest init needs to start a container's
 * process, derived from the image config and the appliance config's
 * [container] section, and written into the initramfs at /.solo/spec.
 * The text format is shared with guest-kernel/init/: one "key=value" per
 * line, '\n' terminated, in this order:
 *   argv=ARG       repeated, in order; at least one
 *   env=NAME=value repeated, in order
 *   cwd=/abs/path
 *   uid=N
 *   gid=N
 *   hostname=NAME
 *   net=MAC ADDRESS/PREFIX   one per interface, in order (eth0, eth1..);
 *   net=MAC dhcp             MAC as xx:xx:xx:xx:xx:xx in lower case
 *   route=GATEWAY            at most one
 *   dns=IP                   repeated, up to 3
 *   host=IP NAME             repeated
 * No value may hold a newline (a config or image that would need one is
 * refused here, since the format has no escapes).
 * The rules, Docker's where Docker has one:
 *   argv = Entrypoint + Cmd; a `command` in the config replaces Cmd and
 *          is split on blanks (spaces and tabs) with no quoting, so an
 *          argument cannot hold a blank; an image with no Entrypoint nor
 *          Cmd and no `command` is an error.
 *   env  = the image's Env, then each config `env` replacing the entry of
 *          the same name in place or appended.
 *   cwd  = WorkingDir, "/" when unset; it must be absolute.
 *   uid/gid from User: "" is 0:0; "uid[:gid]" numeric; names are looked
 *          up in the image's /etc/passwd and /etc/group; without a group,
 *          the user's primary group from /etc/passwd, or 0 for a numeric
 *          uid it does not list.
 *   hostname = the container's name.
 * The network lines come from the appliance config (container_spec_network):
 *   net   = each [container] `network`, with its resolved MAC and its
 *           static or automatic address and the network's prefix, or dhcp.
 *   route = the gateway of the first interface's network that has one.
 *   dns   = the dns servers of the container's networks, first interface
 *           first, without repeats; the first 3 (resolv.conf reads no more).
 *   host  = the container's own name at its first known (non-DHCP)
 *           address, then every other partition (containers, then [vm]s,
 *           in config order) that shares a network with it and has a known
 *           address there, once: at its address on the first of the
 *           container's networks where it has one.
 * This file is pure: it reads the password and group files as text the
 * caller takes from the flattened tree.
 */
#ifndef SOLO_LOADER_CONTAINER_SPEC_H
#define SOLO_LOADER_CONTAINER_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "oci_image.h"

/* One interface as the guest init sets it up; addresses are IPv4 in host
 * byte order. */
struct container_spec_nic {
	uint8_t mac[6];
	bool dhcp;
	uint32_t address; /* 0 with dhcp */
	uint32_t prefix;  /* 0 with dhcp */
};

struct container_spec_host {
	uint32_t address;
	char name[CONFIG_NAME_MAX + 1];
};

/* Every container and VM once by its name, and every replica of a
 * replicated container by its own (NAME-r) as well. */
#define CONTAINER_SPEC_MAX_HOSTS                                                                   \
	(CONFIG_MAX_CONTAINERS + CONFIG_MAX_VMS + CONFIG_MAX_CONTAINER_PARTITIONS)

struct container_spec {
	size_t argc;
	char **argv; /* NULL-terminated */
	size_t envc;
	char **env; /* NULL-terminated, "NAME=value" */
	char *cwd;
	uint32_t uid;
	uint32_t gid;
	char hostname[CONFIG_NAME_MAX + 1];
	/* The network lines: none until container_spec_network(). */
	size_t nic_count;
	struct container_spec_nic nics[CONFIG_MAX_NICS];
	uint32_t gateway; /* 0: no default route */
	size_t dns_count;
	uint32_t dns[CONFIG_MAX_DNS];
	size_t host_count;
	struct container_spec_host hosts[CONTAINER_SPEC_MAX_HOSTS];
};

/* Builds *out from the container's config section and its image config.
 * cfg holds c's env entries (config_container_env()); it may be NULL for
 * a container with none. passwd and group are the image's /etc/passwd and
 * /etc/group as NUL-terminated text, or NULL when the image has none. On
 * failure writes one line ("container 'web': ...") to err and leaves *out
 * empty. */
bool container_spec_build(const struct appliance_config *cfg, const struct config_container *c,
                          const struct oci_image_config *img, const char *passwd, const char *group,
                          struct container_spec *out, char *err, size_t errlen);

/* Fills the network part of *spec (built by container_spec_build) for
 * cfg->containers[index] (index < container_count) from its interfaces, their networks and the
 * other partitions on them. cfg is as config_parse() leaves it; what
 * breaks its rules (an interface on a network that does not exist, a
 * prefix outside 1..32, no address on a non-DHCP interface) is refused
 * with one line ("container 'web': ...") in err, *spec's network part
 * then empty. */
bool container_spec_network(const struct appliance_config *cfg, unsigned index,
                            struct container_spec *spec, char *err, size_t errlen);

/* The spec as text (malloc'd, NUL-terminated); NULL when out of memory. */
char *container_spec_format(const struct container_spec *spec);

void container_spec_free(struct container_spec *spec);

#endif

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

struct container_spec {
	size_t argc;
	char **argv; /* NULL-terminated */
	size_t envc;
	char **env; /* NULL-terminated, "NAME=value" */
	char *cwd;
	uint32_t uid;
	uint32_t gid;
	char hostname[CONFIG_NAME_MAX + 1];
};

/* Builds *out from the container's config section and its image config.
 * passwd and group are the image's /etc/passwd and /etc/group as
 * NUL-terminated text, or NULL when the image has none. On failure writes
 * one line ("container 'web': ...") to err and leaves *out empty. */
bool container_spec_build(const struct config_container *c, const struct oci_image_config *img,
                          const char *passwd, const char *group, struct container_spec *out,
                          char *err, size_t errlen);

/* The spec as text (malloc'd, NUL-terminated); NULL when out of memory. */
char *container_spec_format(const struct container_spec *spec);

void container_spec_free(struct container_spec *spec);

#endif

/*
 * One container's part of `solo build`: from the appliance config's
 * [container] section to the initramfs its VM boots. It strings the
 * loader's host-side pieces together: oci_image opens and verifies the
 * image, rootfs flattens its layers, container_spec derives the spec and
 * initramfs writes the archive with solo's guest init and spec added.
 * The guest kernel must be started with rdinit=/.solo/init.
 */
#ifndef SOLO_LOADER_CONTAINER_BUILD_H
#define SOLO_LOADER_CONTAINER_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "initramfs.h"

/* Writes the initramfs for c, cfg->containers[index] with its image
 * reference resolved, to out_path; init is the guest init binary. cfg
 * gives the container's network (its spec's net, route, dns and host
 * lines). The image reference is read relative to the current directory.
 * On failure writes one line naming the image, blob or path to err. */
bool container_build_initramfs(const struct appliance_config *cfg, unsigned index,
                               const struct config_container *c, const void *init, size_t init_size,
                               const char *out_path, enum initramfs_compression compression,
                               char *err, size_t errlen);

#endif

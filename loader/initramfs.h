/*
 * Writes a container's flattened root filesystem as the initramfs its
 * guest kernel unpacks: a cpio "newc" archive (the only format the kernel
 * reads), optionally gzip-compressed (the guest kernel's config enables
 * RD_GZIP). Before writing, the caller adds solo's own files with
 * initramfs_add_solo_files(): the guest init at /.solo/init, the spec at
 * /.solo/spec and a /dev/console node, so the kernel has a console before
 * the init mounts devtmpfs. Entries come out parents first and in name
 * order, so the same tree always gives the same bytes. Host only
 * (libarchive).
 */
#ifndef SOLO_LOADER_INITRAMFS_H
#define SOLO_LOADER_INITRAMFS_H

#include <stdbool.h>
#include <stddef.h>

#include "rootfs.h"

#define INITRAMFS_INIT_PATH "/.solo/init"
#define INITRAMFS_SPEC_PATH "/.solo/spec"

enum initramfs_compression {
	INITRAMFS_UNCOMPRESSED,
	INITRAMFS_GZIP,
};

/* Adds /.solo (0755), /.solo/init (0755), /.solo/spec (0644) and
 * /dev/console (character device 5:1, 0600), all root:root, replacing
 * whatever the image had at those paths. */
bool initramfs_add_solo_files(struct rootfs *fs, const void *init, size_t init_size,
                              const char *spec, char *err, size_t errlen);

/* Writes the whole tree to the file at path. On failure writes one line
 * to err. */
bool initramfs_write(const struct rootfs *fs, const char *path,
                     enum initramfs_compression compression, char *err, size_t errlen);

#endif

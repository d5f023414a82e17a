/*
 * A container's root filesystem, flattened from its image layers into a
 * tree held in memory. Memory rather than a temporary directory because
 * the tree must keep owners, device nodes and set-id bits exactly as the
 * image says, which a host directory can only do for root, and because
 * nothing on the host is ever written through a path the image controls.
 * Layers are applied in order with the OCI whiteout rules: `.wh.NAME`
 * removes NAME and `.wh..wh..opq` empties its directory, both only of
 * what lower layers put there. A layer is untrusted input and every entry
 * is refused, naming its path, when it could reach outside the root: a
 * ".." component, a path through a symlink or a non-directory, a symlink
 * whose target climbs above the root (read lexically from the link's
 * directory, or from the root for an absolute target), a hard link whose
 * target is not already in the tree. Hard links share one inode, so the
 * initramfs writer can keep them links.
 */
#ifndef SOLO_LOADER_ROOTFS_H
#define SOLO_LOADER_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rootfs_type {
	ROOTFS_DIR,
	ROOTFS_REG,
	ROOTFS_SYMLINK,
	ROOTFS_CHR,
	ROOTFS_BLK,
	ROOTFS_FIFO,
};

/* What a name points at; hard links share one. */
struct rootfs_inode {
	enum rootfs_type type;
	uint32_t mode; /* permission, set-id and sticky bits (07777) */
	uint32_t uid;
	uint32_t gid;
	int64_t mtime;
	uint32_t links;      /* names pointing here */
	uint64_t ino;        /* unique in the tree, from 1 */
	unsigned char *data; /* ROOTFS_REG */
	size_t size;
	char *target;                    /* ROOTFS_SYMLINK */
	uint32_t rdev_major, rdev_minor; /* ROOTFS_CHR, ROOTFS_BLK */
};

struct rootfs_node {
	char *name; /* one path component; "" for the root */
	struct rootfs_inode *inode;
	struct rootfs_node *parent;
	struct rootfs_node *children; /* of a directory, sorted by name */
	struct rootfs_node *next;     /* sibling */
};

struct rootfs;

/* An empty tree: a root directory 0755 owned by 0:0. NULL when out of
 * memory. */
struct rootfs *rootfs_new(void);
void rootfs_free(struct rootfs *fs);

/* Applies one layer: a tar, uncompressed or compressed with anything
 * libarchive detects (gzip, zstd, ...). On failure writes one line
 * naming the offending path to err; the tree may then hold part of the
 * layer and is fit only for rootfs_free(). */
bool rootfs_apply_layer(struct rootfs *fs, const void *data, size_t size, char *err, size_t errlen);

/* Adds what the image did not bring. Missing parent directories are made
 * 0755 root:root; an existing node at path is replaced, except that a
 * directory added over a directory keeps its children. Owner 0:0. */
bool rootfs_add_dir(struct rootfs *fs, const char *path, uint32_t mode, char *err, size_t errlen);
bool rootfs_add_file(struct rootfs *fs, const char *path, uint32_t mode, const void *data,
                     size_t size, char *err, size_t errlen);
bool rootfs_add_device(struct rootfs *fs, const char *path, enum rootfs_type type, uint32_t mode,
                       uint32_t major, uint32_t minor, char *err, size_t errlen);

const struct rootfs_node *rootfs_root(const struct rootfs *fs);

/* The node at path ("/etc/passwd", "etc/passwd"), following no symlinks;
 * NULL when absent. */
const struct rootfs_node *rootfs_lookup(const struct rootfs *fs, const char *path);

/* The regular file at path, following symlinks inside the tree (at most
 * 40, as Linux). NULL when there is none. */
const struct rootfs_inode *rootfs_open_file(const struct rootfs *fs, const char *path);

#endif

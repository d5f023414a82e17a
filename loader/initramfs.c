/*
 * The cpio writer behind initramfs.h, on libarchive. Hard links follow
 * the newc convention the kernel's unpacker and cpio(1) expect: every
 * name of an inode carries the same inode number and link count, and
 * only the last one carries the data, so the reader creates the file
 * once and links the other names to it.
 */
#include "initramfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

struct writer {
	struct archive *a;
	struct archive_entry *e;
	uint32_t *seen; /* names written so far, by inode number */
	size_t seen_count;
	char path[4096];
	char *err;
	size_t errlen;
};

static const mode_t type_bits[] = {
    [ROOTFS_DIR] = AE_IFDIR, [ROOTFS_REG] = AE_IFREG, [ROOTFS_SYMLINK] = AE_IFLNK,
    [ROOTFS_CHR] = AE_IFCHR, [ROOTFS_BLK] = AE_IFBLK, [ROOTFS_FIFO] = AE_IFIFO,
};

static bool write_node(struct writer *w, const struct rootfs_node *n, size_t len)
{
	const struct rootfs_inode *in = n->inode;
	bool last_name = true;

	archive_entry_clear(w->e);
	archive_entry_set_pathname(w->e, w->path);
	archive_entry_set_mode(w->e, type_bits[in->type] | in->mode);
	archive_entry_set_uid(w->e, in->uid);
	archive_entry_set_gid(w->e, in->gid);
	archive_entry_set_mtime(w->e, in->mtime, 0);
	archive_entry_set_ino64(w->e, (la_int64_t)in->ino);
	archive_entry_set_nlink(w->e, in->type == ROOTFS_DIR ? 2 : 1);
	archive_entry_set_size(w->e, 0); /* the writer wants it for every type */
	if (in->type == ROOTFS_SYMLINK)
		archive_entry_set_symlink(w->e, in->target);
	if (in->type == ROOTFS_CHR || in->type == ROOTFS_BLK) {
		archive_entry_set_rdevmajor(w->e, in->rdev_major);
		archive_entry_set_rdevminor(w->e, in->rdev_minor);
	}
	if (in->type == ROOTFS_REG) {
		if (in->links > 1 && in->ino < w->seen_count)
			last_name = ++w->seen[in->ino] == in->links;
		archive_entry_set_nlink(w->e, in->links);
		archive_entry_set_size(w->e, last_name ? (la_int64_t)in->size : 0);
	}
	if (archive_write_header(w->a, w->e) != ARCHIVE_OK ||
	    (in->type == ROOTFS_REG && last_name && in->size &&
	     archive_write_data(w->a, in->data, in->size) != (la_ssize_t)in->size)) {
		snprintf(w->err, w->errlen, "initramfs: %s: %s", w->path,
		         archive_error_string(w->a));
		return false;
	}
	for (const struct rootfs_node *c = n->children; c; c = c->next) {
		size_t clen = len + (len ? 1 : 0) + strlen(c->name);

		if (clen >= sizeof(w->path)) {
			snprintf(w->err, w->errlen, "initramfs: %s/%s: path too long", w->path,
			         c->name);
			return false;
		}
		if (len)
			w->path[len] = '/';
		strcpy(w->path + len + (len ? 1 : 0), c->name);
		if (!write_node(w, c, clen))
			return false;
		w->path[len] = '\0';
	}
	return true;
}

/* The highest inode number in the tree, to size the seen counters. */
static uint64_t max_ino(const struct rootfs_node *n)
{
	uint64_t m = n->inode->ino;

	for (const struct rootfs_node *c = n->children; c; c = c->next) {
		uint64_t cm = max_ino(c);

		if (cm > m)
			m = cm;
	}
	return m;
}

bool initramfs_write(const struct rootfs *fs, const char *path,
                     enum initramfs_compression compression, char *err, size_t errlen)
{
	const struct rootfs_node *root = rootfs_root(fs);
	struct writer w = {.err = err, .errlen = errlen};
	bool ok = false;

	w.seen_count = (size_t)max_ino(root) + 1;
	w.seen = calloc(w.seen_count, sizeof(*w.seen));
	w.a = archive_write_new();
	w.e = archive_entry_new();
	if (!w.seen || !w.a || !w.e) {
		snprintf(err, errlen, "initramfs: out of memory");
		goto out;
	}
	archive_write_set_format_cpio_newc(w.a);
	if (compression == INITRAMFS_GZIP)
		archive_write_add_filter_gzip(w.a);
	/* The kernel reads the archive as a stream; libarchive's default
	 * 10 KiB padding of the last block is harmless but pointless. */
	archive_write_set_bytes_in_last_block(w.a, 1);
	if (archive_write_open_filename(w.a, path) != ARCHIVE_OK) {
		snprintf(err, errlen, "initramfs: %s: %s", path, archive_error_string(w.a));
		goto out;
	}
	/* The root itself is not written: the kernel's rootfs already is
	 * one, and an entry "." would only restate its mode. */
	w.path[0] = '\0';
	for (const struct rootfs_node *c = root->children; c; c = c->next) {
		snprintf(w.path, sizeof(w.path), "%s", c->name);
		if (!write_node(&w, c, strlen(w.path)))
			goto out;
	}
	if (archive_write_close(w.a) != ARCHIVE_OK) {
		snprintf(err, errlen, "initramfs: %s: %s", path, archive_error_string(w.a));
		goto out;
	}
	ok = true;
out:
	archive_entry_free(w.e);
	archive_write_free(w.a);
	free(w.seen);
	return ok;
}

bool initramfs_add_solo_files(struct rootfs *fs, const void *init, size_t init_size,
                              const char *spec, char *err, size_t errlen)
{
	const struct rootfs_node *dev = rootfs_lookup(fs, "/dev");

	/* An image's /dev keeps its mode; only a missing one is made. */
	if (!dev && !rootfs_add_dir(fs, "/dev", 0755, err, errlen))
		return false;
	return rootfs_add_dir(fs, "/.solo", 0755, err, errlen) &&
	       rootfs_add_file(fs, INITRAMFS_INIT_PATH, 0755, init, init_size, err, errlen) &&
	       rootfs_add_file(fs, INITRAMFS_SPEC_PATH, 0644, spec, strlen(spec), err, errlen) &&
	       rootfs_add_device(fs, "/dev/console", ROOTFS_CHR, 0600, 5, 1, err, errlen);
}

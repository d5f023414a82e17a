/*
 * The in-memory root filesystem (see rootfs.h). Paths are split into
 * components and walked from the root one directory at a time, never
 * through a symlink, so no entry of a layer can land anywhere but where
 * its own path says. A layer is read twice from memory: first for its
 * whiteouts, which apply to the lower layers only, then for its entries;
 * this keeps an opaque marker from erasing files of its own layer that
 * the tar happens to list before it.
 */
#include "rootfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHITEOUT_PREFIX ".wh."
#define OPAQUE_MARKER   ".wh..wh..opq"
#define MAX_SYMLINKS    40

struct rootfs {
	struct rootfs_node root;
	uint64_t next_ino;
};

/* A path split into components, "." and empty ones dropped. */
struct path {
	char *buf;
	size_t count;
	char *parts[256];
};

static void fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Splits p; a leading '/' is allowed and means the tree's root, as tar
 * readers treat it. ".." is refused outright rather than resolved: a
 * well-formed layer never needs it. */
static bool path_split(const char *p, struct path *out, char *err, size_t errlen)
{
	char *save = NULL, *tok;

	out->count = 0;
	out->buf = strdup(p);
	if (!out->buf) {
		fail(err, errlen, "out of memory");
		return false;
	}
	for (tok = strtok_r(out->buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			fail(err, errlen, "path '%s': '..' component", p);
			goto bad;
		}
		if (out->count == sizeof(out->parts) / sizeof(out->parts[0])) {
			fail(err, errlen, "path '%s': too deep", p);
			goto bad;
		}
		out->parts[out->count++] = tok;
	}
	return true;
bad:
	free(out->buf);
	out->buf = NULL;
	return false;
}

static struct rootfs_inode *inode_new(struct rootfs *fs, enum rootfs_type type, uint32_t mode)
{
	struct rootfs_inode *in = calloc(1, sizeof(*in));

	if (in) {
		in->type = type;
		in->mode = mode & 07777;
		in->ino = fs->next_ino++;
	}
	return in;
}

static void inode_put(struct rootfs_inode *in)
{
	if (in && --in->links == 0) {
		free(in->data);
		free(in->target);
		free(in);
	}
}

static void node_free(struct rootfs_node *n)
{
	struct rootfs_node *c = n->children, *next;

	for (; c; c = next) {
		next = c->next;
		node_free(c);
	}
	inode_put(n->inode);
	free(n->name);
	free(n);
}

static struct rootfs_node *child(const struct rootfs_node *dir, const char *name)
{
	for (struct rootfs_node *c = dir->children; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void unlink_child(struct rootfs_node *dir, struct rootfs_node *n)
{
	struct rootfs_node **pp = &dir->children;

	while (*pp != n)
		pp = &(*pp)->next;
	*pp = n->next;
	node_free(n);
}

/* Inserts n into dir keeping names sorted, so the archive comes out the
 * same for the same image. */
static void insert_child(struct rootfs_node *dir, struct rootfs_node *n)
{
	struct rootfs_node **pp = &dir->children;

	while (*pp && strcmp((*pp)->name, n->name) < 0)
		pp = &(*pp)->next;
	n->next = *pp;
	n->parent = dir;
	*pp = n;
}

static struct rootfs_node *node_new(const char *name, struct rootfs_inode *in)
{
	struct rootfs_node *n = calloc(1, sizeof(*n));

	if (!n || !(n->name = strdup(name))) {
		free(n);
		return NULL;
	}
	n->inode = in;
	in->links++;
	return n;
}

/* Walks to the directory holding the last component, making missing
 * directories 0755 root:root when create is set. Refuses to pass
 * through anything but a directory, symlinks included. */
static struct rootfs_node *walk_parent(struct rootfs *fs, const struct path *p, bool create,
                                       bool *missing, const char *orig, char *err, size_t errlen)
{
	struct rootfs_node *dir = &fs->root;

	*missing = false;

	for (size_t i = 0; i + 1 < p->count; i++) {
		struct rootfs_node *c = child(dir, p->parts[i]);

		if (!c && create) {
			struct rootfs_inode *in = inode_new(fs, ROOTFS_DIR, 0755);

			c = in ? node_new(p->parts[i], in) : NULL;
			if (!c) {
				free(in);
				fail(err, errlen, "out of memory");
				return NULL;
			}
			insert_child(dir, c);
		}
		if (!c) {
			*missing = true;
			fail(err, errlen, "path '%s': '%s' does not exist", orig, p->parts[i]);
			return NULL;
		}
		if (c->inode->type != ROOTFS_DIR) {
			fail(err, errlen, "path '%s': '%s' is %s, not a directory", orig,
			     p->parts[i],
			     c->inode->type == ROOTFS_SYMLINK ? "a symlink" : "a file");
			return NULL;
		}
		dir = c;
	}
	return dir;
}

/* Puts inode in at path (taking the caller's reference). A directory
 * over a directory only takes the new attributes, as tar does. */
static bool place(struct rootfs *fs, const char *path, struct rootfs_inode *in, char *err,
                  size_t errlen)
{
	struct path p;
	struct rootfs_node *dir, *old, *n;
	bool ok = false;

	if (!path_split(path, &p, err, errlen))
		goto out_inode;
	if (p.count == 0) {
		if (in->type != ROOTFS_DIR) {
			fail(err, errlen, "path '%s': the root must be a directory", path);
			goto out;
		}
		dir = &fs->root;
		old = dir;
	} else {
		bool missing;

		dir = walk_parent(fs, &p, true, &missing, path, err, errlen);
		if (!dir)
			goto out;
		old = child(dir, p.parts[p.count - 1]);
	}
	if (old && old->inode->type == ROOTFS_DIR && in->type == ROOTFS_DIR) {
		old->inode->mode = in->mode;
		old->inode->uid = in->uid;
		old->inode->gid = in->gid;
		old->inode->mtime = in->mtime;
		ok = true;
		goto out;
	}
	n = node_new(p.parts[p.count - 1], in);
	if (!n) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	if (old)
		unlink_child(dir, old);
	insert_child(dir, n);
	in = NULL; /* the node holds the only reference now */
	ok = true;
out:
	free(p.buf);
out_inode:
	if (in && in->links == 0) {
		free(in->data);
		free(in->target);
		free(in);
	}
	return ok;
}

/* A symlink target is refused when, read lexically from the link's own
 * directory (or from the root when absolute), it climbs above the root.
 * Inside the guest such a link only reaches "/" again, but a host tool
 * following it from the tree would leave the image. */
static bool symlink_escapes(const char *path, const char *target)
{
	long depth = 0;
	const char *s;
	size_t n;

	if (target[0] != '/') {
		/* The link's directory: the components of path but the last. */
		for (s = path; *s;) {
			n = strcspn(s, "/");
			if (n && !(n == 1 && s[0] == '.'))
				depth++;
			s += n;
			s += *s == '/';
		}
		depth--;
	}
	for (s = target; *s;) {
		n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.')
			depth--;
		else if (n && !(n == 1 && s[0] == '.'))
			depth++;
		if (depth < 0)
			return true;
		s += n;
		s += *s == '/';
	}
	return false;
}

static const struct rootfs_node *lookup(const struct rootfs_node *root, const char *path)
{
	char buf[4096];
	const struct rootfs_node *n = root;
	char *save = NULL;

	if (strlen(path) >= sizeof(buf))
		return NULL;
	strcpy(buf, path);
	for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (strcmp(t, ".") == 0)
			continue;
		if (strcmp(t, "..") == 0 || n->inode->type != ROOTFS_DIR)
			return NULL;
		n = child(n, t);
		if (!n)
			return NULL;
	}
	return n;
}

/* Pass one: removes what this layer's whiteouts hide in lower layers. A
 * whiteout for something absent hides nothing and is fine. */
static bool apply_whiteout(struct rootfs *fs, const char *path, char *err, size_t errlen)
{
	struct path p;
	struct rootfs_node *dir, *victim;
	const char *base;
	bool ok = false, missing;

	if (!path_split(path, &p, err, errlen))
		return false;
	if (p.count == 0 || strncmp(p.parts[p.count - 1], WHITEOUT_PREFIX, 4) != 0) {
		free(p.buf);
		return true;
	}
	base = p.parts[p.count - 1];
	dir = walk_parent(fs, &p, false, &missing, path, err, errlen);
	if (!dir) {
		/* Only a missing directory is harmless; a path through a symlink
		 * is as suspect here as anywhere. */
		ok = missing;
		goto out;
	}
	if (strcmp(base, OPAQUE_MARKER) == 0) {
		while (dir->children)
			unlink_child(dir, dir->children);
	} else if (strncmp(base, ".wh..wh.", 8) != 0) {
		/* Other ".wh..wh." names are aufs bookkeeping, not whiteouts. */
		victim = child(dir, base + 4);
		if (victim)
			unlink_child(dir, victim);
	}
	ok = true;
out:
	free(p.buf);
	return ok;
}

static bool is_whiteout(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return strncmp(base, WHITEOUT_PREFIX, 4) == 0;
}

/* Pass two: one entry of the layer. */
static bool apply_entry(struct rootfs *fs, struct archive *a, struct archive_entry *e, char *err,
                        size_t errlen)
{
	const char *path = archive_entry_pathname(e);
	const char *hardlink = archive_entry_hardlink(e);
	struct rootfs_inode *in;
	enum rootfs_type type;

	if (hardlink) {
		struct path check;
		const struct rootfs_node *target;

		if (!path_split(hardlink, &check, err, errlen)) {
			fail(err, errlen, "hard link '%s': target '%s' escapes the root", path,
			     hardlink);
			return false;
		}
		free(check.buf);
		target = lookup(&fs->root, hardlink);
		if (!target) {
			fail(err, errlen, "hard link '%s': target '%s' is not in the tree", path,
			     hardlink);
			return false;
		}
		if (target->inode->type == ROOTFS_DIR) {
			fail(err, errlen, "hard link '%s': target '%s' is a directory", path,
			     hardlink);
			return false;
		}
		/* The new name shares the inode; place() takes its reference. */
		return place(fs, path, target->inode, err, errlen);
	}
	switch (archive_entry_filetype(e)) {
	case AE_IFDIR:
		type = ROOTFS_DIR;
		break;
	case AE_IFREG:
		type = ROOTFS_REG;
		break;
	case AE_IFLNK:
		type = ROOTFS_SYMLINK;
		break;
	case AE_IFCHR:
		type = ROOTFS_CHR;
		break;
	case AE_IFBLK:
		type = ROOTFS_BLK;
		break;
	case AE_IFIFO:
		type = ROOTFS_FIFO;
		break;
	default:
		fail(err, errlen, "path '%s': unsupported file type", path);
		return false;
	}
	if (type == ROOTFS_SYMLINK && !archive_entry_symlink(e)) {
		fail(err, errlen, "symlink '%s': no target", path);
		return false;
	}
	if (type == ROOTFS_SYMLINK && symlink_escapes(path, archive_entry_symlink(e))) {
		fail(err, errlen, "symlink '%s': target '%s' escapes the root", path,
		     archive_entry_symlink(e));
		return false;
	}
	in = inode_new(fs, type, archive_entry_perm(e) | (archive_entry_mode(e) & 07000));
	if (!in) {
		fail(err, errlen, "out of memory");
		return false;
	}
	in->uid = (uint32_t)archive_entry_uid(e);
	in->gid = (uint32_t)archive_entry_gid(e);
	in->mtime = archive_entry_mtime(e);
	in->rdev_major = archive_entry_rdevmajor(e);
	in->rdev_minor = archive_entry_rdevminor(e);
	if (type == ROOTFS_SYMLINK)
		in->target = strdup(archive_entry_symlink(e));
	if (type == ROOTFS_REG) {
		la_int64_t size = archive_entry_size(e);

		in->data = malloc(size > 0 ? (size_t)size : 1);
		if (in->data) {
			la_ssize_t got =
			    size > 0 ? archive_read_data(a, in->data, (size_t)size) : 0;

			if (got != size) {
				fail(err, errlen, "path '%s': %s", path,
				     got < 0 ? archive_error_string(a) : "short read");
				free(in->data);
				free(in);
				return false;
			}
			in->size = (size_t)size;
		}
	}
	if ((type == ROOTFS_SYMLINK && !in->target) || (type == ROOTFS_REG && !in->data)) {
		fail(err, errlen, "out of memory");
		free(in->data);
		free(in->target);
		free(in);
		return false;
	}
	return place(fs, path, in, err, errlen);
}

static bool read_layer(struct rootfs *fs, const void *data, size_t size, bool whiteouts, char *err,
                       size_t errlen)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	bool ok = true;
	int r;

	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_memory(a, data, size) != ARCHIVE_OK) {
		fail(err, errlen, "%s", archive_error_string(a));
		archive_read_free(a);
		return false;
	}
	while (ok && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *path = archive_entry_pathname(e);

		if (whiteouts)
			ok = apply_whiteout(fs, path, err, errlen);
		else if (!is_whiteout(path))
			ok = apply_entry(fs, a, e, err, errlen);
	}
	if (ok && r != ARCHIVE_EOF) {
		fail(err, errlen, "%s", archive_error_string(a));
		ok = false;
	}
	archive_read_free(a);
	return ok;
}

bool rootfs_apply_layer(struct rootfs *fs, const void *data, size_t size, char *err, size_t errlen)
{
	return read_layer(fs, data, size, true, err, errlen) &&
	       read_layer(fs, data, size, false, err, errlen);
}

struct rootfs *rootfs_new(void)
{
	struct rootfs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->next_ino = 1;
	fs->root.name = strdup("");
	fs->root.inode = inode_new(fs, ROOTFS_DIR, 0755);
	if (!fs->root.name || !fs->root.inode) {
		free(fs->root.name);
		free(fs->root.inode);
		free(fs);
		return NULL;
	}
	fs->root.inode->links = 1;
	return fs;
}

void rootfs_free(struct rootfs *fs)
{
	struct rootfs_node *c, *next;

	if (!fs)
		return;
	for (c = fs->root.children; c; c = next) {
		next = c->next;
		node_free(c);
	}
	inode_put(fs->root.inode);
	free(fs->root.name);
	free(fs);
}

bool rootfs_add_dir(struct rootfs *fs, const char *path, uint32_t mode, char *err, size_t errlen)
{
	struct rootfs_inode *in = inode_new(fs, ROOTFS_DIR, mode);

	if (!in) {
		fail(err, errlen, "out of memory");
		return false;
	}
	return place(fs, path, in, err, errlen);
}

bool rootfs_add_file(struct rootfs *fs, const char *path, uint32_t mode, const void *data,
                     size_t size, char *err, size_t errlen)
{
	struct rootfs_inode *in = inode_new(fs, ROOTFS_REG, mode);

	if (in && !(in->data = malloc(size ? size : 1))) {
		free(in);
		in = NULL;
	}
	if (!in) {
		fail(err, errlen, "out of memory");
		return false;
	}
	memcpy(in->data, data, size);
	in->size = size;
	return place(fs, path, in, err, errlen);
}

bool rootfs_add_device(struct rootfs *fs, const char *path, enum rootfs_type type, uint32_t mode,
                       uint32_t major, uint32_t minor, char *err, size_t errlen)
{
	struct rootfs_inode *in;

	if (type != ROOTFS_CHR && type != ROOTFS_BLK && type != ROOTFS_FIFO) {
		fail(err, errlen, "path '%s': not a device type", path);
		return false;
	}
	in = inode_new(fs, type, mode);
	if (!in) {
		fail(err, errlen, "out of memory");
		return false;
	}
	in->rdev_major = major;
	in->rdev_minor = minor;
	return place(fs, path, in, err, errlen);
}

const struct rootfs_node *rootfs_root(const struct rootfs *fs)
{
	return &fs->root;
}

const struct rootfs_node *rootfs_lookup(const struct rootfs *fs, const char *path)
{
	return lookup(&fs->root, path);
}

/* Resolves path inside the tree: ".." stops at the root and absolute
 * symlinks restart from it, as they would inside the guest. */
static const struct rootfs_node *resolve(const struct rootfs_node *root,
                                         const struct rootfs_node *start, const char *path,
                                         int *budget)
{
	char buf[4096];
	const struct rootfs_node *n = path[0] == '/' ? root : start;
	char *save = NULL;

	if (strlen(path) >= sizeof(buf))
		return NULL;
	strcpy(buf, path);
	for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (n->inode->type != ROOTFS_DIR)
			return NULL;
		if (strcmp(t, ".") == 0)
			continue;
		if (strcmp(t, "..") == 0) {
			n = n->parent ? n->parent : root;
			continue;
		}
		const struct rootfs_node *c = child(n, t);

		if (!c)
			return NULL;
		if (c->inode->type == ROOTFS_SYMLINK) {
			if (--*budget < 0)
				return NULL;
			c = resolve(root, n, c->inode->target, budget);
			if (!c)
				return NULL;
		}
		n = c;
	}
	return n;
}

const struct rootfs_inode *rootfs_open_file(const struct rootfs *fs, const char *path)
{
	int budget = MAX_SYMLINKS;
	const struct rootfs_node *n = resolve(&fs->root, &fs->root, path, &budget);

	return n && n->inode->type == ROOTFS_REG ? n->inode : NULL;
}

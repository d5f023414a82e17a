/*
 * Opening a container image on the host, as `solo build` finds it named in
 * an appliance config's `image =` line. Two forms are understood:
 * `oci:DIR[:TAG]`, an OCI image layout (as skopeo and umoci write it),
 * where TAG picks the manifest by its org.opencontainers.image.ref.name
 * annotation ("latest" when omitted) and an image index is narrowed to its
 * linux/amd64 manifest; and `docker-archive:FILE`, the tarball `docker
 * save` and `podman save` write. Everything read is checked before it is
 * trusted: every blob against its descriptor's sha256 digest and size (a
 * docker-archive has no descriptors, so its config is checked against the
 * digest in its file name and each layer against the config's diff_ids),
 * and every media type against the list solo knows. The result holds the
 * parsed config and the verified layer bytes in memory, ready for rootfs.
 * Host only: it links libarchive, jansson and libcrypto.
 */
#ifndef SOLO_LOADER_OCI_IMAGE_H
#define SOLO_LOADER_OCI_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

/* "sha256:" and 64 hex digits, the only digest algorithm accepted. */
#define OCI_DIGEST_MAX 71

/* A list of strings from the image config; items is NULL-terminated and
 * never NULL, so an absent list and an empty one read the same. */
struct oci_strings {
	size_t count;
	char **items;
};

/* The parts of the image config (its "config" object) that decide how the
 * container starts. Strings are "" when the image does not set them. */
struct oci_image_config {
	struct oci_strings entrypoint;
	struct oci_strings cmd;
	struct oci_strings env; /* "NAME=value" */
	char *working_dir;
	char *user; /* "", "uid", "uid:gid", "name", "name:group", ... */
};

/* One layer, already verified: the blob as stored, compressed or not. */
struct oci_layer {
	char digest[OCI_DIGEST_MAX + 1]; /* names it in messages */
	unsigned char *data;
	size_t size;
};

struct oci_image {
	/* The config blob's digest: the image ID docker and podman show. */
	char config_digest[OCI_DIGEST_MAX + 1];
	struct oci_image_config config;
	size_t layer_count;
	struct oci_layer *layers; /* bottom layer first */
};

/* Opens the image ref names, verifies it and fills *out. Returns true on
 * success; on failure writes one line to err (always NUL-terminated),
 * such as "image oci:images/web: blob sha256:ab12...: digest mismatch",
 * and leaves *out empty (oci_image_close() on it is harmless). */
bool oci_image_open(const char *ref, struct oci_image *out, char *err, size_t errlen);

/* Frees what oci_image_open() allocated and empties *img. */
void oci_image_close(struct oci_image *img);

#endif

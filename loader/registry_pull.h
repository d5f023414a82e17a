/*
 * Pulling an image from a registry for `solo build`, over the OCI
 * distribution API (libcurl): the manifest for the reference's tag or
 * digest (an image index or a Docker manifest list narrowed to
 * linux/amd64), then its config and layers, each checked against its
 * digest and size while it streams. Bearer-token and Basic auth answer a
 * registry's 401 (registry_auth.h). TLS is verified, except for hosts the
 * caller names insecure (plain HTTP, for a local test registry).
 *
 * Everything lands in a content-addressed cache (CACHE/blobs/sha256/),
 * shared under a lock by builds running at once; each reference gets an
 * OCI image layout of its own (CACHE/refs/HASH/, its blobs/ a link to the
 * shared ones) that oci_image_open() reads as `oci:DIR`. A blob already
 * cached is not fetched again; with the registry out of reach, a
 * reference pulled before is used as cached, with a warning. A transfer
 * cut short is tried again, up to three times. Host only.
 */
#ifndef SOLO_LOADER_REGISTRY_PULL_H
#define SOLO_LOADER_REGISTRY_PULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "registry_ref.h"

#define REGISTRY_MAX_INSECURE 8

struct pull_options {
	const char *cache_dir; /* the cache's root folder */
	bool no_cache;         /* fetch every blob again (the cache is still written) */
	const char *insecure[REGISTRY_MAX_INSECURE]; /* HOST[:PORT]s reached over plain HTTP */
	size_t insecure_count;
	bool progress;  /* bytes and rate of large blobs on stderr (a terminal) */
	FILE *warnings; /* where a warning line goes (offline use) */
};

struct pull_result {
	char layout[4096]; /* the OCI layout: use as "oci:" layout */
	char manifest_digest[REGISTRY_DIGEST_LEN + 1];
	char url[800];            /* where the manifest came from */
	unsigned fetched, cached; /* blobs */
	uint64_t bytes_fetched;
	bool offline; /* the registry was out of reach: the cache was used */
};

/* Pulls reference into the cache. On failure writes one line to err,
 * naming the reference and the cause. */
bool registry_pull(const char *reference, const struct pull_options *o, struct pull_result *r,
                   char *err, size_t errlen);

/* The cache folder: $SOLO_CACHE_DIR, $XDG_CACHE_HOME/solo or
 * ~/.cache/solo. */
void registry_cache_dir(char *out, size_t outlen);

/* Empties the cache (under its lock). */
bool registry_cache_prune(const char *cache_dir, char *err, size_t errlen);

/* Whether an `image =` value names a registry (no oci: or docker-archive:
 * transport). */
bool registry_is_reference(const char *image);

#endif

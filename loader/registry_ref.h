/*
 * Image references as docker and podman take them:
 * [REGISTRY/]REPOSITORY[:TAG][@sha256:DIGEST], with Docker Hub's defaults
 * (no registry: docker.io, reached at registry-1.docker.io; a one-part
 * repository there lives under library/; no tag and no digest: latest).
 * A registry is the first part when it has a '.' or a ':' (a port) or is
 * "localhost". A digest pins the image: the manifest must hash to it.
 * Pure C, no allocation; host only (solo build).
 */
#ifndef SOLO_LOADER_REGISTRY_REF_H
#define SOLO_LOADER_REGISTRY_REF_H

#include <stdbool.h>
#include <stddef.h>

#define REGISTRY_HOST_MAX       255
#define REGISTRY_REPOSITORY_MAX 255
#define REGISTRY_TAG_MAX        128
#define REGISTRY_DIGEST_LEN     71 /* "sha256:" and 64 lowercase hex digits */

struct registry_ref {
	char registry[REGISTRY_HOST_MAX + 1]; /* as written, or "docker.io" */
	char host[REGISTRY_HOST_MAX + 1];     /* where to connect: HOST[:PORT] */
	char repository[REGISTRY_REPOSITORY_MAX + 1];
	char tag[REGISTRY_TAG_MAX + 1];       /* "latest" when neither is given */
	char digest[REGISTRY_DIGEST_LEN + 1]; /* "" unless pinned */
};

/* Parses text (an optional "docker://" prefix allowed). Returns false with
 * one line in err ("not an image reference: ..." and the reason). */
bool registry_ref_parse(const char *text, struct registry_ref *out, char *err, size_t errlen);

/* The manifest reference to ask the registry for: the digest if pinned,
 * else the tag. */
const char *registry_ref_manifest(const struct registry_ref *ref);

/* Whether a string is a well-formed sha256 digest. */
bool registry_digest_valid(const char *digest);

/* "sha256:" and the 64 lowercase hex digits of a 32-byte SHA-256. */
void registry_digest_format(const unsigned char md[32], char out[REGISTRY_DIGEST_LEN + 1]);

#endif

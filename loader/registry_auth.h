/*
 * What a registry's 401 asks for, and the credentials to answer it with.
 * A challenge is the WWW-Authenticate header of the distribution spec:
 * `Bearer realm="URL",service="NAME",scope="repository:REPO:pull"` (get
 * a token from the realm, then retry) or `Basic realm="..."` (retry with
 * the user and password). Credentials come from the environment
 * (SOLO_REGISTRY_USER and SOLO_REGISTRY_PASSWORD) or from the auth.json
 * files podman, skopeo and docker read: $REGISTRY_AUTH_FILE,
 * $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json,
 * ~/.docker/config.json, first match by registry wins. Host only (jansson).
 */
#ifndef SOLO_LOADER_REGISTRY_AUTH_H
#define SOLO_LOADER_REGISTRY_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#define REGISTRY_CHALLENGE_MAX 512

enum registry_scheme { REGISTRY_AUTH_NONE, REGISTRY_AUTH_BASIC, REGISTRY_AUTH_BEARER };

struct registry_challenge {
	enum registry_scheme scheme;
	char realm[REGISTRY_CHALLENGE_MAX];
	char service[REGISTRY_CHALLENGE_MAX];
	char scope[REGISTRY_CHALLENGE_MAX];
};

/* Parses a WWW-Authenticate value; false when it is neither scheme or a
 * Bearer challenge has no realm. */
bool registry_challenge_parse(const char *header, struct registry_challenge *out);

/* "user:password" for registry (as written in the reference, e.g.
 * "localhost:5000" or "docker.io") into out; false when none is found.
 * home and env stand for getenv, so tests can give their own. */
bool registry_credentials(const char *registry, const char *(*env)(const char *name), char *out,
                          size_t outlen);

#endif

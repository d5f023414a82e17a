/* Challenges and credentials (registry_auth.h). */
#include "registry_auth.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Copies a quoted or bare parameter value starting at p into out;
 * returns the position after it. */
static const char *param_value(const char *p, char *out, size_t outlen)
{
	size_t n = 0;
	bool quoted = *p == '"';
	if (quoted)
		p++;
	while (*p && (quoted ? *p != '"' : *p != ',' && *p != ' ')) {
		if (quoted && *p == '\\' && p[1])
			p++;
		if (n + 1 < outlen)
			out[n++] = *p;
		p++;
	}
	out[n] = '\0';
	return quoted && *p == '"' ? p + 1 : p;
}

bool registry_challenge_parse(const char *header, struct registry_challenge *out)
{
	memset(out, 0, sizeof(*out));
	while (*header == ' ')
		header++;
	if (strncasecmp(header, "Bearer ", 7) == 0)
		out->scheme = REGISTRY_AUTH_BEARER;
	else if (strncasecmp(header, "Basic", 5) == 0 && (header[5] == ' ' || !header[5]))
		out->scheme = REGISTRY_AUTH_BASIC;
	else
		return false;
	const char *p = strchr(header, ' ');
	while (p && *p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *eq = strchr(p, '=');
		if (!eq)
			break;
		size_t klen = (size_t)(eq - p);
		char scratch[REGISTRY_CHALLENGE_MAX];
		char *dest = scratch;
		if (klen == 5 && strncasecmp(p, "realm", 5) == 0)
			dest = out->realm;
		else if (klen == 7 && strncasecmp(p, "service", 7) == 0)
			dest = out->service;
		else if (klen == 5 && strncasecmp(p, "scope", 5) == 0)
			dest = out->scope;
		p = param_value(eq + 1, dest, REGISTRY_CHALLENGE_MAX);
	}
	return out->scheme == REGISTRY_AUTH_BASIC || out->realm[0];
}

/* The "auth" of an auths entry: base64 of "user:password". */
static bool decode_auth(const char *b64, char *out, size_t outlen)
{
	size_t n = strlen(b64);
	unsigned char buf[1024];
	if (n == 0 || n % 4 || n / 4 * 3 >= sizeof(buf))
		return false;
	int len = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)n);
	if (len < 0)
		return false;
	while (n && b64[--n] == '=')
		len--;
	if (len <= 0 || (size_t)len >= outlen || !memchr(buf, ':', (size_t)len))
		return false;
	memcpy(out, buf, (size_t)len);
	out[len] = '\0';
	return true;
}

/* Looks registry up in one auth.json; docker.io also matches Docker's
 * own key for Hub. */
static bool from_file(const char *path, const char *registry, char *out, size_t outlen)
{
	json_t *root = json_load_file(path, 0, NULL);
	if (!root)
		return false;
	bool found = false;
	json_t *auths = json_object_get(root, "auths");
	const char *keys[] = {
	    registry, strcmp(registry, "docker.io") == 0 ? "https://index.docker.io/v1/" : NULL};
	for (size_t i = 0; i < 2 && keys[i] && !found; i++) {
		const char *auth =
		    json_string_value(json_object_get(json_object_get(auths, keys[i]), "auth"));
		found = auth && decode_auth(auth, out, outlen);
	}
	json_decref(root);
	return found;
}

bool registry_credentials(const char *registry, const char *(*env)(const char *name), char *out,
                          size_t outlen)
{
	const char *user = env("SOLO_REGISTRY_USER"), *password = env("SOLO_REGISTRY_PASSWORD");
	if (user && password) {
		int n = snprintf(out, outlen, "%s:%s", user, password);
		return n > 0 && (size_t)n < outlen;
	}
	char paths[4][1024] = {{0}};
	const char *file = env("REGISTRY_AUTH_FILE"), *runtime = env("XDG_RUNTIME_DIR"),
	           *home = env("HOME");
	if (file)
		snprintf(paths[0], sizeof(paths[0]), "%s", file);
	if (runtime)
		snprintf(paths[1], sizeof(paths[1]), "%s/containers/auth.json", runtime);
	if (home) {
		snprintf(paths[2], sizeof(paths[2]), "%s/.config/containers/auth.json", home);
		snprintf(paths[3], sizeof(paths[3]), "%s/.docker/config.json", home);
	}
	for (size_t i = 0; i < 4; i++)
		if (paths[i][0] && from_file(paths[i], registry, out, outlen))
			return true;
	return false;
}

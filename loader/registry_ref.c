/*
 * Reference parsing (registry_ref.h), strict: lowercase repository parts
 * of [a-z0-9] separated by one '.', '_', '-' or "__"; tags of
 * [A-Za-z0-9_.-] not starting with '.' or '-'; digests sha256 only.
 */
#include "registry_ref.h"

#include <stdio.h>
#include <string.h>

#define DOCKER_HUB_NAME "docker.io"
#define DOCKER_HUB_HOST "registry-1.docker.io"

static bool fail(char *err, size_t errlen, const char *text, const char *why)
{
	snprintf(err, errlen, "not an image reference: '%s': %s", text, why);
	return false;
}

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool registry_digest_valid(const char *d)
{
	if (strncmp(d, "sha256:", 7) != 0 || strlen(d) != REGISTRY_DIGEST_LEN)
		return false;
	for (const char *p = d + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

void registry_digest_format(const unsigned char md[32], char out[REGISTRY_DIGEST_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	memcpy(out, "sha256:", 7);
	for (int i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 15];
	}
	out[REGISTRY_DIGEST_LEN] = '\0';
}

/* One path component of a repository: alnum runs joined by single
 * separators ('.', '_', '-') or a double underscore. */
static bool component_valid(const char *s, size_t n)
{
	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i < n; i++) {
		if (is_lower_alnum(s[i]))
			continue;
		bool double_underscore =
		    s[i] == '_' && s[i + 1] == '_' && i + 2 < n && is_lower_alnum(s[i + 2]);
		if (double_underscore) {
			i++;
			continue;
		}
		if ((s[i] != '.' && s[i] != '_' && s[i] != '-') || !is_lower_alnum(s[i + 1]))
			return false;
	}
	return true;
}

static bool tag_valid(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > REGISTRY_TAG_MAX || t[0] == '.' || t[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* A registry: host name labels of [A-Za-z0-9-] joined by '.', an
 * optional :PORT. */
static bool registry_valid(const char *r, size_t n)
{
	size_t colon = n;
	for (size_t i = 0; i < n; i++)
		if (r[i] == ':')
			colon = i;
	if (colon == 0 || colon == n - 1 || colon + 6 < n)
		return false;
	for (size_t i = colon + 1; i < n; i++)
		if (r[i] < '0' || r[i] > '9')
			return false;
	for (size_t i = 0; i < colon; i++) {
		char c = r[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '-' ||
		          (c == '.' && i > 0 && i + 1 < colon && r[i + 1] != '.');
		if (!ok)
			return false;
	}
	return true;
}

bool registry_ref_parse(const char *text, struct registry_ref *out, char *err, size_t errlen)
{
	char name[REGISTRY_HOST_MAX + REGISTRY_REPOSITORY_MAX + REGISTRY_TAG_MAX + 4];
	const char *s = text;
	memset(out, 0, sizeof(*out));
	if (strncmp(s, "docker://", 9) == 0)
		s += 9;
	const char *at = strchr(s, '@');
	size_t name_len = at ? (size_t)(at - s) : strlen(s);
	if (name_len == 0)
		return fail(err, errlen, text, "no repository");
	if (name_len >= sizeof(name))
		return fail(err, errlen, text, "too long");
	memcpy(name, s, name_len);
	name[name_len] = '\0';
	if (at) {
		if (!registry_digest_valid(at + 1))
			return fail(err, errlen, text,
			            "a digest is sha256: and 64 lowercase hex digits");
		memcpy(out->digest, at + 1, REGISTRY_DIGEST_LEN + 1);
	}

	/* The tag: after the last ':' that follows the last '/'. */
	char *slash = strrchr(name, '/');
	char *colon = strrchr(slash ? slash : name, ':');
	if (colon) {
		*colon = '\0';
		if (!tag_valid(colon + 1))
			return fail(err, errlen, text, "a tag is up to 128 of [A-Za-z0-9_.-]");
		memcpy(out->tag, colon + 1, strlen(colon + 1) + 1);
	} else if (!at) {
		memcpy(out->tag, "latest", sizeof("latest"));
	}

	/* The registry: a first part with '.' or ':', or localhost. */
	char *repo = name;
	char *first_slash = strchr(name, '/');
	if (first_slash) {
		size_t n = (size_t)(first_slash - name);
		bool is_registry = memchr(name, '.', n) || memchr(name, ':', n) ||
		                   (n == 9 && memcmp(name, "localhost", 9) == 0);
		if (is_registry) {
			if (!registry_valid(name, n) || n > REGISTRY_HOST_MAX)
				return fail(err, errlen, text, "a registry is HOST[:PORT]");
			memcpy(out->registry, name, n);
			repo = first_slash + 1;
		}
	}
	if (!out->registry[0])
		memcpy(out->registry, DOCKER_HUB_NAME, sizeof(DOCKER_HUB_NAME));
	bool hub = strcmp(out->registry, DOCKER_HUB_NAME) == 0 ||
	           strcmp(out->registry, "index.docker.io") == 0;
	memcpy(out->host, hub ? DOCKER_HUB_HOST : out->registry,
	       strlen(hub ? DOCKER_HUB_HOST : out->registry) + 1);

	/* The repository's components. */
	size_t repo_len = strlen(repo);
	bool library = hub && !strchr(repo, '/');
	if (repo_len + (library ? 8 : 0) > REGISTRY_REPOSITORY_MAX)
		return fail(err, errlen, text, "repository name too long");
	for (const char *p = repo;;) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (!component_valid(p, n))
			return fail(
			    err, errlen, text,
			    "repository parts are lowercase letters and digits joined by . _ - "
			    "or __");
		if (!end)
			break;
		p = end + 1;
	}
	size_t prefix = library ? 8 : 0;
	memcpy(out->repository, "library/", prefix);
	memcpy(out->repository + prefix, repo, repo_len + 1); /* fits: checked above */
	return true;
}

const char *registry_ref_manifest(const struct registry_ref *ref)
{
	return ref->digest[0] ? ref->digest : ref->tag;
}

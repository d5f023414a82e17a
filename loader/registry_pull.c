/*
 * Registry pulls (registry_pull.h). One libcurl handle per pull, reset
 * for each request. Nothing from the network is trusted before it is
 * checked: a manifest is parsed only after its bytes hashed to the digest
 * asked for (a pinned one) or were hashed to name it; a blob is renamed
 * into the cache only after its size and digest matched its descriptor.
 */
#define _GNU_SOURCE
#include "registry_pull.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "registry_auth.h"

#define MEDIA_OCI_INDEX       "application/vnd.oci.image.index.v1+json"
#define MEDIA_OCI_MANIFEST    "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_DOCKER_LIST     "application/vnd.docker.distribution.manifest.list.v2+json"
#define MEDIA_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MANIFEST_MAX          (4u << 20)
#define TRIES                 3
#define PROGRESS_MIN_BYTES    (1u << 20)

struct response {
	long status;
	CURLcode code;
	char curl_error[CURL_ERROR_SIZE];
	unsigned char *body; /* to memory, up to max */
	size_t len, max;
	bool too_big;
	FILE *file; /* or to a file, hashed on the way */
	EVP_MD_CTX *sha;
	uint64_t written;
	char www_authenticate[1024];
	char content_type[256];
	const char *label; /* progress: what is coming, NULL for quiet */
	double last_shown, started;
	bool shown_done;
};

struct puller {
	const char *reference;
	struct registry_ref ref;
	const struct pull_options *o;
	struct pull_result *r;
	char *err;
	size_t errlen;
	char base[REGISTRY_HOST_MAX + 16];
	char authorization[8192]; /* the header line, "" before a 401 */
	CURL *curl;
	char blobs[4200];
};

static void fail(struct puller *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct puller *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "image %s: ", p->reference);
	if (n < 0 || (size_t)n >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void digest_of(const void *data, size_t len, char out[REGISTRY_DIGEST_LEN + 1])
{
	unsigned char md[32];
	unsigned int n = 0;
	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	registry_digest_format(md, out);
}

/* ---- HTTP ----------------------------------------------------------------- */

static size_t on_body(char *data, size_t one, size_t n, void *user)
{
	struct response *r = user;
	size_t bytes = one * n;
	if (r->file) {
		EVP_DigestUpdate(r->sha, data, bytes);
		r->written += bytes;
		return fwrite(data, 1, bytes, r->file);
	}
	if (r->len + bytes > r->max) {
		r->too_big = true;
		return 0; /* ends the transfer */
	}
	unsigned char *grown = realloc(r->body, r->len + bytes + 1);
	if (!grown)
		return 0;
	r->body = grown;
	memcpy(r->body + r->len, data, bytes);
	r->len += bytes;
	r->body[r->len] = '\0';
	return bytes;
}

/* Keeps the headers it needs (of the last response, after redirects). */
static size_t on_header(char *line, size_t one, size_t n, void *user)
{
	struct response *r = user;
	size_t len = one * n;
	struct {
		const char *name;
		char *dest;
		size_t size;
	} wanted[] = {{"www-authenticate:", r->www_authenticate, sizeof(r->www_authenticate)},
	              {"content-type:", r->content_type, sizeof(r->content_type)}};
	if (len >= 5 && !strncmp(line, "HTTP/", 5)) {
		r->www_authenticate[0] = r->content_type[0] = '\0';
		return len;
	}
	for (size_t i = 0; i < 2; i++) {
		size_t k = strlen(wanted[i].name);
		if (len <= k || strncasecmp(line, wanted[i].name, k))
			continue;
		const char *v = line + k;
		size_t vlen = len - k;
		while (vlen && (*v == ' ' || *v == '\t'))
			v++, vlen--;
		while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
			vlen--;
		if (vlen >= wanted[i].size)
			vlen = wanted[i].size - 1;
		memcpy(wanted[i].dest, v, vlen);
		wanted[i].dest[vlen] = '\0';
	}
	return len;
}

static int on_progress(void *user, curl_off_t total, curl_off_t done, curl_off_t ut, curl_off_t un)
{
	(void)ut;
	(void)un;
	struct response *r = user;
	double t = now();
	if (!r->label || total < PROGRESS_MIN_BYTES || r->shown_done ||
	    (t - r->last_shown < 0.25 && done < total))
		return 0;
	r->last_shown = t;
	r->shown_done = done >= total;
	double mib = 1024.0 * 1024.0, rate = t > r->started ? (double)done / (t - r->started) : 0;
	fprintf(stderr, "\r  %.19s  %6.1f / %.1f MiB  %5.1f MiB/s%s", r->label, (double)done / mib,
	        (double)total / mib, rate / mib, done >= total ? "\n" : "");
	return 0;
}

/* One GET of url; `extra` is an Accept header line or NULL. */
static void get(struct puller *p, const char *url, const char *extra, const char *authorization,
                struct response *r)
{
	struct curl_slist *headers = NULL;
	if (extra)
		headers = curl_slist_append(headers, extra);
	if (authorization && authorization[0])
		headers = curl_slist_append(headers, authorization);
	CURL *c = p->curl;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->curl_error);
	/* Blob downloads are redirected to storage; curl does not carry the
	 * Authorization header to another host. */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "solo-build");
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, r);
	r->started = r->last_shown = now();
	r->curl_error[0] = '\0';
	r->code = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(headers);
}

static bool unreachable(CURLcode code)
{
	return code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_CONNECT ||
	       code == CURLE_OPERATION_TIMEDOUT;
}

/* A transfer that failed below HTTP, in words. */
static void transport_failed(struct puller *p, const struct response *r, const char *what)
{
	const char *detail = r->curl_error[0] ? r->curl_error : curl_easy_strerror(r->code);
	if (r->code == CURLE_COULDNT_RESOLVE_HOST)
		fail(p, "unknown host %s", p->ref.host);
	else if (r->code == CURLE_COULDNT_CONNECT)
		fail(p, "cannot connect to %s (%s)", p->ref.host, detail);
	else if (r->code == CURLE_PEER_FAILED_VERIFICATION || r->code == CURLE_SSL_CONNECT_ERROR)
		fail(p, "TLS with %s: %s (for a test registry: --insecure-registry %s)",
		     p->ref.host, detail, p->ref.registry);
	else
		fail(p, "%s: %s", what, detail);
}

/* The registry's own words for an HTTP error: "CODE: message" of its
 * first error, or "". */
static void registry_message(const struct response *r, char *out, size_t outlen)
{
	out[0] = '\0';
	json_t *root = r->body ? json_loadb((const char *)r->body, r->len, 0, NULL) : NULL;
	json_t *first = json_array_get(json_object_get(root, "errors"), 0);
	const char *code = json_string_value(json_object_get(first, "code"));
	const char *message = json_string_value(json_object_get(first, "message"));
	if (message)
		snprintf(out, outlen, ": %s%s%s", code ? code : "", code ? ": " : "", message);
	json_decref(root);
}

static void reset(struct response *r, size_t max)
{
	free(r->body);
	*r = (struct response){.max = max};
}

/* ---- authentication --------------------------------------------------------- */

static const char *env(const char *name)
{
	return getenv(name);
}

static void basic_header(const char *creds, char *out, size_t outlen)
{
	unsigned char b64[1500];
	size_t n = strlen(creds);
	if (n > 1000)
		n = 1000;
	EVP_EncodeBlock(b64, (const unsigned char *)creds, (int)n);
	snprintf(out, outlen, "Authorization: Basic %s", b64);
}

static void url_escape_into(CURL *c, const char *s, char *out, size_t outlen)
{
	char *e = curl_easy_escape(c, s, 0);
	snprintf(out, outlen, "%s", e ? e : "");
	curl_free(e);
}

/* Answers a 401: a token from the Bearer realm (with the credentials if
 * there are any), or the credentials themselves for Basic. */
static bool authenticate(struct puller *p, const struct response *denied)
{
	struct registry_challenge ch;
	char creds[1024], basic[1600] = "";
	bool have = registry_credentials(p->ref.registry, env, creds, sizeof(creds));
	if (have)
		basic_header(creds, basic, sizeof(basic));
	if (!registry_challenge_parse(denied->www_authenticate, &ch)) {
		fail(p, "HTTP 401 from %s without a challenge solo understands", p->ref.registry);
		return false;
	}
	if (ch.scheme == REGISTRY_AUTH_BASIC) {
		if (!have) {
			fail(p,
			     "HTTP 401 from %s: it asks for a user and password (none in auth.json "
			     "or SOLO_REGISTRY_USER)",
			     p->ref.registry);
			return false;
		}
		snprintf(p->authorization, sizeof(p->authorization), "%s", basic);
		return true;
	}
	char service[700], scope[700], url[3000], default_scope[REGISTRY_REPOSITORY_MAX + 32];
	snprintf(default_scope, sizeof(default_scope), "repository:%s:pull", p->ref.repository);
	url_escape_into(p->curl, ch.service, service, sizeof(service));
	url_escape_into(p->curl, ch.scope[0] ? ch.scope : default_scope, scope, sizeof(scope));
	snprintf(url, sizeof(url), "%s%sservice=%s&scope=%s", ch.realm,
	         strchr(ch.realm, '?') ? "&" : "?", service, scope);
	struct response r = {.max = 1u << 16};
	get(p, url, NULL, basic, &r);
	if (r.code != CURLE_OK) {
		transport_failed(p, &r, "token request");
		reset(&r, 0);
		return false;
	}
	if (r.status != 200) {
		char why[300];
		registry_message(&r, why, sizeof(why));
		fail(p, "HTTP %ld from the token service %s%s", r.status, ch.realm, why);
		reset(&r, 0);
		return false;
	}
	json_t *root = json_loadb((const char *)r.body, r.len, 0, NULL);
	const char *token = json_string_value(json_object_get(root, "token"));
	if (!token)
		token = json_string_value(json_object_get(root, "access_token"));
	bool ok = token && strlen(token) < sizeof(p->authorization) - 32;
	if (ok)
		snprintf(p->authorization, sizeof(p->authorization), "Authorization: Bearer %s",
		         token);
	else
		fail(p, "the token service %s gave no token", ch.realm);
	json_decref(root);
	reset(&r, 0);
	return ok;
}

/* A GET that answers one 401 by authenticating and asking again. */
static bool request(struct puller *p, const char *url, const char *accept, struct response *r)
{
	size_t max = r->max;
	get(p, url, accept, p->authorization, r);
	if (r->code == CURLE_OK && r->status == 401 && !r->file) {
		struct response denied = *r;
		if (!authenticate(p, &denied))
			return false;
		free(r->body);
		*r = (struct response){.max = max};
		get(p, url, accept, p->authorization, r);
	}
	return true;
}

/* An HTTP status other than 200, in words. */
static void http_failed(struct puller *p, const struct response *r, const char *what)
{
	char why[300];
	registry_message(r, why, sizeof(why));
	if (r->status == 404)
		fail(p, "%s not found in %s at %s%s", what, p->ref.repository, p->ref.registry,
		     why);
	else if (r->status == 401 || r->status == 403)
		fail(p, "HTTP %ld %s from %s%s", r->status,
		     r->status == 401 ? "Unauthorized" : "Forbidden", p->ref.registry, why);
	else
		fail(p, "%s: HTTP %ld from %s%s", what, r->status, p->ref.registry, why);
}

/* ---- manifests -------------------------------------------------------------- */

static const char accept_manifests[] = "Accept: " MEDIA_OCI_INDEX ", " MEDIA_OCI_MANIFEST
                                       ", " MEDIA_DOCKER_LIST ", " MEDIA_DOCKER_MANIFEST;

/* Fetches the manifest `which` (a tag or a digest) into r; checks it
 * against the digest when one is asked for and fills `digest`. */
static bool fetch_manifest(struct puller *p, const char *which, struct response *r,
                           char digest[REGISTRY_DIGEST_LEN + 1])
{
	char url[REGISTRY_HOST_MAX + REGISTRY_REPOSITORY_MAX + REGISTRY_TAG_MAX + 64], what[200];
	snprintf(url, sizeof(url), "%s/v2/%s/manifests/%s", p->base, p->ref.repository, which);
	snprintf(p->r->url, sizeof(p->r->url), "%s", url);
	reset(r, MANIFEST_MAX);
	if (!request(p, url, accept_manifests, r))
		return false;
	snprintf(what, sizeof(what), "%s %s", registry_digest_valid(which) ? "manifest" : "tag",
	         which);
	if (r->code != CURLE_OK) {
		if (r->too_big)
			fail(p, "%s: larger than %u MiB", what, MANIFEST_MAX >> 20);
		else
			transport_failed(p, r, what);
		return false;
	}
	if (r->status != 200) {
		http_failed(p, r, what);
		return false;
	}
	digest_of(r->body, r->len, digest);
	if (registry_digest_valid(which) && strcmp(digest, which) != 0) {
		fail(p, "manifest %s: digest mismatch (the registry sent %s)", which, digest);
		return false;
	}
	return true;
}

static const char *media_type(json_t *doc, const struct response *r)
{
	const char *t = json_string_value(json_object_get(doc, "mediaType"));
	return t ? t : r->content_type;
}

/* From an index or manifest list, the linux/amd64 manifest's digest. */
static bool pick_platform(struct puller *p, json_t *index, char digest[REGISTRY_DIGEST_LEN + 1])
{
	char seen[300] = "";
	size_t i, used = 0;
	json_t *m;
	json_array_foreach(json_object_get(index, "manifests"), i, m)
	{
		json_t *platform = json_object_get(m, "platform");
		const char *os = json_string_value(json_object_get(platform, "os"));
		const char *arch = json_string_value(json_object_get(platform, "architecture"));
		const char *d = json_string_value(json_object_get(m, "digest"));
		if (os && arch && !strcmp(os, "linux") && !strcmp(arch, "amd64") && d &&
		    registry_digest_valid(d)) {
			memcpy(digest, d, REGISTRY_DIGEST_LEN + 1);
			return true;
		}
		if (os && arch && used < sizeof(seen))
			used += (size_t)snprintf(seen + used, sizeof(seen) - used, "%s%s/%s",
			                         used ? ", " : "", os, arch);
	}
	fail(p, "no linux/amd64 image (it has %s)", used ? seen : "none");
	return false;
}

/* ---- blobs ------------------------------------------------------------------ */

static bool file_size_is(const char *path, uint64_t size)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == size;
}

static bool write_file(const char *path, const void *data, size_t len)
{
	char tmp[4300];
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return false;
	bool ok = fwrite(data, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	if (ok && rename(tmp, path) == 0)
		return true;
	unlink(tmp);
	return false;
}

static void blob_path(const struct puller *p, const char *digest, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/%s", p->blobs, digest + 7);
}

/* Downloads one blob into the cache, checked; tried again when cut short. */
static bool fetch_blob(struct puller *p, const char *digest, uint64_t size)
{
	char path[4300], tmp[4400], url[REGISTRY_HOST_MAX + REGISTRY_REPOSITORY_MAX + 128];
	blob_path(p, digest, path, sizeof(path));
	if (!p->o->no_cache && file_size_is(path, size)) {
		p->r->cached++;
		return true;
	}
	snprintf(tmp, sizeof(tmp), "%s.part-%d", path, (int)getpid());
	snprintf(url, sizeof(url), "%s/v2/%s/blobs/%s", p->base, p->ref.repository, digest);
	for (int attempt = 1;; attempt++) {
		struct response r = {.label = p->o->progress ? digest + 7 : NULL};
		r.file = fopen(tmp, "wb");
		r.sha = EVP_MD_CTX_new();
		if (!r.file || !r.sha || !EVP_DigestInit_ex(r.sha, EVP_sha256(), NULL)) {
			fail(p, "blob %s: cannot write %s: %s", digest, tmp, strerror(errno));
			if (r.file)
				fclose(r.file);
			EVP_MD_CTX_free(r.sha);
			return false;
		}
		request(p, url, NULL, &r);
		bool written = fclose(r.file) == 0;
		unsigned char md[32];
		unsigned int n = 0;
		EVP_DigestFinal_ex(r.sha, md, &n);
		EVP_MD_CTX_free(r.sha);
		char got[REGISTRY_DIGEST_LEN + 1];
		registry_digest_format(md, got);
		bool cut = (r.code != CURLE_OK && !unreachable(r.code)) ||
		           (r.code == CURLE_OK && r.status == 200 && r.written < size);
		if (cut && attempt < TRIES)
			continue;
		if (cut) {
			unlink(tmp);
			fail(p, "blob %s: download cut short after %llu of %llu bytes (%d tries)",
			     digest, (unsigned long long)r.written, (unsigned long long)size,
			     TRIES);
			return false;
		}
		bool ok = false;
		if (r.code != CURLE_OK)
			transport_failed(p, &r, digest);
		else if (r.status != 200)
			http_failed(p, &r, digest);
		else if (r.written != size)
			fail(p, "blob %s: %llu bytes, its descriptor says %llu", digest,
			     (unsigned long long)r.written, (unsigned long long)size);
		else if (strcmp(got, digest) != 0)
			fail(p, "blob %s: digest mismatch (the registry sent %s)", digest, got);
		else if (!written || rename(tmp, path) != 0)
			fail(p, "blob %s: cannot write %s: %s", digest, path, strerror(errno));
		else
			ok = true;
		if (!ok) {
			unlink(tmp);
			return false;
		}
		p->r->fetched++;
		p->r->bytes_fetched += size;
		return true;
	}
}

static bool descriptor(struct puller *p, json_t *d, const char **digest, uint64_t *size)
{
	*digest = json_string_value(json_object_get(d, "digest"));
	json_t *s = json_object_get(d, "size");
	if (!*digest || !registry_digest_valid(*digest) || !json_is_integer(s) ||
	    json_integer_value(s) < 0) {
		fail(p, "manifest: a descriptor without a valid sha256 digest and size");
		return false;
	}
	*size = (uint64_t)json_integer_value(s);
	return true;
}

/* ---- the reference's layout ------------------------------------------------- */

static bool make_dirs(const char *path)
{
	char buf[4200];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return false;
		*s = '/';
	}
	return mkdir(buf, 0755) == 0 || errno == EEXIST;
}

/* CACHE/refs/HASH: a layout whose index names the manifest as "latest". */
static void layout_path(struct puller *p, char *out, size_t outlen)
{
	char key[1024], hash[REGISTRY_DIGEST_LEN + 1];
	snprintf(key, sizeof(key), "%s/%s:%s@%s", p->ref.registry, p->ref.repository, p->ref.tag,
	         p->ref.digest);
	digest_of(key, strlen(key), hash);
	snprintf(out, outlen, "%s/refs/%.32s", p->o->cache_dir, hash + 7);
}

static bool write_layout(struct puller *p, const char *manifest_type, const char *digest,
                         size_t size)
{
	char dir[4096], path[4200];
	layout_path(p, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/blobs", dir);
	if (!make_dirs(dir) || ((symlink("../../blobs", path) != 0 && errno != EEXIST))) {
		fail(p, "cannot write the cache at %s: %s", dir, strerror(errno));
		return false;
	}
	char index[2048];
	snprintf(
	    index, sizeof(index),
	    "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"%s\",\"digest\":\"%s\","
	    "\"size\":%zu,\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}],"
	    "\"annotations\":{\"solo.reference\":\"%s/%s:%s\"}}\n",
	    manifest_type, digest, size, p->ref.registry, p->ref.repository, p->ref.tag);
	static const char oci_layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}\n";
	snprintf(path, sizeof(path), "%s/oci-layout", dir);
	bool ok = write_file(path, oci_layout, sizeof(oci_layout) - 1);
	snprintf(path, sizeof(path), "%s/index.json", dir);
	ok = ok && write_file(path, index, strlen(index));
	if (!ok) {
		fail(p, "cannot write the cache at %s: %s", dir, strerror(errno));
		return false;
	}
	snprintf(p->r->layout, sizeof(p->r->layout), "%s", dir);
	return true;
}

/* The registry is out of reach: a reference pulled before is used as the
 * cache holds it. */
static bool use_cached(struct puller *p, const char *why)
{
	char dir[4096], path[4200];
	layout_path(p, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/index.json", dir);
	json_t *index = json_load_file(path, 0, NULL);
	const char *digest = json_string_value(
	    json_object_get(json_array_get(json_object_get(index, "manifests"), 0), "digest"));
	bool ok = digest && registry_digest_valid(digest);
	if (ok) {
		snprintf(p->r->manifest_digest, sizeof(p->r->manifest_digest), "%s", digest);
		snprintf(p->r->layout, sizeof(p->r->layout), "%s", dir);
		p->r->offline = true;
		if (p->o->warnings)
			fprintf(p->o->warnings,
			        "solo build: warning: %s: %s; using the image cached before (%s)\n",
			        p->reference, why, digest);
	}
	json_decref(index);
	return ok;
}

/* ---- the pull --------------------------------------------------------------- */

static bool pull(struct puller *p)
{
	struct response r = {0};
	char digest[REGISTRY_DIGEST_LEN + 1];
	bool ok = false;
	json_t *doc = NULL;
	if (!fetch_manifest(p, registry_ref_manifest(&p->ref), &r, digest)) {
		if (r.code != CURLE_OK && unreachable(r.code)) {
			char why[600];
			snprintf(why, sizeof(why), "%s",
			         p->err + strlen("image ") + strlen(p->reference) + 2);
			if (use_cached(p, why)) {
				p->err[0] = '\0';
				ok = true;
			}
		}
		goto out;
	}
	doc = json_loadb((const char *)r.body, r.len, 0, NULL);
	const char *type = media_type(doc, &r);
	if (!strcmp(type, MEDIA_OCI_INDEX) || !strcmp(type, MEDIA_DOCKER_LIST)) {
		char chosen[REGISTRY_DIGEST_LEN + 1];
		if (!pick_platform(p, doc, chosen))
			goto out;
		json_decref(doc);
		if (!fetch_manifest(p, chosen, &r, digest))
			goto out;
		doc = json_loadb((const char *)r.body, r.len, 0, NULL);
		type = media_type(doc, &r);
	}
	if (strcmp(type, MEDIA_OCI_MANIFEST) && strcmp(type, MEDIA_DOCKER_MANIFEST)) {
		fail(p, "manifest %s: media type '%s' is not an image manifest solo reads", digest,
		     type);
		goto out;
	}
	const char *d;
	uint64_t size;
	if (!descriptor(p, json_object_get(doc, "config"), &d, &size) || !fetch_blob(p, d, size))
		goto out;
	size_t i;
	json_t *layer;
	json_array_foreach(json_object_get(doc, "layers"), i, layer)
	{
		if (!descriptor(p, layer, &d, &size) || !fetch_blob(p, d, size))
			goto out;
	}
	char path[4300];
	blob_path(p, digest, path, sizeof(path));
	if (!write_file(path, r.body, r.len)) {
		fail(p, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	memcpy(p->r->manifest_digest, digest, sizeof(digest));
	ok = write_layout(p, type, digest, r.len);
out:
	json_decref(doc);
	free(r.body);
	return ok;
}

static bool is_insecure(const struct pull_options *o, const char *registry)
{
	for (size_t i = 0; i < o->insecure_count; i++)
		if (!strcmp(o->insecure[i], registry))
			return true;
	return false;
}

bool registry_pull(const char *reference, const struct pull_options *o, struct pull_result *r,
                   char *err, size_t errlen)
{
	struct puller p = {.reference = reference, .o = o, .r = r, .err = err, .errlen = errlen};
	memset(r, 0, sizeof(*r));
	if (!registry_ref_parse(reference, &p.ref, err, errlen))
		return false;
	snprintf(p.base, sizeof(p.base), "%s://%s",
	         is_insecure(o, p.ref.registry) ? "http" : "https", p.ref.host);
	snprintf(p.blobs, sizeof(p.blobs), "%s/blobs/sha256", o->cache_dir);
	char lock_path[4200];
	snprintf(lock_path, sizeof(lock_path), "%s/lock", o->cache_dir);
	if (!make_dirs(p.blobs)) {
		fail(&p, "cannot create the cache at %s: %s", o->cache_dir, strerror(errno));
		return false;
	}
	int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock < 0 || flock(lock, LOCK_EX) != 0) {
		fail(&p, "cannot lock the cache at %s: %s", lock_path, strerror(errno));
		if (lock >= 0)
			close(lock);
		return false;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	p.curl = curl_easy_init();
	bool ok = p.curl && pull(&p);
	if (!p.curl)
		fail(&p, "cannot start libcurl");
	curl_easy_cleanup(p.curl);
	close(lock); /* and with it the lock */
	return ok;
}

void registry_cache_dir(char *out, size_t outlen)
{
	const char *solo = getenv("SOLO_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	if (solo && solo[0])
		snprintf(out, outlen, "%s", solo);
	else if (xdg && xdg[0])
		snprintf(out, outlen, "%s/solo", xdg);
	else
		snprintf(out, outlen, "%s/.cache/solo", home && home[0] ? home : ".");
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

bool registry_cache_prune(const char *cache_dir, char *err, size_t errlen)
{
	char lock_path[4200], path[4200];
	snprintf(lock_path, sizeof(lock_path), "%s/lock", cache_dir);
	int lock = open(lock_path, O_RDWR | O_CLOEXEC);
	if (lock < 0 && errno == ENOENT)
		return true; /* nothing cached */
	if (lock < 0 || flock(lock, LOCK_EX) != 0) {
		snprintf(err, errlen, "cannot lock the cache at %s: %s", lock_path,
		         strerror(errno));
		if (lock >= 0)
			close(lock);
		return false;
	}
	bool ok = true;
	const char *parts[] = {"refs", "blobs"};
	for (size_t i = 0; i < 2 && ok; i++) {
		snprintf(path, sizeof(path), "%s/%s", cache_dir, parts[i]);
		ok = nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 || errno == ENOENT;
		if (!ok)
			snprintf(err, errlen, "cannot empty %s: %s", path, strerror(errno));
	}
	close(lock);
	return ok;
}

bool registry_is_reference(const char *image)
{
	return strncmp(image, "oci:", 4) != 0 && strncmp(image, "docker-archive:", 15) != 0;
}

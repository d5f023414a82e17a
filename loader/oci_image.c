/*
 * Opens an OCI image layout or a docker-archive (see oci_image.h). Both
 * forms are read through one small "source" that hands out whole files by
 * name: the layout's directory, or the archive's members unpacked into
 * memory. Nothing is trusted before it is checked: a digest names a file
 * only after it has been validated as "sha256:" and 64 lowercase hex
 * digits, which also keeps it from naming a path outside blobs/, and
 * every JSON document is parsed only after its bytes matched the digest
 * that names it.
 */
#include "oci_image.h"
#include "registry_ref.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEDIA_OCI_INDEX       "application/vnd.oci.image.index.v1+json"
#define MEDIA_OCI_MANIFEST    "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_OCI_CONFIG      "application/vnd.oci.image.config.v1+json"
#define MEDIA_DOCKER_LIST     "application/vnd.docker.distribution.manifest.list.v2+json"
#define MEDIA_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MEDIA_DOCKER_CONFIG   "application/vnd.docker.container.image.v1+json"
#define REF_NAME_ANNOTATION   "org.opencontainers.image.ref.name"

/* Layer media types libarchive can read; the compression is detected from
 * the bytes, so the suffix only has to be one solo knows. */
static const char *const layer_media_types[] = {
    "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.oci.image.layer.v1.tar+gzip",
    "application/vnd.oci.image.layer.v1.tar+zstd",
    "application/vnd.docker.image.rootfs.diff.tar",
    "application/vnd.docker.image.rootfs.diff.tar.gzip",
    "application/vnd.docker.image.rootfs.diff.tar.zstd",
    NULL,
};

/* A member of a docker-archive, unpacked. */
struct member {
	char *name;
	unsigned char *data;
	size_t size;
};

/* Where files come from: a directory, or the members of a tarball. */
struct source {
	const char *dir; /* NULL for a tarball */
	struct member *members;
	size_t member_count;
};

struct descriptor {
	const char *media_type;
	const char *digest;
	size_t size;
};

struct opener {
	const char *ref;
	char *err;
	size_t errlen;
	struct source src;
};

static void fail(struct opener *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct opener *o, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(o->err, o->errlen, "image %s: ", o->ref);

	if (n < 0 || (size_t)n >= o->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(o->err + n, o->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static bool read_host_file(const char *path, unsigned char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return false;
	for (;;) {
		if (len == cap) {
			unsigned char *grown;

			cap = cap ? cap * 2 : 65536;
			grown = realloc(buf, cap);
			if (!grown)
				goto fail;
			buf = grown;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	*data = buf;
	*size = len;
	return true;
fail:
	free(buf);
	fclose(f);
	return false;
}

/* Reads a whole file of the source into a fresh buffer (the caller frees
 * it), so layers outlive the source. */
static bool source_read(struct opener *o, const char *name, unsigned char **data, size_t *size)
{
	if (o->src.dir) {
		char path[4096];

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", o->src.dir, name) >=
		    sizeof(path)) {
			fail(o, "%s: path too long", name);
			return false;
		}
		if (!read_host_file(path, data, size)) {
			fail(o, "%s: %s", name, strerror(errno));
			return false;
		}
		return true;
	}
	for (size_t i = 0; i < o->src.member_count; i++) {
		struct member *m = &o->src.members[i];

		if (strcmp(m->name, name) != 0)
			continue;
		*data = malloc(m->size ? m->size : 1);
		if (!*data) {
			fail(o, "%s: out of memory", name);
			return false;
		}
		memcpy(*data, m->data, m->size);
		*size = m->size;
		return true;
	}
	fail(o, "%s: not in the archive", name);
	return false;
}

static void source_free(struct source *src)
{
	for (size_t i = 0; i < src->member_count; i++) {
		free(src->members[i].name);
		free(src->members[i].data);
	}
	free(src->members);
	memset(src, 0, sizeof(*src));
}

/* Unpacks a docker-archive's regular files into memory, names without a
 * leading "./". */
static bool source_open_tar(struct opener *o, const char *file)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	bool ok = false;
	int r;

	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_filename(a, file, 65536) != ARCHIVE_OK) {
		fail(o, "%s", archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		struct member *grown, *m;
		la_int64_t size = archive_entry_size(e);

		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		while (strncmp(name, "./", 2) == 0)
			name += 2;
		grown = realloc(o->src.members, (o->src.member_count + 1) * sizeof(*grown));
		if (!grown) {
			fail(o, "out of memory");
			goto out;
		}
		o->src.members = grown;
		m = &grown[o->src.member_count];
		m->name = strdup(name);
		m->data = malloc(size > 0 ? (size_t)size : 1);
		m->size = 0;
		if (!m->name || !m->data) {
			free(m->name);
			free(m->data);
			fail(o, "out of memory");
			goto out;
		}
		o->src.member_count++;
		la_ssize_t got = archive_read_data(a, m->data, (size_t)size);
		if (got < 0 || got != size) {
			fail(o, "%s: %s", name, got < 0 ? archive_error_string(a) : "short read");
			goto out;
		}
		m->size = (size_t)got;
	}
	if (r != ARCHIVE_EOF) {
		fail(o, "%s", archive_error_string(a));
		goto out;
	}
	ok = true;
out:
	archive_read_free(a);
	return ok;
}

_Static_assert(OCI_DIGEST_MAX == REGISTRY_DIGEST_LEN, "one digest form");

static void sha256_digest(const void *data, size_t size, char out[OCI_DIGEST_MAX + 1])
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	EVP_Digest(data, size, md, &mdlen, EVP_sha256(), NULL);
	registry_digest_format(md, out);
}

/* The digest of a layer's tar stream after decompression: what a config's
 * diff_ids name. */
static bool sha256_uncompressed(const void *data, size_t size, char out[OCI_DIGEST_MAX + 1])
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char buf[65536], md[32];
	unsigned int mdlen = 0;
	bool ok = false;
	la_ssize_t n;

	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto out;
	if (archive_read_open_memory(a, data, size) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK)
		goto out;
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	if (n < 0 || !EVP_DigestFinal_ex(ctx, md, &mdlen))
		goto out;
	registry_digest_format(md, out);
	ok = true;
out:
	EVP_MD_CTX_free(ctx);
	archive_read_free(a);
	return ok;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* Reads a descriptor object, checking its shape but not its media type,
 * which depends on where it appears. */
static bool parse_descriptor(struct opener *o, json_t *j, const char *what, struct descriptor *d)
{
	json_t *mt = json_object_get(j, "mediaType");
	json_t *dg = json_object_get(j, "digest");
	json_t *sz = json_object_get(j, "size");

	if (!json_is_object(j) || !json_is_string(mt) || !json_is_string(dg) ||
	    !json_is_integer(sz) || json_integer_value(sz) < 0) {
		fail(o, "%s: descriptor needs mediaType, digest and size", what);
		return false;
	}
	d->media_type = json_string_value(mt);
	d->digest = json_string_value(dg);
	d->size = (size_t)json_integer_value(sz);
	if (!registry_digest_valid(d->digest)) {
		fail(o, "%s: digest '%s' is not sha256:<64 hex digits>", what, d->digest);
		return false;
	}
	return true;
}

/* Reads the blob a descriptor names and checks its size and digest. */
static bool read_blob(struct opener *o, const struct descriptor *d, unsigned char **data,
                      size_t *size)
{
	char name[128], actual[OCI_DIGEST_MAX + 1];

	snprintf(name, sizeof(name), "blobs/sha256/%s", d->digest + 7);
	if (!source_read(o, name, data, size))
		return false;
	if (*size != d->size) {
		fail(o, "blob %s: size mismatch (%zu bytes, descriptor says %zu)", d->digest, *size,
		     d->size);
		goto bad;
	}
	sha256_digest(*data, *size, actual);
	if (strcmp(actual, d->digest) != 0) {
		fail(o, "blob %s: digest mismatch", d->digest);
		goto bad;
	}
	return true;
bad:
	free(*data);
	*data = NULL;
	return false;
}

static json_t *parse_json(struct opener *o, const char *what, const unsigned char *data,
                          size_t size)
{
	json_error_t je;
	json_t *j = json_loadb((const char *)data, size, 0, &je);

	if (!j)
		fail(o, "%s: invalid JSON at line %d: %s", what, je.line, je.text);
	else if (!json_is_object(j) && !json_is_array(j)) {
		fail(o, "%s: not a JSON object", what);
		json_decref(j);
		j = NULL;
	}
	return j;
}

static json_t *read_blob_json(struct opener *o, const struct descriptor *d)
{
	unsigned char *data;
	size_t size;
	json_t *j;

	if (!read_blob(o, d, &data, &size))
		return NULL;
	j = parse_json(o, d->digest, data, size);
	free(data);
	return j;
}

static bool copy_strings(struct opener *o, json_t *arr, const char *what, struct oci_strings *out)
{
	size_t n = json_is_array(arr) ? json_array_size(arr) : 0;

	if (arr && !json_is_null(arr) && !json_is_array(arr)) {
		fail(o, "config: %s is not a list", what);
		return false;
	}
	out->items = calloc(n + 1, sizeof(char *));
	if (!out->items) {
		fail(o, "out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(arr, i);

		if (!json_is_string(s)) {
			fail(o, "config: %s[%zu] is not a string", what, i);
			return false;
		}
		out->items[i] = strdup(json_string_value(s));
		if (!out->items[i]) {
			fail(o, "out of memory");
			return false;
		}
		out->count++;
	}
	return true;
}

static bool copy_string(struct opener *o, json_t *s, const char *what, char **out)
{
	if (s && !json_is_null(s) && !json_is_string(s)) {
		fail(o, "config: %s is not a string", what);
		return false;
	}
	*out = strdup(json_is_string(s) ? json_string_value(s) : "");
	if (!*out) {
		fail(o, "out of memory");
		return false;
	}
	return true;
}

/* Parses the image config. A platform other than linux/amd64 is refused
 * here, since solo could only fail later and less clearly. */
static bool parse_config(struct opener *o, json_t *cfg, struct oci_image *img)
{
	json_t *os = json_object_get(cfg, "os");
	json_t *arch = json_object_get(cfg, "architecture");
	json_t *c = json_object_get(cfg, "config");

	if (!json_is_object(cfg)) {
		fail(o, "config: not a JSON object");
		return false;
	}
	if ((json_is_string(os) && strcmp(json_string_value(os), "linux") != 0) ||
	    (json_is_string(arch) && strcmp(json_string_value(arch), "amd64") != 0)) {
		fail(o, "config: platform %s/%s, solo runs linux/amd64",
		     json_is_string(os) ? json_string_value(os) : "?",
		     json_is_string(arch) ? json_string_value(arch) : "?");
		return false;
	}
	if (c && !json_is_null(c) && !json_is_object(c)) {
		fail(o, "config: \"config\" is not an object");
		return false;
	}
	return copy_strings(o, json_object_get(c, "Entrypoint"), "Entrypoint",
	                    &img->config.entrypoint) &&
	       copy_strings(o, json_object_get(c, "Cmd"), "Cmd", &img->config.cmd) &&
	       copy_strings(o, json_object_get(c, "Env"), "Env", &img->config.env) &&
	       copy_string(o, json_object_get(c, "WorkingDir"), "WorkingDir",
	                   &img->config.working_dir) &&
	       copy_string(o, json_object_get(c, "User"), "User", &img->config.user);
}

static bool add_layer(struct opener *o, struct oci_image *img, const char *digest,
                      unsigned char *data, size_t size)
{
	struct oci_layer *grown = realloc(img->layers, (img->layer_count + 1) * sizeof(*grown));

	if (!grown) {
		free(data);
		fail(o, "out of memory");
		return false;
	}
	img->layers = grown;
	snprintf(grown[img->layer_count].digest, sizeof(grown->digest), "%s", digest);
	grown[img->layer_count].data = data;
	grown[img->layer_count].size = size;
	img->layer_count++;
	return true;
}

static bool open_manifest(struct opener *o, const struct descriptor *md, struct oci_image *img)
{
	json_t *m = read_blob_json(o, md), *cfg = NULL, *layers;
	struct descriptor cd;
	bool ok = false;

	if (!m)
		return false;
	layers = json_object_get(m, "layers");
	if (!parse_descriptor(o, json_object_get(m, "config"), "manifest config", &cd))
		goto out;
	if (strcmp(cd.media_type, MEDIA_OCI_CONFIG) != 0 &&
	    strcmp(cd.media_type, MEDIA_DOCKER_CONFIG) != 0) {
		fail(o, "blob %s: unknown config media type '%s'", cd.digest, cd.media_type);
		goto out;
	}
	if (!json_is_array(layers)) {
		fail(o, "manifest %s: no layers list", md->digest);
		goto out;
	}
	cfg = read_blob_json(o, &cd);
	if (!cfg || !parse_config(o, cfg, img))
		goto out;
	snprintf(img->config_digest, sizeof(img->config_digest), "%s", cd.digest);
	/* Every media type is checked before any layer is read, so a bad
	 * manifest fails fast however large its layers. */
	for (size_t i = 0; i < json_array_size(layers); i++) {
		struct descriptor ld;

		if (!parse_descriptor(o, json_array_get(layers, i), "layer", &ld))
			goto out;
		if (!in_list(ld.media_type, layer_media_types)) {
			fail(o, "blob %s: unknown layer media type '%s'", ld.digest, ld.media_type);
			goto out;
		}
	}
	for (size_t i = 0; i < json_array_size(layers); i++) {
		struct descriptor ld;
		unsigned char *data;
		size_t size;

		parse_descriptor(o, json_array_get(layers, i), "layer", &ld);
		if (!read_blob(o, &ld, &data, &size) || !add_layer(o, img, ld.digest, data, size))
			goto out;
	}
	ok = true;
out:
	json_decref(cfg);
	json_decref(m);
	return ok;
}

static bool is_index_type(const char *t)
{
	return strcmp(t, MEDIA_OCI_INDEX) == 0 || strcmp(t, MEDIA_DOCKER_LIST) == 0;
}

static bool is_manifest_type(const char *t)
{
	return strcmp(t, MEDIA_OCI_MANIFEST) == 0 || strcmp(t, MEDIA_DOCKER_MANIFEST) == 0;
}

/* Narrows a nested image index to its linux/amd64 manifest. */
static bool open_nested_index(struct opener *o, const struct descriptor *id, struct oci_image *img)
{
	json_t *idx = read_blob_json(o, id), *list;
	bool ok = false;

	if (!idx)
		return false;
	list = json_object_get(idx, "manifests");
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *e = json_array_get(list, i);
		json_t *p = json_object_get(e, "platform");
		const char *os = json_string_value(json_object_get(p, "os"));
		const char *arch = json_string_value(json_object_get(p, "architecture"));
		struct descriptor md;

		if (!os || !arch || strcmp(os, "linux") != 0 || strcmp(arch, "amd64") != 0)
			continue;
		if (!parse_descriptor(o, e, "index entry", &md))
			goto out;
		if (!is_manifest_type(md.media_type)) {
			fail(o, "blob %s: unknown manifest media type '%s'", md.digest,
			     md.media_type);
			goto out;
		}
		ok = open_manifest(o, &md, img);
		goto out;
	}
	fail(o, "index %s: no linux/amd64 manifest", id->digest);
out:
	json_decref(idx);
	return ok;
}

static bool open_layout(struct opener *o, const char *tag, struct oci_image *img)
{
	unsigned char *data = NULL;
	size_t size;
	json_t *layout = NULL, *index = NULL, *list;
	const char *version;
	bool ok = false;

	if (!source_read(o, "oci-layout", &data, &size))
		goto out;
	layout = parse_json(o, "oci-layout", data, size);
	free(data);
	if (!layout)
		goto out;
	version = json_string_value(json_object_get(layout, "imageLayoutVersion"));
	if (!version || strncmp(version, "1.", 2) != 0) {
		fail(o, "oci-layout: unsupported imageLayoutVersion");
		goto out;
	}
	if (!source_read(o, "index.json", &data, &size))
		goto out;
	index = parse_json(o, "index.json", data, size);
	free(data);
	if (!index)
		goto out;
	list = json_object_get(index, "manifests");
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *e = json_array_get(list, i);
		const char *name = json_string_value(
		    json_object_get(json_object_get(e, "annotations"), REF_NAME_ANNOTATION));
		struct descriptor d;

		if (!name || strcmp(name, tag) != 0)
			continue;
		if (!parse_descriptor(o, e, "index.json entry", &d))
			goto out;
		if (is_index_type(d.media_type))
			ok = open_nested_index(o, &d, img);
		else if (is_manifest_type(d.media_type))
			ok = open_manifest(o, &d, img);
		else
			fail(o, "blob %s: unknown manifest media type '%s'", d.digest,
			     d.media_type);
		goto out;
	}
	fail(o, "no manifest tagged '%s' in index.json", tag);
out:
	json_decref(layout);
	json_decref(index);
	return ok;
}

/* A docker-archive names its config after its digest: "<hex>.json" from
 * docker save and skopeo, "blobs/sha256/<hex>" from newer docker. */
static bool digest_from_name(const char *name, char out[OCI_DIGEST_MAX + 1])
{
	const char *base = strrchr(name, '/');
	size_t n;

	base = base ? base + 1 : name;
	n = strcspn(base, ".");
	if (n != 64 || (base[n] != '\0' && strcmp(base + n, ".json") != 0))
		return false;
	snprintf(out, OCI_DIGEST_MAX + 1, "sha256:%.64s", base);
	return registry_digest_valid(out);
}

static bool open_docker_archive(struct opener *o, struct oci_image *img)
{
	unsigned char *data = NULL;
	size_t size;
	json_t *manifest = NULL, *cfg = NULL, *entry, *layers, *diff_ids;
	const char *cfg_name;
	char want[OCI_DIGEST_MAX + 1], actual[OCI_DIGEST_MAX + 1];
	bool ok = false;

	if (!source_read(o, "manifest.json", &data, &size))
		goto out;
	manifest = parse_json(o, "manifest.json", data, size);
	free(data);
	data = NULL;
	if (!manifest)
		goto out;
	if (!json_is_array(manifest) || json_array_size(manifest) != 1) {
		fail(o, "manifest.json: one image expected");
		goto out;
	}
	entry = json_array_get(manifest, 0);
	cfg_name = json_string_value(json_object_get(entry, "Config"));
	layers = json_object_get(entry, "Layers");
	if (!cfg_name || !json_is_array(layers)) {
		fail(o, "manifest.json: needs Config and Layers");
		goto out;
	}
	if (!digest_from_name(cfg_name, want)) {
		fail(o, "config %s: name holds no digest to check it by", cfg_name);
		goto out;
	}
	if (!source_read(o, cfg_name, &data, &size))
		goto out;
	sha256_digest(data, size, actual);
	if (strcmp(actual, want) != 0) {
		fail(o, "blob %s: digest mismatch", want);
		goto out;
	}
	cfg = parse_json(o, cfg_name, data, size);
	if (!cfg || !parse_config(o, cfg, img))
		goto out;
	snprintf(img->config_digest, sizeof(img->config_digest), "%s", want);
	diff_ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	if (json_array_size(diff_ids) != json_array_size(layers)) {
		fail(o, "config: %zu diff_ids for %zu layers", json_array_size(diff_ids),
		     json_array_size(layers));
		goto out;
	}
	for (size_t i = 0; i < json_array_size(layers); i++) {
		const char *name = json_string_value(json_array_get(layers, i));
		const char *diff_id = json_string_value(json_array_get(diff_ids, i));
		unsigned char *layer;
		size_t layer_size;

		if (!name || !diff_id || !registry_digest_valid(diff_id)) {
			fail(o, "layer %zu: bad name or diff_id", i);
			goto out;
		}
		if (!source_read(o, name, &layer, &layer_size))
			goto out;
		if (!sha256_uncompressed(layer, layer_size, actual) ||
		    strcmp(actual, diff_id) != 0) {
			free(layer);
			fail(o, "blob %s: digest mismatch", diff_id);
			goto out;
		}
		if (!add_layer(o, img, diff_id, layer, layer_size))
			goto out;
	}
	ok = true;
out:
	free(data);
	json_decref(cfg);
	json_decref(manifest);
	return ok;
}

bool oci_image_open(const char *ref, struct oci_image *out, char *err, size_t errlen)
{
	struct opener o = {.ref = ref, .err = err, .errlen = errlen};
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = '\0';
	if (strncmp(ref, "oci:", 4) == 0) {
		/* The tag follows the last ':' after the last '/', so a
		 * directory may itself hold colons. */
		char *dir = strdup(ref + 4);
		char *slash, *colon;
		const char *tag = "latest";

		if (!dir) {
			fail(&o, "out of memory");
			return false;
		}
		slash = strrchr(dir, '/');
		colon = strrchr(slash ? slash : dir, ':');
		if (colon) {
			*colon = '\0';
			tag = colon + 1;
		}
		if (!dir[0] || !tag[0]) {
			fail(&o, "expected oci:DIR[:TAG]");
		} else {
			o.src.dir = dir;
			ok = open_layout(&o, tag, out);
		}
		free(dir);
	} else if (strncmp(ref, "docker-archive:", 15) == 0) {
		ok = ref[15] && source_open_tar(&o, ref + 15) && open_docker_archive(&o, out);
		if (!ref[15])
			fail(&o, "expected docker-archive:FILE");
	} else {
		fail(&o, "unknown transport; expected oci:DIR[:TAG] or docker-archive:FILE");
	}
	source_free(&o.src);
	if (!ok)
		oci_image_close(out);
	return ok;
}

static void free_strings(struct oci_strings *s)
{
	if (s->items)
		for (size_t i = 0; s->items[i]; i++)
			free(s->items[i]);
	free(s->items);
}

void oci_image_close(struct oci_image *img)
{
	free_strings(&img->config.entrypoint);
	free_strings(&img->config.cmd);
	free_strings(&img->config.env);
	free(img->config.working_dir);
	free(img->config.user);
	for (size_t i = 0; i < img->layer_count; i++)
		free(img->layers[i].data);
	free(img->layers);
	memset(img, 0, sizeof(*img));
}

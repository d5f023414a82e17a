/*
 * Registry references for `solo build` and `solo inspect`: the options
 * both take (--no-cache, --insecure-registry) and the step that turns a
 * reference into the OCI layout the cache holds for it, saying what was
 * pulled and from where.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

void solo_pull_options_init(struct solo_pull *p)
{
	memset(p, 0, sizeof(*p));
	registry_cache_dir(p->cache_dir, sizeof(p->cache_dir));
	p->options.cache_dir = p->cache_dir;
	p->options.progress = isatty(2);
	p->options.warnings = stderr;
}

bool solo_pull_option(struct solo_pull *p, int option, const char *value, const char **why)
{
	if (option == SOLO_OPT_NO_CACHE) {
		p->options.no_cache = true;
		return true;
	}
	if (p->options.insecure_count == REGISTRY_MAX_INSECURE) {
		*why = "too many --insecure-registry options";
		return false;
	}
	p->options.insecure[p->options.insecure_count++] = value;
	return true;
}

bool solo_pull_image(struct solo_pull *p, const char *image, FILE *log, char *out, size_t outlen,
                     char *err, size_t errlen)
{
	if (!registry_is_reference(image)) {
		if ((size_t)snprintf(out, outlen, "%s", image) >= outlen) {
			snprintf(err, errlen, "image %s: name too long", image);
			return false;
		}
		return true;
	}
	struct pull_result r;
	if (!registry_pull(image, &p->options, &r, err, errlen))
		return false;
	if ((size_t)snprintf(out, outlen, "oci:%s", r.layout) >= outlen) {
		snprintf(err, errlen, "image %s: the cache's path %s is too long", image, r.layout);
		return false;
	}
	char size[32];
	if (r.offline)
		fprintf(log, "pulled %s: %s, from the cache (registry unreachable)\n", image,
		        r.manifest_digest);
	else
		fprintf(log, "pulled %s: %s from %s: %u blob%s fetched (%s), %u cached\n", image,
		        r.manifest_digest, r.url, r.fetched, r.fetched == 1 ? "" : "s",
		        solo_size_text(r.bytes_fetched, size, sizeof(size)), r.cached);
	return true;
}

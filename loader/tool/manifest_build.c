/*
 * The host side of verified launch (docs/verified-launch.md): the
 * manifest of every file the boot stage will read, and a copy of the
 * boot stage carrying the manifest's digest in its anchor, so that
 * signing BOOTX64.EFI for Secure Boot covers everything after it.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_image.h"
#include "manifest.h"
#include "tool.h"

/* SHA-256 and size of a host file, read in pieces. */
bool solo_hash_file(const char *path, uint8_t digest[32], uint64_t *size, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	static unsigned char buf[1 << 16];
	bool ok = f && ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	*size = 0;
	for (size_t n; ok && (n = fread(buf, 1, sizeof(buf), f)) > 0; *size += n)
		ok = EVP_DigestUpdate(ctx, buf, n);
	unsigned int len = 0;
	ok = ok && !ferror(f) && EVP_DigestFinal_ex(ctx, digest, &len) && len == 32;
	if (!ok)
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
	if (f)
		fclose(f);
	EVP_MD_CTX_free(ctx);
	return ok;
}

static bool slurp_all(const char *path, unsigned char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	bool ok = fseek(f, 0, SEEK_END) == 0;
	long n = ok ? ftell(f) : -1;
	ok = n >= 0 && fseek(f, 0, SEEK_SET) == 0;
	*data = ok ? malloc((size_t)n + 1) : NULL;
	ok = *data && fread(*data, 1, (size_t)n, f) == (size_t)n;
	fclose(f);
	*size = (size_t)n;
	return ok;
}

/* Writes the digest into the one anchor the boot stage holds. */
static bool patch_boot_stage(const char *boot, const char *copy, const uint8_t digest[32],
                             char *err, size_t errlen)
{
	unsigned char *data = NULL;
	size_t size = 0;
	if (!slurp_all(boot, &data, &size)) {
		snprintf(err, errlen, "boot stage %s: cannot read: %s", boot, strerror(errno));
		free(data);
		return false;
	}
	const char *marker = MANIFEST_ANCHOR_MARKER;
	size_t found = 0, at = 0;
	for (size_t i = 0; i + sizeof(struct manifest_anchor) <= size; i++)
		if (!memcmp(data + i, marker, 32))
			found++, at = i;
	if (found != 1) {
		snprintf(err, errlen, "boot stage %s: %s manifest anchor (not solo's boot stage?)",
		         boot, found ? "more than one" : "no");
		free(data);
		return false;
	}
	memcpy(data + at + 32, digest, 32);
	FILE *f = fopen(copy, "wb");
	bool ok = f && fwrite(data, 1, size, f) == size;
	ok = f && fclose(f) == 0 && ok;
	if (!ok)
		snprintf(err, errlen, "%s: cannot write: %s", copy, strerror(errno));
	free(data);
	return ok;
}

bool solo_manifest_build(const struct esp_file *files, size_t count, const char *appliance,
                         uint64_t counter, const char *manifest_path, const char *boot_copy,
                         char *err, size_t errlen)
{
	FILE *f = fopen(manifest_path, "wb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", manifest_path, strerror(errno));
		return false;
	}
	fprintf(f, "%s\nappliance %s\ncounter %llu\n", MANIFEST_HEADER, appliance,
	        (unsigned long long)counter);
	bool ok = true;
	/* files[0] is the boot stage: it holds the manifest's digest. */
	for (size_t i = 1; ok && i < count; i++) {
		uint8_t d[32];
		uint64_t size;
		ok = solo_hash_file(files[i].host, d, &size, err, errlen);
		if (!ok)
			break;
		fputs("file ", f);
		for (int j = 0; j < 32; j++)
			fprintf(f, "%02x", d[j]);
		fprintf(f, " %llu %s\n", (unsigned long long)size, files[i].path);
	}
	if (fclose(f) != 0 && ok) {
		snprintf(err, errlen, "%s: %s", manifest_path, strerror(errno));
		ok = false;
	}
	uint8_t digest[32];
	uint64_t size;
	return ok && solo_hash_file(manifest_path, digest, &size, err, errlen) &&
	       patch_boot_stage(files[0].host, boot_copy, digest, err, errlen);
}

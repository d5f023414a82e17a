/*
 * libFuzzer target for the manifest parser (loader/manifest.c), which the
 * boot stage runs on \solo\manifest after its digest matched: whatever it
 * accepts must be self-consistent (entries within bounds, paths absolute
 * and terminated, each found again by manifest_find, no path twice, a
 * counter and an appliance name), and checking the input itself against
 * it must never crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct manifest m;
	char err[120], why[64];
	if (!manifest_parse((const char *)data, size, &m, err, sizeof(err))) {
		require(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
		return 0;
	}
	require(m.count <= MANIFEST_MAX_FILES && m.counter > 0 && m.appliance[0]);
	require(strlen(m.appliance) <= CONFIG_NAME_MAX);
	for (unsigned i = 0; i < m.count; i++) {
		size_t n = strnlen(m.files[i].path, sizeof(m.files[i].path));
		require(n > 0 && n <= CONFIG_PATH_MAX && m.files[i].path[0] == '\\');
		require(manifest_find(&m, m.files[i].path) == &m.files[i]);
		manifest_check(&m, m.files[i].path, data, size, why, sizeof(why));
	}
	return 0;
}

/*
 * \solo\manifest: what `solo build` put on the ESP, for the boot stage to
 * check every file against before it uses it (docs/verified-launch.md).
 * Text, one item per line, '\n' endings:
 *
 *   solo-manifest 1
 *   appliance NAME                 the config's [appliance] name
 *   counter N                      the build counter, 1..2^63-1
 *   file SHA256HEX SIZE PATH       every file the boot stage reads,
 *   ...                            PATH an ESP path with '\' separators
 *
 * The boot stage itself (\EFI\BOOT\BOOTX64.EFI) is not listed: it holds
 * the manifest's digest, and the firmware's Secure Boot checks it. Pure
 * C, no allocation: the boot stage, the host tool and the tests share it.
 */
#ifndef SOLO_LOADER_MANIFEST_H
#define SOLO_LOADER_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define MANIFEST_PATH      "\\solo\\manifest"
#define MANIFEST_MAX_FILES 576 /* as HANDOFF_MAX_FILES: 512 containers' and more */
#define MANIFEST_MAX_SIZE  (MANIFEST_MAX_FILES * (CONFIG_PATH_MAX + 96) + 256)
#define MANIFEST_HEADER    "solo-manifest 1"

struct manifest_file {
	uint8_t digest[32];
	uint64_t size;
	char path[CONFIG_PATH_MAX + 1];
};

struct manifest {
	char appliance[CONFIG_NAME_MAX + 1];
	uint64_t counter;
	unsigned count;
	struct manifest_file files[MANIFEST_MAX_FILES];
};

/* Parses len bytes of text into *out. False with "line N: cause" (or a
 * cause for what is missing at the end) in err. */
bool manifest_parse(const char *text, size_t len, struct manifest *out, char *err, size_t errlen);

/* The entry for an ESP path ('\' separators, compared without regard to
 * ASCII case, as FAT does), or NULL. */
const struct manifest_file *manifest_find(const struct manifest *m, const char *path);

/* Checks a file as read against the manifest: listed, of its size, of its
 * digest. False with the cause in why ("not in the manifest", "1234
 * bytes, the manifest says 1200", "digest mismatch: changed since the
 * build"). */
bool manifest_check(const struct manifest *m, const char *path, const void *data, uint64_t size,
                    char *why, size_t whylen);

/* Where solo build writes the manifest's digest into the boot stage: a
 * 32-byte marker, then the digest (all zeros in a boot stage that has no
 * manifest: a development build). */
#define MANIFEST_ANCHOR_MARKER "solo-manifest-sha256-anchor-v1:\n"
struct manifest_anchor {
	char marker[32];
	uint8_t digest[32];
};
_Static_assert(sizeof(MANIFEST_ANCHOR_MARKER) - 1 == 32, "a 32-byte marker");

#endif

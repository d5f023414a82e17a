/*
 * Writes the ESP disk image `solo build` produces: a FAT16 superfloppy (no
 * partition table) holding a list of host files under their ESP paths.
 * The formatting and copying are left to dosfstools and mtools, run
 * directly (posix_spawn, no shell, so no path is ever re-parsed), on a
 * temporary file beside the output that is renamed into place only when
 * everything succeeded: a failed build never leaves a partial image.
 */
#ifndef SOLO_TOOL_ESP_IMAGE_H
#define SOLO_TOOL_ESP_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Bochs takes a flat disk only in whole cylinders of its geometry, and
 * QEMU does not mind, so every image is sized in these. */
#define ESP_CYLINDER_BYTES (16u * 63u * 512u)
/* The smallest image: 65 cylinders (about 32 MiB), the size FAT16 needs
 * to be comfortable and what the emulator scripts were written for. */
#define ESP_MIN_CYLINDERS 65u

struct esp_file {
	char path[CONFIG_PATH_MAX + 1]; /* ESP path, '\' separators, absolute */
	const char *host;               /* file to copy */
};

/* Writes the image at out. On failure writes one line to err and leaves
 * nothing at out (an older file there is kept untouched). *size_out gets
 * the image size. */
bool esp_image_write(const char *out, const struct esp_file *files, size_t count,
                     uint64_t *size_out, char *err, size_t errlen);

/* Runs argv (a program looked up in PATH) with stdout discarded and
 * stderr caught; on failure puts the tool's last error line in err (or,
 * when it cannot start, says to install `package`). */
bool solo_run_tool(char *const argv[], const char *package, char *err, size_t errlen);

/* Normalizes an ESP path given with '/' or '\' separators into dst, with
 * config.h's rules (absolute, no empty, "." or ".." parts, FAT-safe
 * characters). Returns false when it breaks them. */
bool esp_path_normalize(const char *src, char dst[CONFIG_PATH_MAX + 1]);

/* True when a and b name the same ESP file (FAT ignores case). */
bool esp_path_equal(const char *a, const char *b);

#endif

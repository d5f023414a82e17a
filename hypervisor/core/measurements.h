/*
 * A partition's measurements (docs/verified-launch.md): the SHA-256 of
 * what it boots, which the console's `attest NAME` prints and the guest
 * reads with HYPERCALL_MEASUREMENT, so a container can show a remote
 * service what it runs on. The kernel's and initrd's digests come from
 * the manifest the boot stage verified every file against (so solo does
 * not hash megabytes again; an unverified build has none); the command
 * line's and the config section's are computed here, the section as the
 * partition boots it (a container as the [vm] it becomes), written out
 * canonically.
 */
#ifndef SOLO_CORE_MEASUREMENTS_H
#define SOLO_CORE_MEASUREMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "manifest.h"

enum measurement {
	MEASUREMENT_KERNEL,
	MEASUREMENT_INITRD,
	MEASUREMENT_CMDLINE,
	MEASUREMENT_CONFIG,
	MEASUREMENT_COUNT,
};

struct partition_measurements {
	uint8_t digest[MEASUREMENT_COUNT][32];
	bool known[MEASUREMENT_COUNT]; /* false: no initrd, or unverified */
};

/* Takes the measurements of vm; manifest is NULL in an unverified build. */
void measurements_take(struct partition_measurements *m, const struct manifest *manifest,
                       const struct config_vm *vm);

/* "kernel", "initrd", "cmdline", "config". */
const char *measurement_name(enum measurement which);

/* The canonical text of vm's section that MEASUREMENT_CONFIG hashes:
 * "[vm NAME]\nkernel = ...\ninitrd = ...\ncmdline = ...\nmemory = N\n"
 * "vcpus = N\nstop_timeout = N\n" (memory in bytes). Returns its length. */
size_t measurements_config_text(const struct config_vm *vm, char *out, size_t outlen);

#endif

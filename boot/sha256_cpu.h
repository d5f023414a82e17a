/*
 * Which SHA-256 block function the boot stage uses: the CPU's SHA
 * extensions (boot/sha256_ni.S) where CPUID reports them with the SSSE3
 * and SSE4.1 shuffles that code needs, the portable C otherwise.
 */
#ifndef SOLO_BOOT_SHA256_CPU_H
#define SOLO_BOOT_SHA256_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

void sha256_blocks_shani(uint32_t state[8], const uint8_t *data, size_t blocks);

/* Whether this CPU can run sha256_blocks_shani. */
bool sha256_cpu_has_extensions(void);

/* Makes the boot stage's hashes use the fastest block function this CPU
 * runs; true if that is its SHA extensions. */
bool sha256_cpu_select(void);

/* What the last sha256_cpu_select chose: true for the SHA extensions. */
bool sha256_cpu_chosen(void);

#endif

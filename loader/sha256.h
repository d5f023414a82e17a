/*
 * SHA-256 (FIPS 180-4) for the boot stage, which has no crypto library:
 * it checks every file it reads against the manifest `solo build` wrote.
 * Pure C, no allocation; the host tests compare it with libcrypto and the
 * NIST example vectors.
 */
#ifndef SOLO_LOADER_SHA256_H
#define SOLO_LOADER_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

struct sha256 {
	uint32_t state[8];
	uint64_t length; /* bytes so far */
	uint8_t block[64];
	size_t used; /* bytes in block */
};

/* Compresses `blocks` 64-byte blocks of data into state. */
typedef void sha256_blocks_fn(uint32_t state[8], const uint8_t *data, size_t blocks);

/* The portable one, in C: what sha256_update uses unless told otherwise. */
void sha256_blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks);

/* Makes every later hash use fn (NULL: the portable one again); the boot
 * stage picks the CPU's SHA extensions where it has them
 * (boot/sha256_cpu.c). */
void sha256_use(sha256_blocks_fn *fn);

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_SIZE]);
/* The digest of n bytes at once. */
void sha256(const void *data, size_t n, uint8_t out[SHA256_DIGEST_SIZE]);

#endif

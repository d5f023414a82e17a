/*
 * Little-endian fields and byte checksums for the structures the loader
 * writes into guest memory (the zero page, the MP table, the ACPI tables)
 * at their specifications' offsets, independent of struct packing.
 */
#ifndef SOLO_LOADER_LE_BYTES_H
#define SOLO_LOADER_LE_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t get_le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The byte that makes the n bytes at p sum to 0 (mod 256), given that the
 * checksum byte among them is still 0. */
static inline uint8_t byte_checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)(0x100 - sum);
}

#endif

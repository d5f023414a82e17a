/*
 * A fixed-size ring of the most recent bytes a partition printed, so its
 * log can be shown after the fact without any allocation.
 */
#ifndef SOLO_CORE_LOG_RING_H
#define SOLO_CORE_LOG_RING_H

#include <stddef.h>
#include <stdint.h>

#define LOG_RING_SIZE 8192

struct log_ring {
	char bytes[LOG_RING_SIZE];
	uint64_t written; /* total ever written; the ring holds the tail */
};

void log_ring_write(struct log_ring *ring, const char *text, size_t len);

/* Copies the most recent min(len - 1, held) bytes into out, NUL-terminated;
 * returns how many bytes were copied. */
size_t log_ring_tail(const struct log_ring *ring, char *out, size_t len);

#endif

/* The partition log ring: overwrite-oldest, byte granular. */
#include "core/log_ring.h"

void log_ring_write(struct log_ring *ring, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		ring->bytes[(ring->written + i) % LOG_RING_SIZE] = text[i];
	ring->written += len;
}

size_t log_ring_tail(const struct log_ring *ring, char *out, size_t len)
{
	if (!len)
		return 0;
	uint64_t held = ring->written < LOG_RING_SIZE ? ring->written : LOG_RING_SIZE;
	size_t n = held < len - 1 ? (size_t)held : len - 1;
	uint64_t start = ring->written - n;
	for (size_t i = 0; i < n; i++)
		out[i] = ring->bytes[(start + i) % LOG_RING_SIZE];
	out[n] = 0;
	return n;
}

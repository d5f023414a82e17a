/*
 * The values the context checks put in registers: a xorshift64* sequence
 * of their own per partition, each value canonical and carrying the
 * partition's tag (1-127) in bits 40-46, so a value seen in the wrong
 * partition names the partition it came from. Shared by the freestanding
 * guest (ctxcheck.c) and the Linux one (user.c).
 */
#ifndef SOLO_CTXCHECK_VALUES_H
#define SOLO_CTXCHECK_VALUES_H

#include <stdint.h>

#define CTX_TAG_SHIFT 40
#define CTX_TAG_MASK  0x7fULL

struct ctx_random {
	uint64_t state;
	uint64_t tag;
};

static inline void ctx_random_init(struct ctx_random *r, uint64_t tag)
{
	r->tag = tag & CTX_TAG_MASK;
	r->state = 0x9e3779b97f4a7c15ULL * (r->tag + 1);
}

static inline uint64_t ctx_next(struct ctx_random *r)
{
	r->state ^= r->state >> 12;
	r->state ^= r->state << 25;
	r->state ^= r->state >> 27;
	return r->state * 0x2545f4914f6cdd1dULL;
}

static inline uint64_t ctx_tagged(struct ctx_random *r)
{
	return (ctx_next(r) & ((1ULL << CTX_TAG_SHIFT) - 1)) | (r->tag << CTX_TAG_SHIFT);
}

/* The tag a value carries, 0 when it carries none. */
static inline uint64_t ctx_tag_of(uint64_t v)
{
	return (v >> 47) == 0 ? (v >> CTX_TAG_SHIFT) & CTX_TAG_MASK : 0;
}

#endif

/*
 * The guest init's side of solo's clone point (docs/templates.md): after
 * its spec is read and before anything makes the container unique, it
 * asks solo for its answer; a clone resumes from here. The answer is
 * text lines: `hostname=NAME` (a replica's own) and `seed=HEX` (32 bytes
 * of entropy, credited to the kernel's pool, which is then reseeded so
 * no two clones of a template share random numbers).
 */
#ifndef SOLO_INIT_CLONE_POINT_H
#define SOLO_INIT_CLONE_POINT_H

#include <stddef.h>
#include <stdint.h>

#define CLONE_POINT_SEED_SIZE 32
#define CLONE_POINT_NAME_MAX  64

struct clone_answer {
	char hostname[CLONE_POINT_NAME_MAX + 1]; /* "" when not given */
	uint8_t seed[CLONE_POINT_SEED_SIZE];
	int has_seed;
};

/* Parses len bytes of answer; 0, or -1 for text that breaks the format
 * (an unknown or malformed line: solo and its init disagree). */
int clone_answer_parse(const char *text, size_t len, struct clone_answer *out);

/* Calls the clone point and applies the answer: the hostname into
 * *hostname (left alone when none is given; points into static
 * storage), the seed into the kernel's random pool. Outside solo, or
 * under a solo without templates, does nothing. say() reports problems;
 * none of them stops the container. */
void clone_point(const char **hostname, void (*say)(const char *fmt, ...));

#endif

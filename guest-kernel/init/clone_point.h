/*
 * The guest init's side of solo's clone point (docs/templates.md): after
 * its spec is read and before anything makes the container unique, it
 * asks solo for its answer; a clone resumes from here. The answer is
 * text lines: `hostname=NAME` (a replica's own), `seed=HEX` (32 bytes
 * of entropy, credited to the kernel's pool, which is then reseeded so
 * no two clones of a template share random numbers) and `nicK=MAC
 * ADDRESS` (interface K's own identity, as a spec net line has it).
 */
#ifndef SOLO_INIT_CLONE_POINT_H
#define SOLO_INIT_CLONE_POINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec.h"

#define CLONE_POINT_SEED_SIZE 32
#define CLONE_POINT_NAME_MAX  64

struct clone_answer {
	char hostname[CLONE_POINT_NAME_MAX + 1]; /* "" when not given */
	uint8_t seed[CLONE_POINT_SEED_SIZE];
	int has_seed;
	/* nicK=MAC ADDRESS: interface K's own MAC and address (a spec net
	 * line's value), when given. */
	bool nic_given[SPEC_MAX_NICS];
	struct spec_nic nics[SPEC_MAX_NICS];
};

/* Parses len bytes of answer; 0, or -1 for text that breaks the format
 * (an unknown or malformed line: solo and its init disagree). */
int clone_answer_parse(const char *text, size_t len, struct clone_answer *out);

/* What the answer changes in the spec: the hostname (pointing into a's
 * storage), and each interface given, which takes the answer's MAC and
 * address and is marked for net_setup() to give the kernel's ethK that
 * MAC (a clone's kernel has its template's). An interface whose address
 * is of another kind than the spec's (dhcp or not) is left as it was
 * and reported; returns how many were. */
unsigned clone_answer_apply(const struct clone_answer *a, struct spec *spec);

/* Calls the clone point and applies the answer: clone_answer_apply, and
 * the seed into the kernel's random pool. Outside solo, or under a solo
 * without templates, does nothing. say() reports problems; none of them
 * stops the container. */
void clone_point(struct spec *spec, void (*say)(const char *fmt, ...));

#endif
